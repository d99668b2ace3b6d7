"""Every sample file in tests/data/marc imports with the right fields, and bad records are reported."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest
from django.utils import translation

from kaft.catalog.marc.reading import read_file
from kaft.catalog.models import Audience, Item, MaterialType, Record
from kaft.catalog.services.marc_import import ImportReport, marc_import
from kaft.catalog.tests.marc_bytes import SAMPLES, sample

pytestmark = pytest.mark.django_db


def _import(*names: str) -> ImportReport:
    with translation.override("en"):
        return marc_import(paths=[sample(name) for name in names], branch=None)


def test_marc_dat_imports_twenty_books_with_every_field() -> None:
    report = _import("marc.dat")

    assert (report.created, report.updated, report.errors) == (20, 0, [])
    record = Record.objects.get(control_number="11778504")
    assert record.title == "The pragmatic programmer"
    assert record.subtitle == "from journeyman to master"
    assert record.contributor_list == ["Hunt, Andrew", "Thomas, David"]
    assert record.isbn == "9780201616224"  # 020161622X as ISBN-13
    assert (record.publisher, record.year, record.language) == ("Addison-Wesley", 2000, "eng")
    assert record.material_type == MaterialType.BOOK
    assert record.audience == Audience.ADULT
    assert record.subject_list == ["Computer programming"]
    first_chunk = sample("marc.dat").read_bytes()[: int(sample("marc.dat").read_bytes()[:5])]
    assert record.marc is not None and bytes(record.marc) == first_chunk  # kept exactly as received


def test_test_dat_and_one_dat_share_a_record_which_is_updated_not_duplicated() -> None:
    first = _import("test.dat")
    second = _import("one.dat")

    assert (first.created, first.updated) == (10, 0)
    assert (second.created, second.updated) == (0, 1)
    assert Record.objects.count() == 10
    record = Record.objects.get(control_number="fol05731351")
    assert record.title == "ActivePerl with ASP and ADO"
    assert record.subject_list == [
        "Active server pages",
        "ActiveX",
        "Perl (Computer program language)",
    ]


def test_diacritic_dat_takes_the_first_valid_isbn_and_decodes_to_nfc() -> None:
    report = _import("diacritic.dat")

    assert (report.created, report.errors) == (1, [])
    record = Record.objects.get(control_number="17091269")
    assert record.title == "Amateur media"
    assert record.subtitle == "social, cultural and legal perspectives"
    assert record.isbn == "9780415782654"
    assert record.year == 2012
    contents = next(iter(read_file(sample("diacritic.dat")))).record["505"]["a"]  # type: ignore[index]
    assert "Eva Hemmungs Wirtén" in contents
    assert unicodedata.is_normalized("NFC", contents)


@pytest.mark.parametrize(
    "name", ["marc8.dat", "utf8_with_leader_flag.dat", "utf8_without_leader_flag.dat"]
)
def test_marc8_and_utf8_files_decode_to_the_same_unicode(name: str) -> None:
    read = next(iter(read_file(sample(name))))

    assert read.record is not None
    assert read.record["240"]["a"] == "De la solitude à la communauté."
    assert unicodedata.is_normalized("NFC", read.record["240"]["a"])


def test_the_same_record_in_three_encodings_is_one_record() -> None:
    report = _import("marc8.dat", "utf8_with_leader_flag.dat", "utf8_without_leader_flag.dat")

    assert (report.created, report.updated, report.errors) == (1, 2, [])
    record = Record.objects.get()
    assert (record.control_number, record.title) == ("2", "Escape from loneliness")
    assert record.contributor_list == ["Tournier, Paul"]
    assert (record.publisher, record.year, record.language) == ("Westminster Press", 1962, "eng")
    assert record.subject_list == ["Loneliness", "Self", "Social psychology", "Social Isolation"]


def test_multi_isbn_takes_the_first_valid_isbn() -> None:
    _import("multi_isbn.dat")

    record = Record.objects.get(control_number="4612195")
    assert record.isbn == "9780914378280"
    assert record.title == "The town scold"
    assert record.contributor_list == ["Johnson, Judith Emlyn"]


def test_batch_xml_maps_music_and_a_website() -> None:
    report = _import("batch.xml")

    assert (report.created, report.errors) == (2, [])
    music = Record.objects.get(control_number="5637241")
    assert (music.title, music.material_type, music.year) == (
        "The Great Ray Charles",
        MaterialType.MUSIC,
        1957,
    )
    assert (music.publisher, music.contributor_list) == ("Atlantic", ["Charles, Ray"])
    assert music.subject_list == ["Jazz", "Piano with jazz ensemble"]
    assert music.marc is not None and bytes(music.marc)[9:10] == b"a"
    site = Record.objects.get(control_number="12149120")
    assert (site.material_type, site.year) == (MaterialType.OTHER, 1994)
    assert site.summary.startswith("Features the White House. Highlights the Executive Office")


def test_utf8_xml_takes_the_year_from_260c() -> None:
    _import("utf8.xml")

    record = Record.objects.get(control_number="ASP925318/clmu")
    assert (record.title, record.year, record.publisher) == (
        "Zen Classics",
        2008,
        "Virgin Classics",
    )
    assert record.material_type == MaterialType.MUSIC


def test_bad_records_are_recovered_where_the_fields_are_intact_and_the_rest_reported() -> None:
    report = _import("bad_records.mrc")

    # 2, 3 and 6 have a bad base address, 4 and 5 extra bytes in the directory: their fields
    # are intact, so they are read from the field terminators. 7 has no fields at all.
    assert [(p.position, p.code, p.reason) for p in report.errors] == [
        (7, "no_fields", "The record has no fields."),
    ]
    assert [(p.position, p.code) for p in report.warnings] == [
        (2, "recovered_directory"),
        (3, "recovered_directory"),
        (4, "recovered_directory"),
        (5, "recovered_directory"),
        (6, "recovered_directory"),
    ]
    assert report.warnings[0].reason == (
        "The leader or directory of the record was damaged; the record was read from its field "
        "terminators. Check it."
    )
    assert {p.file for p in report.errors + report.warnings} == {str(sample("bad_records.mrc"))}
    # All seven readable records are the same record (no number: identified by its content).
    assert (report.created, report.updated, report.records_read) == (1, 6, 8)
    assert report.unreadable_files == []
    record = Record.objects.get()
    assert (record.title, record.subtitle) == (
        "The pragmatic programmer",
        "from journeyman to master",
    )
    assert record.control_number is not None and record.control_number.startswith("kaft:")


ALL_SAMPLES = sorted(
    path.name for path in SAMPLES.iterdir() if not path.name.startswith(("LICENSE", "README"))
)


def test_importing_every_sample_twice_changes_nothing_the_second_time() -> None:
    first = _import(*ALL_SAMPLES)
    counts = (Record.objects.count(), Item.objects.count())

    second = _import(*ALL_SAMPLES)

    assert len(ALL_SAMPLES) == 15
    assert first.created == counts[0] == 382
    assert second.created == 0
    assert second.updated == first.created + first.updated
    assert (Record.objects.count(), Item.objects.count()) == counts
    assert Counter((p.file.rsplit("/", 1)[-1], p.code) for p in second.errors) == {
        ("bad_records.mrc", "no_fields"): 1,
        ("testunimarc.dat", "unimarc_record"): 1,
        ("pride-and-prejudice-with-many-errors.mrc", "unimarc_record"): 17,
    }
    assert Counter(p.code for p in second.warnings if p.code.startswith("recovered")) == {
        "recovered_directory": 5 + 16,
        "recovered_oversize": 1,
        "recovered_marc8": 67,
        "recovered_latin1": 1,
    }
