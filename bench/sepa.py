"""A direct-debit run over many mandates, measured and then rolled back.

Inside one transaction that is rolled back afterwards: every member of the dataset (members are
added when the dataset has fewer than ``count``) gets a mandate (IBAN encrypted) and an open
membership fee; the announcement (``sepa_announce``) and the run (``sepa_run``: decrypting the
IBANs, building the pain.008 with sepaxml, checking it against the XSD, writing it to a scratch
files storage, booking a payment and a paid event per debit) are timed separately. The target:
the run for 100,000 mandates in 30 s or less, XSD check included.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

CHUNK = 5_000


class _RollBack(Exception):
    pass


def _iban(n: int) -> str:
    """A valid Dutch IBAN for account number ``n`` (check digits computed, ISO 13616)."""
    account = f"{n:010d}"
    digits = "".join(str(int(ch, 36)) for ch in f"ABNA{account}NL00")
    return f"NL{98 - int(digits) % 97:02d}ABNA{account}"


def _members(count: int) -> list[int]:
    from kaft.catalog.models import Branch
    from kaft.members.models import Member, MemberCategory

    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True)[:count])
    missing = count - len(ids)
    if missing > 0:
        category = MemberCategory.objects.order_by("pk").first() or MemberCategory.objects.create(
            code="bench", name="Bench", annual_fee=Decimal("52.00")
        )
        branch = Branch.objects.order_by("pk").first() or Branch.objects.create(
            code="bench", name="Bench"
        )
        for start in range(0, missing, CHUNK):
            Member.objects.bulk_create(
                [
                    Member(
                        card_number=f"29{n:012d}",
                        first_name="Lid",
                        last_name=f"Incasso {n}",
                        category=category,
                        home_branch=branch,
                    )
                    for n in range(start, min(missing, start + CHUNK))
                ]
            )
        ids = list(Member.objects.order_by("pk").values_list("pk", flat=True)[:count])
    return ids


def _mandates_and_fees(member_ids: list[int], now: dt.datetime) -> None:
    from kaft.billing.models import Charge, ChargeEvent, Mandate

    signed = timezone.localdate(now) - dt.timedelta(days=30)
    for start in range(0, len(member_ids), CHUNK):
        chunk = member_ids[start : start + CHUNK]
        Mandate.objects.bulk_create(
            [
                Mandate(
                    member_id=pk,
                    reference=f"KAFT-BENCH-{pk:010d}",
                    signed_on=signed,
                    via="paper",
                    iban=_iban(pk),
                    created_at=now,
                )
                for pk in chunk
            ]
        )
        charges = Charge.objects.bulk_create(
            [
                Charge(
                    member_id=pk,
                    kind="membership",
                    created_at=now,
                    period_start=signed,
                    period_end=signed + dt.timedelta(days=364),
                )
                for pk in chunk
            ]
        )
        ChargeEvent.objects.bulk_create(
            [
                ChargeEvent(
                    charge_id=c.pk,
                    kind="charged",
                    amount=Decimal("52.00"),
                    owed_change=Decimal("52.00"),
                    at=now,
                )
                for c in charges
            ]
        )


def measure_sepa(count: int) -> dict[str, Any]:
    """Announce and collect ``count`` direct debits; the figures, then everything rolled back."""
    from kaft.billing.creditor import creditor_id_with_check_digits
    from kaft.billing.models import SepaFormat
    from kaft.billing.services.sepa_run import sepa_announce, sepa_run

    figure: dict[str, Any] = {}
    now = timezone.now()
    day = timezone.localdate(now) + dt.timedelta(days=20)
    with tempfile.TemporaryDirectory() as folder:
        storages = {
            **settings.STORAGES,
            "files": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": folder},
            },
        }
        try:
            creditor = {
                "KAFT_SEPA_CREDITOR_ID": creditor_id_with_check_digits("12345678"),
                "KAFT_SEPA_CREDITOR_NAME": "Bibliotheek Bench",
                "KAFT_SEPA_CREDITOR_IBAN": _iban(1),
                "KAFT_SEPA_CREDITOR_BIC": "ABNANL2A",
                "KAFT_SEPA_CHARGE_KINDS": ("membership",),
            }
            with override_settings(STORAGES=storages, **creditor), transaction.atomic():
                started = time.perf_counter()
                ids = _members(count)
                _mandates_and_fees(ids, now)
                setup = time.perf_counter() - started
                started = time.perf_counter()
                announced = sepa_announce(collection_date=day, now=now)
                announce_seconds = time.perf_counter() - started
                started = time.perf_counter()
                run = sepa_run(collection_date=day, fmt=SepaFormat.PAIN_008_001_02, now=now)
                run_seconds = time.perf_counter() - started
                from django.core.files.storage import storages as handler

                size = handler["files"].size(run.stored_as)
                figure = {
                    "mandates": len(ids),
                    "announced": announced.count,
                    "collected": run.count,
                    "total": str(run.total),
                    "file_mb": round(size / 1_000_000, 1),
                    "setup_seconds": setup,
                    "announce_seconds": announce_seconds,
                    "run_seconds": run_seconds,
                    "vendor": connection.vendor,
                }
                raise _RollBack
        except _RollBack:
            pass
    return figure
