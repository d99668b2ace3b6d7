"""Copy cataloguing by ISBN over SRU, against a real HTTP stand-in of the national catalogue
(tests/sru_server.py): hits are shown, the chosen one is imported through the MARC import, and
every failure (network, timeout, malformed XML, a diagnostic) says why and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.marc.editing import marc_load, marc_text
from kaft.catalog.models import Branch, Item, Record, RecordAction, RecordEvent
from kaft.catalog.search import search_records
from kaft.catalog.services.copy_cataloguing import copy_search, copy_take
from kaft.catalog.sru import sru_request_url
from kaft.members.models import User
from tests.factories import RecordFactory
from tests.sru_server import SruServer, sample_record

pytestmark = pytest.mark.django_db

ISBN = "9789023466642"


@pytest.fixture
def sru(settings: Any) -> Iterator[SruServer]:
    other = sample_record(isbn="9789029539098", control_number="12345678X", title="Het leven")
    with SruServer([sample_record(), other]) as server:
        settings.KAFT_SRU_URL = server.url
        settings.KAFT_SRU_TIMEOUT = 1
        yield server


def _written() -> tuple[int, int, int]:
    return Record.objects.count(), Item.objects.count(), RecordEvent.objects.count()


def test_the_request_is_an_sru_searchretrieve_for_the_isbn(sru: SruServer) -> None:
    url = sru_request_url(ISBN)
    assert url.startswith(sru.url.split("?")[0] + "?")
    copy_search(isbn="90-234-6664-0")  # an ISBN-10 with hyphens, as printed in older books
    request = sru.requests[-1]
    assert request == {
        "x-collection": "NBC",  # kept from the library's base URL
        "operation": "searchRetrieve",
        "version": "1.2",
        "query": f'bath.isbn="{ISBN}"',
        "recordSchema": "marcxml",
        "maximumRecords": "10",
    }


def test_a_hit_is_shown_and_taken_over_through_the_import(
    sru: SruServer, staff: User, branch: Branch
) -> None:
    # When the desk searches by ISBN
    search = copy_search(isbn=ISBN)

    # Then it sees the catalogue's record
    assert (search.total, len(search.candidates)) == (1, 1)
    hit = search.candidates[0]
    assert hit.data is not None and hit.takeable
    assert (hit.data.title, hit.data.contributors, hit.data.year) == (
        "De avonden",
        "Reve, Gerard",
        2020,
    )

    # And when it takes it over
    record = copy_take(
        isbn=ISBN, position=1, control_number=hit.data.control_number, staff=staff, branch=branch
    )

    # Then the title is in the catalogue as an import makes it: columns, MARC, search index
    assert (record.title, record.subtitle, record.isbn) == ("De avonden", "een winterverhaal", ISBN)
    assert record.control_number == "41434311X"
    assert record.subject_list == ["Naoorlogse literatuur"]
    marc = marc_load(record.marc)
    assert marc is not None and "003 NL-LeOCL" in marc_text(marc)
    assert [r.pk for r in search_records(query="winterverhaal").records] == [record.pk]
    # without copies (the other library's 852 makes none), and with who took it over from where
    assert not Item.objects.exists()
    event = RecordEvent.objects.get(record=record)
    assert (event.action, event.staff_id) == (RecordAction.TAKE, staff.pk)
    assert event.changes["source"] == sru.url.split("/")[2]


def test_a_title_already_here_is_named_and_not_taken_again(
    sru: SruServer, staff: User, branch: Branch
) -> None:
    here = cast(Record, RecordFactory(isbn=ISBN, title="De avonden (eigen)"))
    search = copy_search(isbn=ISBN)
    assert search.candidates[0].existing == here
    before = _written()
    with pytest.raises(CatalogError) as refused:
        copy_take(isbn=ISBN, position=1, control_number="41434311X", staff=staff, branch=branch)
    assert refused.value.code == CatalogErrorCode.SRU_RECORD_EXISTS
    assert str(here.pk) in refused.value.message
    assert _written() == before


def test_records_packed_as_strings_are_read_too(sru: SruServer) -> None:
    sru.answer_next("string")
    search = copy_search(isbn=ISBN)
    assert search.candidates[0].data is not None
    assert search.candidates[0].data.title == "De avonden"


def test_no_hit_is_an_empty_list(sru: SruServer) -> None:
    search = copy_search(isbn="9780140449136")
    assert (search.total, search.candidates) == (0, [])


@pytest.mark.parametrize(
    ("kind", "code", "words"),
    [
        ("diagnostic", CatalogErrorCode.SRU_DIAGNOSTIC, "Query syntax error"),
        ("malformed", CatalogErrorCode.SRU_MALFORMED, "XML"),
        ("http500", CatalogErrorCode.SRU_UNREACHABLE, "HTTP 500"),
        ("slow", CatalogErrorCode.SRU_UNREACHABLE, "timed out"),
    ],
)
def test_a_failing_server_is_refused_with_a_clear_message_and_nothing_written(
    sru: SruServer, staff: User, branch: Branch, kind: str, code: CatalogErrorCode, words: str
) -> None:
    before = _written()
    sru.answer_next(kind)
    with pytest.raises(CatalogError) as refused:
        copy_take(isbn=ISBN, position=1, control_number="41434311X", staff=staff, branch=branch)
    assert refused.value.code == code
    assert words in refused.value.message
    assert "127.0.0.1" in refused.value.message
    assert _written() == before


def test_an_unreachable_server_and_no_server_are_refused(
    settings: Any, staff: User, branch: Branch
) -> None:
    settings.KAFT_SRU_URL = ""
    with pytest.raises(CatalogError) as refused:
        copy_search(isbn=ISBN)
    assert refused.value.code == CatalogErrorCode.SRU_NOT_CONFIGURED
    with SruServer([]) as gone:
        url = gone.url
    settings.KAFT_SRU_URL = url  # the port is closed now
    with pytest.raises(CatalogError) as refused:
        copy_take(isbn=ISBN, position=1, control_number="x", staff=staff, branch=branch)
    assert refused.value.code == CatalogErrorCode.SRU_UNREACHABLE
    assert not Record.objects.exists()


def test_a_hit_that_changed_since_it_was_shown_is_not_taken(
    sru: SruServer, staff: User, branch: Branch
) -> None:
    with pytest.raises(CatalogError) as refused:
        copy_take(isbn=ISBN, position=1, control_number="ANDER", staff=staff, branch=branch)
    assert refused.value.code == CatalogErrorCode.SRU_HIT_GONE
    with pytest.raises(CatalogError) as refused:
        copy_take(isbn=ISBN, position=2, control_number="41434311X", staff=staff, branch=branch)
    assert refused.value.code == CatalogErrorCode.SRU_HIT_GONE
    assert not Record.objects.exists()


def test_an_invalid_isbn_is_refused_before_asking(sru: SruServer) -> None:
    with pytest.raises(CatalogError) as refused:
        copy_search(isbn="9789023466641")
    assert refused.value.code == CatalogErrorCode.ISBN_INVALID
    assert sru.requests == []
