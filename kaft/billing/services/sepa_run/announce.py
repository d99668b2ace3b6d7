"""The announcement (pre-notification step) of the direct debits of one collection date."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from kaft.billing.creditor import creditor_settings
from kaft.billing.errors import BillingError, BillingErrorCode
from kaft.billing.models import (
    Charge,
    CollectionStatus,
    Mandate,
    MandateStatus,
    SepaCollection,
    SepaCollectionCharge,
)
from kaft.billing.selectors.charges import charges_with_owed
from kaft.billing.services.sepa_run.rows import insert_rows
from kaft.members.models import User


@dataclass(frozen=True)
class Announcement:
    collection_date: dt.date
    count: int
    total: Decimal


def _first_day(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=int(settings.KAFT_SEPA_PRENOTICE_DAYS))


def _end_to_end_id(collection_date: dt.date) -> str:
    return f"KAFT-{collection_date:%Y%m%d}-{secrets.token_hex(8).upper()}"


def sepa_announce(
    *, collection_date: dt.date, staff: User | None = None, now: dt.datetime | None = None
) -> Announcement:
    """Announce a collection on ``collection_date`` of every open collectable charge of members
    with an active mandate. Refused: creditor settings missing or wrong, a date within the
    announcement period. Announcing again for the same date adds only charges that are new
    since. Locks nothing: a charge in two concurrent announcements breaks the unique charge
    line, and the second transaction is rolled back whole."""
    creditor_settings()
    now = now or timezone.now()
    first = _first_day(timezone.localdate(now))
    if collection_date < first:
        raise BillingError(
            BillingErrorCode.TOO_SOON,
            days=settings.KAFT_SEPA_PRENOTICE_DAYS,
            first=f"{first:%d-%m-%Y}",
        )
    mandates = dict(
        Mandate.objects.filter(status=MandateStatus.ACTIVE, member__isnull=False).values_list(
            "member_id", "pk"
        )
    )
    candidates = (
        charges_with_owed(
            Charge.objects.filter(
                kind__in=list(settings.KAFT_SEPA_CHARGE_KINDS),
                member__mandates__status=MandateStatus.ACTIVE,
                sepa_line__isnull=True,
            )
        )
        .filter(Q(owed__gt=0))
        .order_by("member_id", "pk")
    )
    per_member: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for pk, member_id, owed in candidates.values_list("pk", "member_id", F("owed")):
        per_member[member_id].append((pk, Decimal(owed)))
    rows = [
        (
            member_id,
            mandates[member_id],
            collection_date,
            sum((owed for _pk, owed in lines), Decimal("0.00")),
            _end_to_end_id(collection_date),
        )
        for member_id, lines in per_member.items()
    ]
    ops = connection.ops
    at = SepaCollection._meta.get_field("announced_at").get_db_prep_value(now, connection)
    day = ops.adapt_datefield_value(collection_date)
    with transaction.atomic():
        insert_rows(
            SepaCollection._meta.db_table,
            (
                "member_id",
                "mandate_id",
                "collection_date",
                "amount",
                "end_to_end_id",
                "status",
                "announced_at",
                "sequence_type",
            ),
            [
                (
                    member_id,
                    mandate_id,
                    day,
                    ops.adapt_decimalfield_value(amount, 9, 2),
                    e2e,
                    CollectionStatus.ANNOUNCED.value,
                    at,
                    "",
                )
                for member_id, mandate_id, _day, amount, e2e in rows
            ],
        )
        ids = dict(
            SepaCollection.objects.filter(
                collection_date=collection_date, announced_at=now, run__isnull=True
            ).values_list("end_to_end_id", "pk")
        )
        insert_rows(
            SepaCollectionCharge._meta.db_table,
            ("collection_id", "charge_id", "amount"),
            [
                (ids[e2e], pk, ops.adapt_decimalfield_value(owed, 9, 2))
                for member_id, _mandate, _day, _amount, e2e in rows
                for pk, owed in per_member[member_id]
            ],
        )
    total = sum((row[3] for row in rows), Decimal("0.00"))
    return Announcement(collection_date=collection_date, count=len(rows), total=total)
