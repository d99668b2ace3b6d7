"""Search in Dutch: the same stemming on SQLite and PostgreSQL, prefixes, the vocabulary and
"Did you mean …?" suggestions. Runs on both databases."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from kaft.catalog.models import Record, SearchWord
from kaft.catalog.search import search_index_rebuild, search_index_records, search_records
from kaft.catalog.search_suggest import edit_distance
from tests.factories import RecordFactory

pytestmark = pytest.mark.django_db


def _indexed(*records: Record) -> None:
    search_index_records([record.pk for record in records])


def _titles(query: str) -> list[str]:
    return sorted(record.title for record in search_records(query=query).records)


def test_singular_and_plural_find_each_other() -> None:
    _indexed(
        RecordFactory.create(title="Mijn eerste prentenboeken"),
        RecordFactory.create(title="Het prentenboek van Dik Trom"),
        RecordFactory.create(title="Thrillers uit Zweden"),
        RecordFactory.create(title="De thriller", subjects="Spanning"),
        RecordFactory.create(title="Kookboek"),
    )

    assert _titles("prentenboek") == ["Het prentenboek van Dik Trom", "Mijn eerste prentenboeken"]
    assert _titles("prentenboeken") == _titles("prentenboek")
    assert _titles("thriller") == ["De thriller", "Thrillers uit Zweden"]
    assert _titles("thrillers") == ["De thriller", "Thrillers uit Zweden"]


def test_a_word_the_stemmer_treats_unevenly_still_finds_its_other_form() -> None:
    # Snowball Dutch: "fiets" -> fiet, "fietsen" -> fiets; the word itself is indexed too.
    _indexed(RecordFactory.create(title="De fiets van opa"), RecordFactory.create(title="Fietsen"))

    assert _titles("fietsen") == ["De fiets van opa", "Fietsen"]
    assert _titles("fiets") == ["De fiets van opa", "Fietsen"]


def test_stemming_applies_to_authors_and_subjects_and_keeps_stop_words() -> None:
    _indexed(
        RecordFactory.create(title="Zomer", contributors="Jansen, Piet", subjects="Verhalen"),
        RecordFactory.create(title="Winter", contributors="Smit, Els", subjects="Verhaal"),
    )

    assert _titles("verhaal") == ["Winter", "Zomer"]
    assert _titles("jansen") == ["Zomer"]
    assert _titles("de") == []


def test_a_word_with_a_star_finds_every_word_starting_with_it() -> None:
    _indexed(
        RecordFactory.create(title="Prentenboeken"),
        RecordFactory.create(title="Prentkaarten"),
        RecordFactory.create(title="Presentaties"),
    )

    assert _titles("prent*") == ["Prentenboeken", "Prentkaarten"]
    assert _titles("prent") == []
    assert _titles("pr*") == []  # too short for a prefix: the word "pr" itself


def test_the_vocabulary_counts_records_per_word_and_follows_changes() -> None:
    first = RecordFactory.create(title="Maastricht in de regen", contributors="Smit, Anna")
    second = RecordFactory.create(title="Maastricht", contributors="", subjects="Steden")
    _indexed(first, second)
    assert dict(
        SearchWord.objects.filter(word__in=["maastricht", "regen", "anna"]).values_list(
            "word", "records"
        )
    ) == {"maastricht": 2, "regen": 1, "anna": 1}

    first.title = "Venlo in de zon"
    first.save()
    second_id = second.pk
    second.delete()
    search_index_records([first.pk, second_id])

    assert not SearchWord.objects.filter(word__in=["maastricht", "regen", "steden"]).exists()
    assert SearchWord.objects.get(word="venlo").records == 1


def test_rebuilding_the_index_gives_the_same_vocabulary() -> None:
    _indexed(RecordFactory.create(title="Tuinieren"), RecordFactory.create(title="Tuinieren 2"))
    SearchWord.objects.all().delete()

    assert search_index_rebuild() == 2
    assert SearchWord.objects.get(word="tuinieren").records == 2
    assert _titles("tuinieren") == ["Tuinieren", "Tuinieren 2"]


def test_a_misspelling_gets_a_suggestion_from_the_catalogue() -> None:
    _indexed(
        *[RecordFactory.create(title=f"Wandelen in Maastricht {n}") for n in range(3)],
        RecordFactory.create(title="Maastrichter vlaai"),
    )

    result = search_records(query="maastrict")

    assert (result.total, result.suggestion) == (0, "maastricht")
    assert search_records(query="wandelen maastrict").suggestion == "wandelen maastricht"


def test_no_suggestion_when_the_query_finds_enough_or_nothing_is_close() -> None:
    _indexed(*[RecordFactory.create(title=f"Maastricht {n}") for n in range(3)])

    assert search_records(query="maastricht").suggestion is None
    assert search_records(query="xylofoon").suggestion is None
    assert search_records(query="mastricht*").suggestion is None


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("maastrict", "maastricht", 1), ("kaas", "kasa", 1), ("boek", "boek", 0), ("boek", "zee", 3)],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 2) == min(distance, 3)


def test_the_rebuild_command_indexes_every_record() -> None:
    RecordFactory.create(title="Tuinieren", contributors="")
    RecordFactory.create(title="Tuinieren 2", contributors="")
    out = io.StringIO()

    call_command("search_rebuild", stdout=out)

    assert out.getvalue() == "2 records indexed\n"
    assert _titles("tuinier*") == ["Tuinieren", "Tuinieren 2"]
    assert SearchWord.objects.get(word="tuinieren").records == 2
