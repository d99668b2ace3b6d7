"""Catalogue services: importing MARC21 files.

Code that saves records itself must call ``kaft.catalog.search.search_index_records(ids)`` in the
same transaction, so that the search index never lags behind (there are no signals for this).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.importing import (
    BATCH_SIZE,
    BatchOutcome,
    BranchResolver,
    Pending,
    Problem,
    write_batch,
)
from kaft.catalog.marc.mapping import MissingTitle, map_record
from kaft.catalog.marc.reading import FileProblem, read_file
from kaft.catalog.models import Branch


@dataclass(frozen=True)
class ImportProblem:
    """A record (or file) that was not imported. ``position`` is the 1-based record number."""

    position: int
    control_number: str | None
    reason: str
    code: str = ""
    file: str = ""

    def __str__(self) -> str:
        number = f" [{self.control_number}]" if self.control_number else ""
        return f"{self.file}:{self.position}{number}: {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    items_created: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    unreadable_files: list[str] = field(default_factory=list)
    records_read: int = 0
    seconds: float = 0.0

    @property
    def records_per_second(self) -> float:
        return self.records_read / self.seconds if self.seconds else 0.0


def _report_problem(report: ImportReport, problem: Problem) -> None:
    message = CatalogError(problem.code, **problem.params).message
    report.errors.append(
        ImportProblem(
            position=problem.position,
            control_number=problem.control_number,
            reason=message,
            code=problem.code.value,
            file=problem.file,
        )
    )


def _add_outcome(report: ImportReport, outcome: BatchOutcome) -> None:
    report.created += outcome.created
    report.updated += outcome.updated
    report.items_created += outcome.items_created
    for problem in outcome.problems:
        _report_problem(report, problem)


def marc_import(
    *,
    paths: list[Path],
    branch: Branch | None,
    items_per_record: int = 0,
    progress: bool = False,
) -> ImportReport:
    """Import MARC21 files (ISO 2709 in MARC-8 or UTF-8, or MARCXML) into the catalogue.

    Records are written in batches, each batch in its own transaction (see
    :mod:`kaft.catalog.importing`); a bad record is reported and skipped, the run goes on. A file
    that cannot be read at all is listed in ``unreadable_files``. Holdings (852/949) become items;
    a record without holdings gets ``items_per_record`` generated items at ``branch``.
    No locks: an import only adds and overwrites catalogue data, matched by control number/ISBN.
    """
    if items_per_record and branch is None:
        raise CatalogError(CatalogErrorCode.NO_BRANCH_FOR_ITEMS)
    report = ImportReport()
    resolver = BranchResolver(branch)
    started = time.perf_counter()
    total_bytes = sum(path.stat().st_size for path in paths if path.is_file())
    with tqdm(
        total=total_bytes, unit="B", unit_scale=True, file=sys.stderr, disable=not progress
    ) as bar:
        for path in paths:
            _import_file(path, resolver, items_per_record, report, bar)
    report.seconds = time.perf_counter() - started
    return report


def _import_file(
    path: Path, resolver: BranchResolver, items_per_record: int, report: ImportReport, bar: tqdm
) -> None:
    name = str(path)
    batch: list[Pending] = []
    try:
        # A MARCXML file is parsed whole before the first record is returned, so a broken
        # XML file raises here before anything of it is written.
        for read in read_file(path):
            bar.update(read.size)
            report.records_read += 1
            if read.code is not None or read.record is None:
                code = read.code or CatalogErrorCode.RECORD_UNREADABLE
                params = read.params or ({"detail": "?"} if read.code is None else {})
                _report_problem(
                    report, Problem(name, read.position, read.control_number, code, params)
                )
                continue
            try:
                data = map_record(read.record)
            except MissingTitle:
                number = read.record["001"].data if read.record.get("001") else None
                _report_problem(
                    report, Problem(name, read.position, number, CatalogErrorCode.NO_TITLE)
                )
                continue
            plans, refusal = resolver.plan_items(data, items_per_record)
            if refusal is not None:
                code, params = refusal
                _report_problem(
                    report, Problem(name, read.position, data.control_number, code, params)
                )
                continue
            batch.append(Pending(data, read.marc, name, read.position, plans))
            if len(batch) >= BATCH_SIZE:
                _add_outcome(report, write_batch(batch))
                batch = []
    except FileProblem as problem:
        report.unreadable_files.append(name)
        _report_problem(report, Problem(name, problem.position, None, problem.code, problem.params))
    if batch:
        _add_outcome(report, write_batch(batch))
