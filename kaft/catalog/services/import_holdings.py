"""Copies from MARC21 holdings records, written after the titles of the same import.

A holdings record (leader/06 ``u``, ``v``, ``x``, ``y``) names its title by that title's 001 in
its own 004. The importer keeps the holdings records of a run aside and writes them once every
title of every file is written, so the order of titles and holdings in (or across) the files
does not matter. The title is looked up by control number; a copy follows the same rules as a
copy in a title's own 852/949/952 (see :class:`kaft.catalog.services.importing.BranchResolver`), and a
copy whose barcode already exists on that title is simply there already (a second run changes
nothing). Each chunk of :data:`BATCH_SIZE` holdings records is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DatabaseError, transaction

from kaft.catalog.errors import CatalogErrorCode
from kaft.catalog.marc.holdings import HoldingData
from kaft.catalog.models import Item, Record
from kaft.catalog.services.importing import (
    BATCH_SIZE,
    BatchOutcome,
    BranchResolver,
    ItemPlan,
    Problem,
    agency_number,
    item_type_of,
)


@dataclass
class HoldingsEntry:
    file: str
    position: int
    control_number: str | None  # the holdings record's own 001
    title: str  # its 004: the control number of the title it belongs to
    copies: list[HoldingData]
    agency: str = ""  # its 003: a title of that agency is preferred (see separate_agencies)

    def problem(self, code: CatalogErrorCode, **params: object) -> Problem:
        return Problem(self.file, self.position, self.control_number, code, dict(params))

    @property
    def barcode_key(self) -> str:
        """What generated barcodes of this record's copies are made from (stable per record)."""
        return f"{self.title}/{self.control_number or self.position}"


def holdings_write(*, entries: list[HoldingsEntry], resolver: BranchResolver) -> BatchOutcome:
    """Make the copies of ``entries``, a chunk per transaction; a failing chunk is written
    again one holdings record at a time, so only the failing one is left out. No locks: copies
    are only added, matched by barcode (unique in the database)."""
    total = BatchOutcome()
    for start in range(0, len(entries), BATCH_SIZE):
        _add(total, _write_chunk(entries[start : start + BATCH_SIZE], resolver))
    return total


def _add(total: BatchOutcome, part: BatchOutcome) -> None:
    total.items_created += part.items_created
    total.problems += part.problems
    total.warnings += part.warnings


def _write_chunk(chunk: list[HoldingsEntry], resolver: BranchResolver) -> BatchOutcome:
    try:
        with transaction.atomic():
            return _write(chunk, resolver)
    except DatabaseError as exc:
        if len(chunk) == 1:
            outcome = BatchOutcome()
            outcome.problems.append(chunk[0].problem(CatalogErrorCode.NOT_SAVED, detail=str(exc)))
            return outcome
    total = BatchOutcome()
    for entry in chunk:
        _add(total, _write_chunk([entry], resolver))
    return total


def _write(chunk: list[HoldingsEntry], resolver: BranchResolver) -> BatchOutcome:
    outcome = BatchOutcome()
    wanted = {entry.title for entry in chunk}
    wanted |= {agency_number(entry.agency, entry.title) for entry in chunk if entry.agency}
    titles = {
        number: (record_id, material_type, audience)
        for number, record_id, material_type, audience in Record.objects.filter(
            control_number__in=wanted
        ).values_list("control_number", "id", "material_type", "audience")
    }
    planned: list[tuple[HoldingsEntry, int, str, ItemPlan]] = []
    for entry in chunk:
        title = titles.get(agency_number(entry.agency, entry.title)) if entry.agency else None
        title = title or titles.get(entry.title)
        if title is None:
            outcome.problems.append(
                entry.problem(CatalogErrorCode.HOLDINGS_TITLE_NOT_FOUND, title=entry.title)
            )
            continue
        record_id, material_type, audience = title
        plans, warnings = resolver.plan_copies(entry.copies, entry.barcode_key)
        outcome.warnings += [entry.problem(code, **params) for code, params in warnings]
        item_type = item_type_of(material_type=material_type, audience=audience)
        planned += [(entry, record_id, item_type, plan) for plan in plans]
    owners = dict(
        Item.objects.filter(barcode__in=[plan.barcode for *_, plan in planned]).values_list(
            "barcode", "record_id"
        )
    )
    items = []
    for entry, record_id, item_type, plan in planned:
        owner = owners.get(plan.barcode)
        if owner == record_id:
            continue  # made by an earlier import, or by an earlier holdings record of this one
        if owner is not None:
            outcome.warnings.append(
                entry.problem(CatalogErrorCode.BARCODE_TAKEN, barcode=plan.barcode)
            )
            continue
        owners[plan.barcode] = record_id
        items.append(
            Item(
                barcode=plan.barcode,
                record_id=record_id,
                home_branch=plan.branch,
                current_branch=plan.branch,
                call_number=plan.call_number,
                item_type=item_type,
            )
        )
    Item.objects.bulk_create(items)
    outcome.items_created = len(items)
    return outcome
