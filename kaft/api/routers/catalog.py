"""The catalogue: search and one title, with availability per branch for ``availability:read``.

Both reads carry an ETag (:mod:`kaft.api.etags`). Search pages with ``page`` and ``per_page``,
as the catalogue search itself does (:func:`kaft.catalog.search.search_records`).
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from kaft.api import access
from kaft.api.etags import etagged
from kaft.api.models import Scope
from kaft.api.routers.common import NOT_FOUND, REFUSALS, caller
from kaft.api.schemas import (
    BranchAvailabilityOut,
    BranchOut,
    Id,
    RecordOut,
    RecordSummaryOut,
    SearchOut,
)
from kaft.catalog.models import MaterialType, Record
from kaft.catalog.search import SearchFilters, search_records
from kaft.catalog.selectors.records import record_detail
from kaft.circulation.selectors.availability import (
    record_shelves,
    record_waiting,
    records_availability,
)

router = Router(tags=["catalogue"])


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# The answers below are built from the database's own values, so they are constructed without
# validating them again (the hot path of the API: validation cost about 3 ms a page); the
# schema test checks every answer against the schema all the same.


def _summary(record: Record) -> RecordSummaryOut:
    return RecordSummaryOut.model_construct(
        id=record.pk,
        title=record.title,
        subtitle=record.subtitle,
        contributors=_lines(record.contributors),
        year=record.year,
        isbn=record.isbn,
        language=record.language,
        material_type=record.material_type,
    )


@router.get(
    "/",
    response={200: SearchOut, 304: None, **REFUSALS},
    summary="Search the catalogue",
    operation_id="records_search",
)
def records_search(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=200, description="Words to find (all of them).")] = "",
    material_type: MaterialType | None = None,
    page: Annotated[int, Query(ge=1, le=2000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HttpResponse:
    """Ranked titles matching every word of ``q``. Needs ``catalog:read``; with
    ``availability:read`` each title says how many copies there are, where one is on the shelf
    and how many people wait. Paging: ``page`` (from 1) and ``per_page`` (1–100)."""
    who = caller(request)
    access.require(who, Scope.CATALOG_READ)
    filters = SearchFilters(material_type=material_type.value if material_type else None)
    result = search_records(query=q, filters=filters, page=page, per_page=per_page)
    items = [_summary(record) for record in result.records]
    if access.may_see_availability(who):
        availability = records_availability(record.pk for record in result.records)
        for item in items:
            found = availability[item.id]
            item.copies = found.copies
            item.available_at = list(found.available_at)
            item.waiting = found.waiting
    answer = SearchOut.model_construct(
        items=items,
        total=result.total,
        total_exact=result.total_exact,
        page=result.page,
        per_page=result.per_page,
        suggestion=result.suggestion,
    )
    return etagged(request, answer)


@router.get(
    "/{record_id}",
    response={200: RecordOut, 304: None, **NOT_FOUND, **REFUSALS},
    summary="One title, with its copies per branch",
    operation_id="record_get",
)
def record_get(request: HttpRequest, record_id: Id) -> HttpResponse:
    """A title. Needs ``catalog:read``; with ``availability:read`` its loanable copies per
    branch (how many, how many on the shelf, their call numbers) and the queue's length."""
    who = caller(request)
    access.require(who, Scope.CATALOG_READ)
    record = record_detail(record_id).record
    answer = RecordOut.model_construct(
        id=record.pk,
        title=record.title,
        subtitle=record.subtitle,
        contributors=_lines(record.contributors),
        publisher=record.publisher,
        year=record.year,
        isbn=record.isbn,
        language=record.language,
        material_type=record.material_type,
        subjects=_lines(record.subjects),
        summary=record.summary,
    )
    if access.may_see_availability(who):
        answer.availability = [
            BranchAvailabilityOut.model_construct(
                branch=BranchOut.model_construct(
                    code=shelf.branch.code, name=shelf.branch.name, isil=shelf.branch.isil
                ),
                copies=shelf.total,
                available=shelf.available,
                call_numbers=shelf.call_numbers,
            )
            for shelf in record_shelves(record)
        ]
        answer.waiting = record_waiting(record)
    return etagged(request, answer)
