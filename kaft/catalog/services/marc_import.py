"""Catalogue services: importing MARC21 files.

Code that saves records itself must call ``kaft.catalog.search.search_index_records(ids)`` in the
same transaction, so that the search index never lags behind (there are no signals for this).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pymarc
from tqdm import tqdm

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.marc.holdings import holdings_record_copies, linked_title, record_kind
from kaft.catalog.marc.mapping import MissingTitle, UnimarcRecord, clean, map_record
from kaft.catalog.marc.reading import FileProblem, ReadRecord, read_file, read_marcxml_bytes
from kaft.catalog.models import Branch
from kaft.catalog.services.import_holdings import HoldingsEntry, holdings_write
from kaft.catalog.services.importing import (
    BATCH_SIZE,
    BatchOutcome,
    BranchResolver,
    Pending,
    Problem,
    write_batch,
)


@dataclass(frozen=True)
class ImportProblem:
    """A record (or file) that was not imported. ``position`` is the 1-based record number."""

    position: int
    control_number: str | None
    reason: str
    code: str = ""
    file: str = ""
    location: str = ""  # for a copy left out for its location: that location ("" for none)

    def __str__(self) -> str:
        number = f" [{self.control_number}]" if self.control_number else ""
        return f"{self.file}:{self.position}{number}: {self.reason}"


_LOCATION_CODES = (
    CatalogErrorCode.HOLDING_UNKNOWN_LOCATION.value,
    CatalogErrorCode.HOLDING_NO_LOCATION.value,
)


@dataclass
class ImportReport:
    """What an import did. ``errors`` are records refused (nothing of them written); ``warnings``
    are records imported with a copy left out, or read from damaged bytes."""

    created: int = 0
    updated: int = 0
    items_created: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    unreadable_files: list[str] = field(default_factory=list)
    records_read: int = 0
    record_ids: list[int] = field(default_factory=list)  # the titles written (new or updated)
    seconds: float = 0.0

    @property
    def holdings_skipped(self) -> dict[str, int]:
        """Copies left out because their location is not one of our branches, per location
        (``""``: the copy named no location), most first."""
        counts = Counter(w.location for w in self.warnings if w.code in _LOCATION_CODES)
        return dict(counts.most_common())

    @property
    def refused(self) -> dict[str, int]:
        """Records (and files) refused, per reason code, most first."""
        return dict(Counter(problem.code for problem in self.errors).most_common())

    @property
    def records_per_second(self) -> float:
        return self.records_read / self.seconds if self.seconds else 0.0


def _as_import_problem(problem: Problem) -> ImportProblem:
    return ImportProblem(
        position=problem.position,
        control_number=problem.control_number,
        reason=CatalogError(problem.code, **problem.params).message,
        code=problem.code.value,
        file=problem.file,
        location=str(problem.params.get("location", "")),
    )


def _report_problem(report: ImportReport, problem: Problem) -> None:
    report.errors.append(_as_import_problem(problem))


def _report_warning(report: ImportReport, problem: Problem) -> None:
    report.warnings.append(_as_import_problem(problem))


def _add_outcome(report: ImportReport, outcome: BatchOutcome) -> None:
    report.created += outcome.created
    report.updated += outcome.updated
    report.items_created += outcome.items_created
    report.record_ids += outcome.record_ids
    for problem in outcome.problems:
        _report_problem(report, problem)
    for warning in outcome.warnings:
        _report_warning(report, warning)


def marc_import(
    *,
    paths: list[Path],
    branch: Branch | None,
    items_per_record: int = 0,
    progress: bool = False,
    branch_map: dict[str, Branch] | None = None,
) -> ImportReport:
    """Import MARC21 files (ISO 2709 in MARC-8 or UTF-8, or MARCXML) into the catalogue.

    Records are written in batches, each batch in its own transaction (see
    :mod:`kaft.catalog.services.importing`); a bad record is reported and skipped, the run goes on. A file
    that cannot be read at all is listed in ``unreadable_files``. Holdings (852/949/952, and
    MARC21 holdings records linked by 004, written after all titles: see
    :mod:`kaft.catalog.services.import_holdings`) become items at the branch their location names, found
    through ``branch_map`` (code → branch, see :mod:`kaft.catalog.services.branch_map`) or a branch's
    code or ISIL; a copy that names no location goes to ``branch``; a copy of another library
    makes no item and a warning. A record without holdings gets ``items_per_record`` generated
    items at ``branch``. No locks: an import only adds and overwrites catalogue data, matched
    by control number/ISBN (titles) and barcode (copies).
    """
    if items_per_record and branch is None:
        raise CatalogError(CatalogErrorCode.NO_BRANCH_FOR_ITEMS)
    report = ImportReport()
    resolver = BranchResolver(branch, branch_map)
    started = time.perf_counter()
    total_bytes = sum(path.stat().st_size for path in paths if path.is_file())
    held: list[HoldingsEntry] = []
    with tqdm(
        total=total_bytes, unit="B", unit_scale=True, file=sys.stderr, disable=not progress
    ) as bar:
        for path in paths:
            _import_file(path, resolver, items_per_record, report, bar, held)
    if held:
        _add_outcome(report, holdings_write(entries=held, resolver=resolver))
    report.seconds = time.perf_counter() - started
    return report


_SKIPPED_KINDS = {
    "authority": CatalogErrorCode.AUTHORITY_RECORD,
    "other": CatalogErrorCode.NOT_A_TITLE_RECORD,
}


def marc_import_marcxml(*, data: bytes, source: str) -> ImportReport:
    """Import MARCXML received as bytes (copy cataloguing over SRU) exactly as a MARCXML file:
    the same reading, mapping, matching and writing, and the same report. No copies are made
    from its holdings unless they name one of our branches (a union catalogue's do not)."""
    report = ImportReport()
    resolver = BranchResolver(None)
    started = time.perf_counter()
    held: list[HoldingsEntry] = []
    with tqdm(total=len(data), disable=True) as bar:
        _import_records(source, read_marcxml_bytes(data), resolver, 0, report, bar, held)
    if held:
        _add_outcome(report, holdings_write(entries=held, resolver=resolver))
    report.seconds = time.perf_counter() - started
    return report


def _import_file(
    path: Path,
    resolver: BranchResolver,
    items_per_record: int,
    report: ImportReport,
    bar: tqdm,
    held: list[HoldingsEntry],
) -> None:
    _import_records(str(path), read_file(path), resolver, items_per_record, report, bar, held)


def _import_records(
    name: str,
    records: Iterator[ReadRecord],
    resolver: BranchResolver,
    items_per_record: int,
    report: ImportReport,
    bar: tqdm,
    held: list[HoldingsEntry],
) -> None:
    batch: list[Pending] = []
    try:
        # A MARCXML file is parsed whole before the first record is returned, so a broken
        # XML file raises here before anything of it is written.
        for read in records:
            bar.update(read.size)
            report.records_read += 1
            try:
                pending = _take(name, read, resolver, items_per_record, report, held)
            except Exception as exc:  # a record no rule foresaw costs that record, not the run
                detail = {"detail": f"{type(exc).__name__}: {exc}"}
                problem = Problem(name, read.position, read.control_number, _UNREADABLE, detail)
                _report_problem(report, problem)
                continue
            if pending is None:
                continue
            batch.append(pending)
            if len(batch) >= BATCH_SIZE:
                _add_outcome(report, write_batch(batch))
                batch = []
    except FileProblem as problem:
        report.unreadable_files.append(name)
        _report_problem(report, Problem(name, problem.position, None, problem.code, problem.params))
    if batch:
        _add_outcome(report, write_batch(batch))


_UNREADABLE = CatalogErrorCode.RECORD_UNREADABLE


def _control_field(record: pymarc.Record, tag: str) -> str:
    field = record.get(tag)
    return " ".join((field.data or "").split()) if field is not None else ""


def _take(
    name: str,
    read: ReadRecord,
    resolver: BranchResolver,
    items_per_record: int,
    report: ImportReport,
    held: list[HoldingsEntry],
) -> Pending | None:
    """The title to write from one record read; holdings records are kept aside in ``held``,
    everything else is reported here."""
    if read.code is not None or read.record is None:
        code = read.code or _UNREADABLE
        params = read.params or ({"detail": "?"} if read.code is None else {})
        _report_problem(report, Problem(name, read.position, read.control_number, code, params))
        return None
    record = read.record
    number = clean(_control_field(record, "001"))[:64] or None
    read.control_number = number
    if read.warning is not None:
        _report_warning(report, Problem(name, read.position, number, read.warning))
    kind = record_kind(record)
    if kind == "holdings":
        title = clean(linked_title(record))[:64]
        if not title:
            code = CatalogErrorCode.HOLDINGS_WITHOUT_LINK
            _report_problem(report, Problem(name, read.position, number, code))
            return None
        copies = holdings_record_copies(record)
        agency = _control_field(record, "003")
        held.append(HoldingsEntry(name, read.position, number, title, copies, agency))
        return None
    if kind in _SKIPPED_KINDS:
        _report_problem(report, Problem(name, read.position, number, _SKIPPED_KINDS[kind]))
        return None
    try:
        data = map_record(record)
    except MissingTitle as missing:
        code = CatalogErrorCode.NO_TITLE
        if isinstance(missing, UnimarcRecord):
            code = CatalogErrorCode.UNIMARC_RECORD
        _report_problem(report, Problem(name, read.position, number, code))
        return None
    plans, warnings = resolver.plan_items(data, items_per_record)
    for code, params in warnings:
        _report_warning(report, Problem(name, read.position, data.control_number, code, params))
    return Pending(data, read.marc, name, read.position, plans)
