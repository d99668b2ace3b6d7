"""Messages about direct debits: the pre-notification of a collection, and a returned debit.

Billing records what is announced and what came back; it never imports notices. The door (the
``kaft sepa-announce`` / ``kaft sepa-returns`` commands, the desk's finance screens) calls these
after billing's service, and they read billing's rows. Each message is keyed on the collection,
so calling again (or from the safety net) queues nothing twice.

The member's channel for the message type (e-mail, SMS or letter) is used; the render context
carries ``channel`` so one template serves all three (a short text for SMS). A message names the
amount, the date, the mandate reference and the library's creditor identifier, and the account
only by its last four digits.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaft.billing.models import ChargeKind, CollectionStatus, SepaCollection, SepaReturnFile
from kaft.billing.services.mandates import iban_masked
from kaft.billing.services.sepa_returns import REASONS
from kaft.members.models import MessageType
from kaft.notices.selectors.outbox import member_channel
from kaft.notices.services.outbox import _draft, _outbox_insert

CHUNK = 500


def _what(kinds: set[str]) -> list[object]:
    # Lazy labels: rendered in the member's language.
    return [ChargeKind(kind).label for kind in sorted(kinds)]


def notices_queue_sepa_prenotices(
    *, collection_date: dt.date, now: dt.datetime | None = None
) -> int:
    """Queue the announcement of every debit announced for ``collection_date`` (not yet
    collected) to its member. Returns how many new messages were queued; a rerun queues none.
    Locks nothing: the unique ``dedup_key`` makes a second insert a no-op."""
    now = now or timezone.now()
    creditor_id = str(settings.KAFT_SEPA_CREDITOR_ID).strip().upper()
    queued = 0
    collections = (
        SepaCollection.objects.filter(
            collection_date=collection_date,
            status=CollectionStatus.ANNOUNCED,
            run__isnull=True,
            member__isnull=False,
        )
        .select_related("member", "mandate")
        .prefetch_related("lines__charge")
        .order_by("pk")
    )
    after = 0
    while True:
        chunk = list(collections.filter(pk__gt=after)[:CHUNK])
        if not chunk:
            return queued
        drafts = []
        for collection in chunk:
            member, mandate = collection.member, collection.mandate
            assert member is not None
            if mandate is None:
                continue
            channel = member_channel(member, MessageType.SEPA_PRENOTICE)
            drafts.append(
                _draft(
                    member=member,
                    message_type=MessageType.SEPA_PRENOTICE,
                    channel=channel,
                    dedup_key=f"sepa_prenotice:{collection.end_to_end_id}",
                    context={
                        "channel": channel.value,
                        "amount": f"{collection.amount:.2f}",
                        "collection_date": collection.collection_date,
                        "mandate_reference": mandate.reference,
                        "creditor_id": creditor_id,
                        "account": iban_masked(mandate.iban),
                        "what": _what({line.charge.kind for line in collection.lines.all()}),
                    },
                    now=now,
                )
            )
        with transaction.atomic():
            queued += len(_outbox_insert(drafts))
        after = chunk[-1].pk


def notices_queue_debit_returned(
    *, return_file: SepaReturnFile, now: dt.datetime | None = None
) -> int:
    """Tell each member whose debit came back in ``return_file`` why, in plain words, what
    they owe again, and whether the mandate ended. Returns how many were queued; a rerun none."""
    now = now or timezone.now()
    queued = 0
    drafts = []
    for bank_return in return_file.returns.select_related(
        "member", "collection__mandate", "fee_charge"
    ).order_by("pk"):
        member = bank_return.member
        if member is None:
            continue
        mandate = bank_return.collection.mandate
        channel = member_channel(member, MessageType.DEBIT_RETURNED)
        fee = ""
        if bank_return.fee_charge is not None:
            fee_event = bank_return.fee_charge.events.filter(kind="charged").first()
            fee = f"{fee_event.amount:.2f}" if fee_event is not None else ""
        drafts.append(
            _draft(
                member=member,
                message_type=MessageType.DEBIT_RETURNED,
                channel=channel,
                dedup_key=f"debit_returned:{bank_return.end_to_end_id}",
                context={
                    "channel": channel.value,
                    "amount": f"{bank_return.amount:.2f}",
                    "collection_date": bank_return.collection.collection_date,
                    "reason": REASONS.get(bank_return.reason_code, bank_return.reason_code),
                    "reason_code": bank_return.reason_code,
                    "mandate_reference": mandate.reference if mandate else "",
                    "mandate_ended": bank_return.mandate_ended,
                    "fee": fee,
                },
                now=now,
            )
        )
    for start in range(0, len(drafts), CHUNK):
        with transaction.atomic():
            queued += len(_outbox_insert(drafts[start : start + CHUNK]))
    return queued
