"""Write mapped MARC records to the database in batches: records, their items and the index.

Each batch of :data:`BATCH_SIZE` records is one transaction with bulk statements. A copy that
cannot be made (another library's location, a barcode of another title) costs that copy only,
with a warning; the record is still written. Should the database still refuse a batch, it is
rolled back and written again one record per transaction, so that only the failing record is
left out. Nothing is ever half-written.

Matching (re-import updates, never duplicates): a record is the existing record with the same
control number, else the first existing record with the same ISBN. Items are matched on barcode.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.errors import CatalogErrorCode
from kaft.catalog.marc.holdings import HoldingData
from kaft.catalog.marc.mapping import RecordData, generated_barcode
from kaft.catalog.marc.reading import agency_of
from kaft.catalog.models import Audience, Branch, Item, ItemType, MaterialType, Record
from kaft.catalog.search import search_index_records

BATCH_SIZE = 500

RECORD_FIELDS = [
    "control_number",
    "isbn",
    "title",
    "subtitle",
    "contributors",
    "publisher",
    "year",
    "language",
    "material_type",
    "subjects",
    "audience",
    "summary",
    "marc",
]

_ITEM_TYPES = {
    MaterialType.AUDIOBOOK: ItemType.AUDIOVISUAL,
    MaterialType.DVD: ItemType.AUDIOVISUAL,
    MaterialType.MUSIC: ItemType.AUDIOVISUAL,
    MaterialType.MAGAZINE: ItemType.MAGAZINE,
    MaterialType.GAME: ItemType.GAME,
}


@dataclass(frozen=True)
class Problem:
    """A record that was not imported: where it is, who it is (if known) and why."""

    file: str
    position: int
    control_number: str | None
    code: CatalogErrorCode
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ItemPlan:
    barcode: str
    branch: Branch
    call_number: str


@dataclass
class Pending:
    data: RecordData
    marc: bytes | None
    file: str
    position: int
    items: list[ItemPlan]
    target_id: int | None = None
    absorbed: int = 0  # later records in the batch that turned out to be this same record

    def absorb(self, later: Pending) -> None:
        self.data, self.marc = later.data, later.marc
        self.absorbed += 1 + later.absorbed
        known = {plan.barcode for plan in self.items}
        self.items += [plan for plan in later.items if plan.barcode not in known]

    def problem(self, code: CatalogErrorCode, **params: Any) -> Problem:
        return Problem(self.file, self.position, self.data.control_number, code, params)


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    items_created: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    record_ids: list[int] = field(default_factory=list)  # the titles written (new or updated)


def item_type_for(data: RecordData) -> str:
    return item_type_of(material_type=data.material_type, audience=data.audience)


def item_type_of(*, material_type: str, audience: str) -> str:
    if material_type in (MaterialType.BOOK, MaterialType.EBOOK):
        return ItemType.YOUTH_BOOK if audience == Audience.YOUTH else ItemType.BOOK
    return _ITEM_TYPES.get(MaterialType(material_type), ItemType.BOOK)


CopyWarning = tuple[CatalogErrorCode, dict[str, Any]]


class BranchResolver:
    """Finds the branch of a copy: the branch map first, then a branch's code or ISIL (both
    case-insensitive). Only a copy that names no location goes to the default branch; a copy at
    a location that is not ours (another library's, in a record from a union catalogue) makes
    no item and a warning."""

    def __init__(self, default: Branch | None, mapping: dict[str, Branch] | None = None) -> None:
        self.default = default
        self.by_key: dict[str, Branch] = {}
        for branch in Branch.objects.all():
            self.by_key[branch.code.casefold()] = branch
            self.by_key[branch.isil.casefold()] = branch
        self.by_key.update(mapping or {})

    def branch_for(self, holding: HoldingData) -> tuple[Branch | None, CopyWarning | None]:
        if not holding.locations:
            if self.default is None:
                return None, (CatalogErrorCode.HOLDING_NO_LOCATION, {"tag": holding.tag})
            return self.default, None
        for code in holding.locations:
            branch = self.by_key.get(code.casefold())
            if branch is not None:
                return branch, None
        params = {"tag": holding.tag, "location": holding.shown}
        return None, (CatalogErrorCode.HOLDING_UNKNOWN_LOCATION, params)

    def plan_copies(
        self, holdings: list[HoldingData], barcode_key: str
    ) -> tuple[list[ItemPlan], list[CopyWarning]]:
        """One plan per copy at one of our branches; a warning for each other copy."""
        plans: list[ItemPlan] = []
        warnings: list[CopyWarning] = []
        for number, holding in enumerate(holdings, start=1):
            branch, warning = self.branch_for(holding)
            if warning is not None or branch is None:
                warnings.append(warning or (CatalogErrorCode.HOLDING_NO_LOCATION, {}))
                continue
            barcode = holding.barcode or generated_barcode(barcode_key, number)
            if not barcode_is_valid(barcode):
                warnings.append((CatalogErrorCode.BARCODE_INVALID, {"barcode": barcode}))
                continue
            plans.append(ItemPlan(barcode, branch, holding.call_number[:64]))
        return plans, warnings

    def plan_items(
        self, data: RecordData, items_per_record: int
    ) -> tuple[list[ItemPlan], list[CopyWarning]]:
        plans, warnings = self.plan_copies(data.holdings, data.control_number)
        if not data.holdings and items_per_record and self.default is not None:
            plans = [
                ItemPlan(generated_barcode(data.control_number, number), self.default, "")
                for number in range(1, items_per_record + 1)
            ]
        return plans, warnings


def agency_number(agency: str, number: str) -> str:
    """The control number of a record whose 001 another agency's record already has."""
    return f"({agency}){number}"[:64]


def separate_agencies(batch: list[Pending]) -> None:
    """A 001 is unique only within the numbering of its 003 (two Koha systems both have a
    record 1). A record whose 001 is taken by a record of another 003, stored or earlier in the
    batch, is known as ``(003)001`` instead, so it never overwrites the other. When one of the two
    has no 003, they are taken to be the same record (nothing says otherwise)."""
    numbers = {pending.data.control_number for pending in batch if pending.data.agency}
    if not numbers:
        return
    agencies = {
        number: agency_of(marc)
        for number, marc in Record.objects.filter(control_number__in=numbers).values_list(
            "control_number", "marc"
        )
    }
    for pending in batch:
        data = pending.data
        if not data.agency:
            continue
        theirs = agencies.setdefault(data.control_number, data.agency)
        if theirs and theirs.casefold() != data.agency.casefold():
            old, data.control_number = (
                data.control_number,
                agency_number(data.agency, data.control_number),
            )
            # Made-up barcodes follow the new number, or they would be the other record's.
            count = max(len(data.holdings), len(pending.items))
            remade = {
                generated_barcode(old, number): generated_barcode(data.control_number, number)
                for number in range(1, count + 1)
            }
            for plan in pending.items:
                plan.barcode = remade.get(plan.barcode, plan.barcode)


def _resolve_targets(batch: list[Pending]) -> list[Pending]:
    """Give each record the id it updates (None: new), merging records that are the same."""
    separate_agencies(batch)
    by_number: dict[str, Pending] = {}
    for pending in batch:
        earlier = by_number.get(pending.data.control_number)
        if earlier is not None:
            earlier.absorb(pending)
        else:
            by_number[pending.data.control_number] = pending
    ordered = list(by_number.values())
    existing = dict(
        Record.objects.filter(control_number__in=list(by_number)).values_list(
            "control_number", "id"
        )
    )
    unmatched_isbns = {
        p.data.isbn for p in ordered if p.data.isbn and p.data.control_number not in existing
    }
    by_isbn: dict[str, int] = {}
    for isbn, record_id in (
        Record.objects.filter(isbn__in=unmatched_isbns).order_by("-id").values_list("isbn", "id")
    ):
        by_isbn[isbn] = record_id  # ordered newest first: the oldest one wins
    result: list[Pending] = []
    by_target: dict[int, Pending] = {}
    seen_isbn: dict[str, Pending] = {}
    for pending in ordered:
        target = existing.get(pending.data.control_number)
        isbn = pending.data.isbn
        if target is None and isbn and isbn in seen_isbn:
            seen_isbn[isbn].absorb(pending)
            continue
        if target is None and isbn:
            target = by_isbn.get(isbn)
        if target is not None and target in by_target:
            by_target[target].absorb(pending)
            continue
        pending.target_id = target
        if target is not None:
            by_target[target] = pending
        if isbn:
            seen_isbn.setdefault(isbn, pending)
        result.append(pending)
    return result


def _check_barcodes(batch: list[Pending], outcome: BatchOutcome) -> list[Pending]:
    """Keep only copies that are new; a copy whose barcode is another title's is left out with
    a warning (the record itself is still imported)."""
    barcodes = [plan.barcode for pending in batch for plan in pending.items]
    owners = dict(Item.objects.filter(barcode__in=barcodes).values_list("barcode", "record_id"))
    claimed: dict[str, Pending] = {}
    for pending in batch:
        fresh = []
        for plan in pending.items:
            owner = owners.get(plan.barcode)
            other = claimed.get(plan.barcode)
            if (owner is not None and owner != pending.target_id) or other not in (None, pending):
                outcome.warnings.append(
                    pending.problem(CatalogErrorCode.BARCODE_TAKEN, barcode=plan.barcode)
                )
                continue
            if owner is None:
                claimed[plan.barcode] = pending
                fresh.append(plan)
        pending.items = fresh
    return batch


def _update_records(records: list[Record]) -> None:
    """One prepared UPDATE run for every record: much faster than bulk_update's CASE WHEN."""
    columns = [*RECORD_FIELDS, "updated_at"]
    by_name = {field.name: field for field in Record._meta.concrete_fields}
    fields = [by_name[name] for name in columns]
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in columns)
    table = connection.ops.quote_name(Record._meta.db_table)
    rows = [
        [field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields]
        + [record.pk]
        for record in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)


def _write(originals: list[Pending]) -> BatchOutcome:
    outcome = BatchOutcome()
    # Work on copies: when the batch fails, the originals are written again one by one.
    copies = [replace(pending, items=list(pending.items)) for pending in originals]
    batch = _check_barcodes(_resolve_targets(copies), outcome)
    now = timezone.now()
    creates, updates = [], []
    for pending in batch:
        values = {name: getattr(pending.data, name) for name in RECORD_FIELDS if name != "marc"}
        record = Record(id=pending.target_id, marc=pending.marc, **values)
        if pending.target_id is None:
            record.created_at = record.updated_at = now
            creates.append((pending, record))
        else:
            record.updated_at = now
            updates.append(record)
        outcome.updated += pending.absorbed + (pending.target_id is not None)
        outcome.created += pending.target_id is None
    Record.objects.bulk_create([record for _, record in creates])
    for pending, record in creates:
        pending.target_id = record.pk
    if updates:
        _update_records(updates)
    items = [
        Item(  # type: ignore[misc]  # target_id is set for every pending record by now
            barcode=plan.barcode,
            record_id=pending.target_id,
            home_branch=plan.branch,
            current_branch=plan.branch,
            call_number=plan.call_number,
            item_type=item_type_for(pending.data),
        )
        for pending in batch
        for plan in pending.items
    ]
    Item.objects.bulk_create(items)
    outcome.items_created = len(items)
    outcome.record_ids = [pending.target_id for pending in batch if pending.target_id]
    search_index_records(pending.target_id for pending in batch if pending.target_id)
    return outcome


def write_batch(batch: list[Pending]) -> BatchOutcome:
    """Write a batch in one transaction; on a database error, each record in its own."""
    try:
        with transaction.atomic():
            return _write(batch)
    except DatabaseError as exc:
        if len(batch) == 1:
            outcome = BatchOutcome()
            outcome.problems.append(batch[0].problem(CatalogErrorCode.NOT_SAVED, detail=str(exc)))
            return outcome
    total = BatchOutcome()
    for pending in batch:
        single = write_batch([pending])
        total.created += single.created
        total.updated += single.updated
        total.items_created += single.items_created
        total.problems += single.problems
        total.warnings += single.warnings
        total.record_ids += single.record_ids
    return total
