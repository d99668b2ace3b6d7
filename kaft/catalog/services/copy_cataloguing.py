"""Copy cataloguing: find a title by ISBN in another catalogue (SRU, :mod:`kaft.catalog.sru`) and
take over the record chosen, through the same import as a MARCXML file
(:func:`kaft.catalog.services.marc_import.marc_import_marcxml`: the same reading, mapping,
matching, writing and search index). No copies are made: they are added at the desk.

A hit that is already in the catalogue (the same ISBN, or the same control number of the same
agency, which the import would overwrite) is not taken over: the desk is told which title it is.
Taking over asks the server again and takes the hit at the position chosen only when it is
still the record shown (the same control number); anything else writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.isbn import normalise_isbn
from kaft.catalog.marc.mapping import MissingTitle, RecordData, map_record
from kaft.catalog.marc.reading import FileProblem, agency_of, read_marcxml_bytes
from kaft.catalog.models import Branch, Record, RecordAction
from kaft.catalog.services.marc_import import marc_import_marcxml
from kaft.catalog.services.records import record_event_write
from kaft.catalog.sru import sru_search


@dataclass(frozen=True)
class CopyCandidate:
    """One hit of the other catalogue, as the desk shows it."""

    position: int
    data: RecordData | None  # None: the record cannot be imported (``problem`` says why)
    problem: str
    existing: Record | None  # the title in our catalogue it already is
    xml: bytes

    @property
    def takeable(self) -> bool:
        return self.data is not None and self.existing is None


@dataclass(frozen=True)
class CopySearch:
    isbn: str
    host: str
    total: int
    candidates: list[CopyCandidate]


def isbn_parse(text: str) -> str:
    """The ISBN-13 (or EAN) typed or scanned; ``ISBN_INVALID`` otherwise."""
    isbn = normalise_isbn(text or "")
    if isbn is None:
        raise CatalogError(CatalogErrorCode.ISBN_INVALID, isbn=(text or "").strip()[:40])
    return isbn


def _existing(data: RecordData, isbn: str) -> Record | None:
    isbns = {value for value in (data.isbn, isbn) if value}
    found = Record.objects.filter(isbn__in=isbns).order_by("pk").defer("marc").first()
    if found is not None:
        return found
    same_number = Record.objects.filter(control_number=data.control_number).first()
    if same_number is None:
        return None
    theirs = agency_of(same_number.marc)
    if data.agency and theirs and theirs.casefold() != data.agency.casefold():
        return None  # another agency's numbering: the import keeps them apart
    return same_number


def _candidate(position: int, xml: bytes, isbn: str) -> CopyCandidate:
    try:
        reads = list(read_marcxml_bytes(xml))
        if not reads or reads[0].record is None:
            raise CatalogError(CatalogErrorCode.NO_FIELDS)
        data = map_record(reads[0].record)
    except FileProblem as problem:
        message = CatalogError(problem.code, **problem.params).message
        return CopyCandidate(position, None, message, None, xml)
    except MissingTitle:
        message = CatalogError(CatalogErrorCode.NO_TITLE).message
        return CopyCandidate(position, None, message, None, xml)
    except CatalogError as error:
        return CopyCandidate(position, None, error.message, None, xml)
    return CopyCandidate(position, data, "", _existing(data, isbn), xml)


def copy_search(*, isbn: str) -> CopySearch:
    """The hits of the configured catalogue for this ISBN, each with the title it already is
    here, if any. Raises :class:`CatalogError` (not configured, unreachable, malformed answer,
    a diagnostic); writes nothing."""
    isbn = isbn_parse(isbn)
    answer = sru_search(isbn)
    candidates = [_candidate(position, xml, isbn) for position, xml in answer.records]
    return CopySearch(isbn=isbn, host=answer.host, total=answer.total, candidates=candidates)


@transaction.atomic
def copy_take(
    *,
    isbn: str,
    position: int,
    control_number: str,
    staff: Any,
    branch: Branch | None,
    now: dt.datetime | None = None,
) -> Record:
    """Take over hit ``position`` of the search for ``isbn`` (which showed ``control_number``):
    imported as a MARCXML file is, with an event naming the catalogue it came from. Refused,
    with nothing written: the hit is gone or changed, it is already in the catalogue, it cannot
    be imported, or the server fails."""
    search = copy_search(isbn=isbn)
    chosen = next((c for c in search.candidates if c.position == position), None)
    if chosen is None:
        raise CatalogError(CatalogErrorCode.SRU_HIT_GONE)
    if chosen.data is None:
        raise CatalogError(CatalogErrorCode.NOT_SAVED, detail=chosen.problem)
    if chosen.data.control_number != control_number:
        raise CatalogError(CatalogErrorCode.SRU_HIT_GONE)
    if chosen.existing is not None:
        raise CatalogError(
            CatalogErrorCode.SRU_RECORD_EXISTS,
            number=chosen.existing.pk,
            title=chosen.existing.title,
        )
    report = marc_import_marcxml(data=chosen.xml, source=search.host)
    if report.errors or not report.record_ids:
        reason = report.errors[0].reason if report.errors else "?"
        raise CatalogError(CatalogErrorCode.NOT_SAVED, detail=reason)
    record = Record.objects.get(pk=report.record_ids[0])
    record_event_write(
        record=record,
        action=RecordAction.TAKE,
        staff=staff,
        branch=branch,
        now=now,
        changes={"source": search.host, "control_number": record.control_number or ""},
    )
    return record
