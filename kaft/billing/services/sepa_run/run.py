"""Collecting what was announced: one pain.008 file, and the debits booked as payments."""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from kaft.billing.creditor import creditor_settings
from kaft.billing.errors import BillingError, BillingErrorCode
from kaft.billing.lifecycle import mandate_apply
from kaft.billing.models import (
    Charge,
    ChargeEvent,
    ChargeEventKind,
    ChargeKind,
    CollectionStatus,
    Mandate,
    MandateAction,
    MandateStatus,
    Payment,
    PaymentMethod,
    SepaCollection,
    SepaCollectionCharge,
    SepaFormat,
    SepaRun,
    SequenceType,
)
from kaft.billing.selectors.charges import charges_with_owed
from kaft.billing.services.sepa_run.rows import insert_rows
from kaft.billing.services.sepa_run.xsd import xsd_check
from kaft.core.library import library
from kaft.members.models import Member, User

RUN_DIR = "sepa/runs"


def _ascii(text: str) -> str:
    """``text`` in the characters a SEPA file may hold (ASCII: é becomes e)."""
    if text.isascii():
        return text
    from text_unidecode import unidecode

    return str(unidecode(text))


def _description(kinds: set[str]) -> str:
    labels = ", ".join(sorted(str(ChargeKind(kind).label) for kind in kinds))
    return f"{library().name}: {labels}"[:140]


def sepa_run(
    *,
    collection_date: dt.date,
    fmt: str = SepaFormat.PAIN_008_001_02,
    staff: User | None = None,
    now: dt.datetime | None = None,
) -> SepaRun:
    """Collect what was announced for ``collection_date`` in one pain.008 file of format
    ``fmt``. Refused (nothing written, no file): an unknown format, creditor settings missing or
    wrong, nothing announced for the date, a file that fails the XSD check. Locks the
    collections of the date (``select_for_update``), so two runs for one date queue and the
    second finds nothing left."""
    from sepaxml import SepaDD

    if fmt not in SepaFormat.values:
        raise BillingError(BillingErrorCode.FORMAT_UNKNOWN)
    creditor = creditor_settings(need_bic=fmt == SepaFormat.PAIN_008_001_02)
    now = now or timezone.now()
    storage = storages["files"]
    written: list[str] = []
    # The file is a tree of millions of small objects that live until the end: Python's cycle
    # collector would scan them again and again (it doubled the time of a 100,000-debit run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            run = _collect(collection_date, fmt, creditor, staff, now, SepaDD, storage, written)
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    finally:
        if collecting:
            gc.enable()
    return run


@dataclass
class _Debit:
    """One announced collection, read as plain values (a run may hold 100,000 of them)."""

    pk: int
    member_id: int | None
    mandate_id: int | None
    amount: Decimal
    end_to_end_id: str
    lines: list[list[Any]]  # [line pk, charge pk, amount, charge kind]
    sequence: str = ""


def _announced_values(collection_date: dt.date) -> dict[str, Any]:
    return {
        "collection_date": collection_date,
        "status": CollectionStatus.ANNOUNCED,
        "run__isnull": True,
    }


def _collect(
    collection_date: dt.date,
    fmt: str,
    creditor: Any,
    staff: User | None,
    now: dt.datetime,
    sepa_dd: Any,
    storage: Any,
    written: list[str],
) -> SepaRun:
    where = _announced_values(collection_date)
    debits = [
        _Debit(pk, member_id, mandate_id, amount, e2e, [])
        for pk, member_id, mandate_id, amount, e2e in SepaCollection.objects.select_for_update(
            of=("self",)
        )
        .filter(**where)
        .order_by("pk")
        .values_list("pk", "member_id", "mandate_id", "amount", "end_to_end_id")
    ]
    by_pk = {debit.pk: debit for debit in debits}
    line_where = {f"collection__{key}": value for key, value in where.items()}
    for line_pk, collection_id, charge_id, amount, kind in (
        SepaCollectionCharge.objects.filter(**line_where)
        .order_by("pk")
        .values_list("pk", "collection_id", "charge_id", "amount", "charge__kind")
    ):
        by_pk[collection_id].lines.append([line_pk, charge_id, amount, kind])
    owed = dict(
        charges_with_owed(
            Charge.objects.filter(**{f"sepa_line__{key}": v for key, v in line_where.items()})
        ).values_list("pk", F("owed"))
    )
    mandates = {
        row[0]: row
        for row in Mandate.objects.filter(
            **{f"collections__{key}": value for key, value in where.items()}
        )
        .distinct()
        .values_list("pk", "status", "iban", "bic", "reference", "signed_on", "last_collected_on")
    }
    names = {
        pk: " ".join(part for part in parts if part)
        for pk, *parts in Member.objects.filter(
            **{f"sepa_collections__{key}": value for key, value in where.items()}
        )
        .distinct()
        .values_list("pk", "first_name", "name_prefix", "last_name")
    }
    live = (MandateStatus.ACTIVE, MandateStatus.ENDING)
    kept: list[_Debit] = []
    dropped: list[int] = []
    for debit in debits:
        changed = False
        for line in debit.lines:
            now_owed = min(line[2], max(Decimal(owed.get(line[1], 0)), Decimal("0")))
            if now_owed != line[2]:
                line[2] = now_owed
                SepaCollectionCharge.objects.filter(pk=line[0]).update(amount=now_owed)
                changed = True
        amount = sum((line[2] for line in debit.lines), Decimal("0.00"))
        mandate = mandates.get(debit.mandate_id or 0)
        if mandate is None or mandate[1] not in live or debit.member_id is None or amount <= 0:
            dropped.append(debit.pk)
            continue
        if changed:
            debit.amount = amount
            SepaCollection.objects.filter(pk=debit.pk).update(amount=amount)
            SepaCollectionCharge.objects.filter(collection_id=debit.pk, amount__lte=0).delete()
            debit.lines = [line for line in debit.lines if line[2] > 0]
        debit.sequence = (SequenceType.RECURRING if mandate[6] else SequenceType.FIRST).value
        kept.append(debit)
    for start in range(0, len(dropped), 500):
        SepaCollection.objects.filter(pk__in=dropped[start : start + 500]).delete()
    if not kept:
        raise BillingError(BillingErrorCode.NOTHING_TO_COLLECT)

    config = {
        "name": _ascii(creditor.name)[:70],
        "IBAN": creditor.iban,
        "batch": True,
        "creditor_id": creditor.identifier,
        "currency": "EUR",
    }
    if creditor.bic:
        config["BIC"] = creditor.bic
    # Names and texts are made plain ASCII here (as sepaxml's ``clean`` would, but the
    # description only once per kind of debit, not once per debit).
    document = sepa_dd(config, schema=fmt, clean=False)
    descriptions: dict[frozenset[str], str] = {}
    for debit in kept:
        _pk, _status, iban, bic, reference, signed_on, _last = mandates[debit.mandate_id or 0]
        kinds = frozenset(line[3] for line in debit.lines)
        if kinds not in descriptions:
            descriptions[kinds] = _ascii(_description(set(kinds)))[:140]
        payment: dict[str, Any] = {
            "name": _ascii(names.get(debit.member_id or 0) or "-")[:70],
            "IBAN": iban,
            "amount": int(debit.amount * 100),
            "type": debit.sequence,
            "collection_date": collection_date,
            "mandate_id": reference,
            "mandate_date": signed_on,
            "description": descriptions[kinds],
            "endtoend_id": debit.end_to_end_id,
        }
        if bic:
            payment["BIC"] = bic
        document.add_payment(payment)
    xml: bytes = document.export(validate=False)
    xsd_check(xml, fmt)

    total = sum((debit.amount for debit in kept), Decimal("0.00"))
    message_id = str(document.msg_id)[:35]
    run = SepaRun.objects.create(
        collection_date=collection_date,
        format=fmt,
        message_id=message_id,
        stored_as="",
        created_at=now,
        count=len(kept),
        total=total,
        staff=staff,
    )
    announced = SepaCollection.objects.filter(**where)
    announced.filter(mandate__last_collected_on__isnull=True).update(
        sequence_type=SequenceType.FIRST
    )
    announced.filter(mandate__last_collected_on__isnull=False).update(
        sequence_type=SequenceType.RECURRING
    )
    announced.update(run=run, status=CollectionStatus.COLLECTED)
    Mandate.objects.filter(collections__run=run).update(last_collected_on=collection_date)
    _book_payments(kept, staff, now)
    _finish_ending_mandates(run, staff, now)
    name = storage.save(f"{RUN_DIR}/{collection_date:%Y-%m-%d}-{message_id}.xml", ContentFile(xml))
    written.append(name)
    run.stored_as = name
    run.save(update_fields=["stored_as"])
    return run


def _book_payments(kept: list[_Debit], staff: User | None, now: dt.datetime) -> None:
    """One payment by direct debit per collection, a ``paid`` event per charge it paid.

    Written with multi-row inserts (:func:`insert_rows`); the payments are read back in the
    order they were inserted: after the last payment before them, with their moment and
    method."""
    ops = connection.ops
    at = Payment._meta.get_field("at").get_db_prep_value(now, connection)
    staff_id = staff.pk if staff is not None else None

    def money(value: Decimal) -> Any:
        return ops.adapt_decimalfield_value(value, 9, 2)

    before = Payment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    insert_rows(
        Payment._meta.db_table,
        ("member_id", "method", "amount", "at", "staff_id"),
        [
            (d.member_id, PaymentMethod.DIRECT_DEBIT.value, money(d.amount), at, staff_id)
            for d in kept
        ],
    )
    payment_ids = list(
        Payment.objects.filter(pk__gt=before, at=now, method=PaymentMethod.DIRECT_DEBIT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(payment_ids) != len(kept):
        raise RuntimeError("another direct-debit payment was booked at the same moment")
    rows = [
        (
            line[1],
            ChargeEventKind.PAID.value,
            money(line[2]),
            money(-line[2]),
            at,
            payment_id,
            PaymentMethod.DIRECT_DEBIT.value,
            "",
            staff_id,
        )
        for debit, payment_id in zip(kept, payment_ids, strict=True)
        for line in debit.lines
        if line[2] > 0
    ]
    insert_rows(
        ChargeEvent._meta.db_table,
        (
            "charge_id",
            "kind",
            "amount",
            "owed_change",
            "at",
            "payment_id",
            "method",
            "reason",
            "staff_id",
        ),
        rows,
    )


def _finish_ending_mandates(run: SepaRun, staff: User | None, now: dt.datetime) -> None:
    """A mandate whose permission was withdrawn after an announcement ends once no announced
    collection is left."""
    ending = set(
        Mandate.objects.filter(Q(collections__run=run), status=MandateStatus.ENDING).values_list(
            "pk", flat=True
        )
    )
    for pk in sorted(ending):
        mandate = Mandate.objects.select_for_update().get(pk=pk)
        if not mandate.collections.filter(
            status=CollectionStatus.ANNOUNCED, run__isnull=True
        ).exists():
            mandate_apply(mandate, MandateAction.FINISH, now=now, staff=staff)


def sepa_run_file(run: SepaRun) -> bytes:
    """The stored pain.008 file of ``run``, to download again."""
    with storages["files"].open(run.stored_as, "rb") as handle:
        data: bytes = handle.read()
    return data


def sepa_files_prune(*, now: dt.datetime | None = None) -> int:
    """Delete the stored pain.008 files whose run is gone (the retention job deletes runs 14
    months after their collection date; the files go with them here, in the daily job). A
    file younger than a day is left alone: its run may not have committed yet. Returns how
    many files were deleted."""
    now = now or timezone.now()
    storage = storages["files"]
    if not storage.exists(RUN_DIR):
        return 0
    kept = set(SepaRun.objects.values_list("stored_as", flat=True))
    deleted = 0
    for name in storage.listdir(RUN_DIR)[1]:
        path = f"{RUN_DIR}/{name}"
        if path in kept:
            continue
        try:
            if storage.get_modified_time(path) > now - dt.timedelta(days=1):
                continue
        except NotImplementedError:
            pass
        storage.delete(path)
        deleted += 1
    return deleted
