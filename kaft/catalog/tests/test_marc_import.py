"""Holdings become items, re-imports never duplicate, and a failing record is left out alone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError
from django.utils import translation

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.marc.mapping import generated_barcode
from kaft.catalog.models import Branch, Item, ItemType, Record
from kaft.catalog.search import search_records
from kaft.catalog.services import importing
from kaft.catalog.services.marc_import import ImportReport, marc_import
from kaft.catalog.tests.marc_bytes import book, sample, subfields
from tests.factories import BranchFactory, ItemFactory, RecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centrum() -> Branch:
    return BranchFactory.create(code="centrum", name="Centrale Bibliotheek", isil="NL-UtrCB")


@pytest.fixture
def oost() -> Branch:
    return BranchFactory.create(code="oost", name="Oost", isil="NL-UtrOost")


def _write(tmp_path: Path, name: str, *records: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join(records))
    return path


def _run(path: Path, branch: Branch | None = None, items: int = 0) -> ImportReport:
    with translation.override("en"):
        return marc_import(paths=[path], branch=branch, items_per_record=items)


def test_852_and_949_holdings_become_items_at_their_branches(
    tmp_path: Path, centrum: Branch, oost: Branch
) -> None:
    path = _write(
        tmp_path,
        "holdings.mrc",
        book(
            "h1",
            "De fiets van opa",
            ("852", subfields("  ", ("b", "oost"), ("h", "JEUGD"), ("i", "OPA"), ("p", "31001"))),
            ("949", subfields("  ", ("a", "31002"), ("b", "NL-UtrCB"), ("c", "R FIET"))),
        ),
    )

    report = _run(path)

    assert (report.created, report.items_created, report.errors) == (1, 2, [])
    items = {item.barcode: item for item in Item.objects.all()}
    assert (items["31001"].home_branch, items["31001"].current_branch) == (oost, oost)
    assert items["31001"].call_number == "JEUGD OPA"
    assert (items["31002"].home_branch, items["31002"].call_number) == (centrum, "R FIET")
    assert items["31001"].item_type == ItemType.BOOK
    assert items["31001"].record.title == "De fiets van opa"


def test_reimport_does_not_duplicate_items(tmp_path: Path, oost: Branch) -> None:
    holding = ("852", subfields("  ", ("b", "NL-UtrOost"), ("p", "31001")))
    path = _write(tmp_path, "one.mrc", book("h1", "Eerste titel", holding))
    _run(path)

    report = _run(path)

    assert (report.created, report.updated, report.items_created) == (0, 1, 0)
    assert Item.objects.count() == 1


def test_holding_without_a_location_uses_the_default_branch(
    tmp_path: Path, centrum: Branch
) -> None:
    path = _write(
        tmp_path,
        "a.mrc",
        book("h1", "Titel", ("852", subfields("  ", ("h", "R TITE"), ("p", "1")))),
    )

    report = _run(path, branch=centrum)

    assert (report.errors, report.warnings) == ([], [])
    assert Item.objects.get().home_branch == centrum


def test_a_holding_at_another_librarys_location_is_a_warning_even_with_a_default_branch(
    tmp_path: Path, centrum: Branch
) -> None:
    path = _write(
        tmp_path,
        "a.mrc",
        book("h1", "Titel", ("852", subfields("  ", ("b", "ZOLDER"), ("p", "1")))),
        book("h2", "Andere titel"),
    )

    report = _run(path, branch=centrum)

    assert report.errors == []
    assert [
        (p.position, p.control_number, p.code, p.location, p.reason) for p in report.warnings
    ] == [
        (
            1,
            "h1",
            "holding_unknown_location",
            "ZOLDER",
            "No copy made: field 852 names location “ZOLDER”, which is not a branch of this "
            "library (add it to the branch map if it is).",
        )
    ]
    assert report.holdings_skipped == {"ZOLDER": 1}
    assert set(Record.objects.values_list("control_number", flat=True)) == {"h1", "h2"}
    assert Item.objects.count() == 0


def test_a_holding_without_location_and_no_default_branch_is_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.mrc", book("h1", "Titel", ("949", subfields("  ", ("a", "5")))))

    report = _run(path)

    assert report.errors == []
    assert [(p.position, p.control_number, p.code, p.location) for p in report.warnings] == [
        (1, "h1", "holding_no_location", "")
    ]
    assert report.holdings_skipped == {"": 1}
    assert list(Record.objects.values_list("control_number", flat=True)) == ["h1"]
    assert Item.objects.count() == 0


def test_a_barcode_of_another_title_costs_that_copy_only(tmp_path: Path, centrum: Branch) -> None:
    other = ItemFactory.create(barcode="31001", home_branch=centrum)
    path = _write(
        tmp_path,
        "a.mrc",
        book(
            "h1",
            "Titel",
            ("949", subfields("  ", ("a", "31001"), ("b", "centrum"))),
            ("949", subfields("  ", ("a", "31003"), ("b", "centrum"))),
        ),
        book("h2", "Andere titel", ("949", subfields("  ", ("a", "31002"), ("b", "centrum")))),
    )

    report = _run(path)

    assert report.errors == []
    assert [(p.position, p.control_number, p.reason) for p in report.warnings] == [
        (1, "h1", "Barcode 31001 already belongs to another title.")
    ]
    assert (report.created, report.items_created) == (2, 2)
    assert Item.objects.get(barcode="31001").record == other.record
    assert Item.objects.get(barcode="31003").record.control_number == "h1"
    assert Item.objects.get(barcode="31002").record.control_number == "h2"


def test_items_option_creates_stable_barcodes_at_the_branch(
    tmp_path: Path, centrum: Branch
) -> None:
    adult_008 = "200101s2020    ne            000 1 dut d"
    youth_008 = adult_008[:22] + "j" + adult_008[23:]
    assert youth_008[22] == "j"  # target audience: juvenile
    path = _write(tmp_path, "a.mrc", book("h1", "Titel"), book("h2", "Jeugd", f008=youth_008))
    first = _run(path, branch=centrum, items=2)

    second = _run(path, branch=centrum, items=2)

    assert (first.items_created, second.items_created) == (4, 0)
    barcodes = set(
        Item.objects.filter(record__control_number="h1").values_list("barcode", flat=True)
    )
    assert barcodes == {generated_barcode("h1", 1), generated_barcode("h1", 2)}
    assert re.fullmatch(r"K[0-9A-F]{16}01", generated_barcode("h1", 1))
    assert set(Item.objects.values_list("home_branch", flat=True)) == {centrum.pk}
    youth = Item.objects.filter(record__control_number="h2").first()
    assert youth is not None and youth.item_type == ItemType.YOUTH_BOOK


def test_items_without_a_branch_are_refused_before_anything_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.mrc", book("h1", "Titel"))

    with pytest.raises(CatalogError) as caught:
        marc_import(paths=[path], branch=None, items_per_record=1)

    assert caught.value.code == CatalogErrorCode.NO_BRANCH_FOR_ITEMS
    assert Record.objects.count() == 0


def test_a_record_with_the_same_isbn_updates_the_existing_record(tmp_path: Path) -> None:
    existing = RecordFactory.create(control_number="old-1", isbn="9780415782654", title="Oud")
    path = _write(
        tmp_path,
        "a.mrc",
        book("new-1", "Nieuw", ("020", subfields("  ", ("a", "0-415-78265-1 (pbk.)")))),
    )

    report = _run(path)

    assert (report.created, report.updated) == (0, 1)
    existing.refresh_from_db()
    assert (existing.control_number, existing.title) == ("new-1", "Nieuw")


def test_a_record_without_title_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.mrc", book("h1", ""), book("h2", "Wel een titel"))

    report = _run(path)

    assert [(p.position, p.control_number, p.reason) for p in report.errors] == [
        (1, "h1", "The record has no title (245 $a).")
    ]
    assert Record.objects.get().control_number == "h2"


def test_a_database_failure_leaves_out_only_the_failing_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_index = importing.search_index_records

    def failing_index(ids: Any) -> None:
        ids = list(ids)
        if Record.objects.filter(pk__in=ids, title="Kapot").exists():
            raise DatabaseError("disk I/O error")
        real_index(ids)

    monkeypatch.setattr(importing, "search_index_records", failing_index)
    path = _write(
        tmp_path, "a.mrc", book("h1", "Heel"), book("h2", "Kapot"), book("h3", "Ook heel")
    )

    report = _run(path)

    assert [(p.position, p.code, p.reason) for p in report.errors] == [
        (2, "not_saved", "The record could not be saved: disk I/O error")
    ]
    assert sorted(Record.objects.values_list("control_number", flat=True), key=str) == ["h1", "h3"]
    assert report.created == 2
    assert [r.title for r in search_records(query="heel").records] == ["Heel", "Ook heel"]


def test_marc8_title_with_diacritics_becomes_nfc_unicode(tmp_path: Path) -> None:
    marc8 = book("m8", b"M\xe8uller en de communaut\xe2e", utf8=False)
    decomposed = book("u8", "Mu\u0308ller en de communaute\u0301")
    path = _write(tmp_path, "a.mrc", marc8, decomposed)

    _run(path)

    titles = set(Record.objects.values_list("title", flat=True))
    assert titles == {"Müller en de communauté"}
    assert len("Müller en de communauté") == 23  # precomposed ü and é


def test_random_bytes_write_nothing_and_make_the_file_unreadable(tmp_path: Path) -> None:
    path = _write(tmp_path, "noise.mrc", bytes(range(256)) * 4)

    report = _run(path)

    assert report.unreadable_files == [str(path)]
    assert [(p.code, p.reason) for p in report.errors] == [
        ("not_marc", "The file is neither MARC21 (ISO 2709) nor MARCXML.")
    ]
    assert Record.objects.count() == 0


def test_truncated_xml_writes_nothing(tmp_path: Path) -> None:
    text = sample("batch.xml").read_bytes()
    path = _write(tmp_path, "cut.xml", text[: len(text) * 3 // 4])

    report = _run(path)

    assert report.unreadable_files == [str(path)]
    [problem] = report.errors
    assert (problem.position, problem.code) == (2, "xml_malformed")
    assert problem.reason.startswith("The XML is not well-formed (")
    assert Record.objects.count() == 0


def test_a_truncated_iso_file_keeps_the_complete_records(tmp_path: Path) -> None:
    whole = book("h1", "Heel") + book("h2", "Afgebroken")
    path = _write(tmp_path, "cut.mrc", whole[:-20])

    report = _run(path)

    assert [(p.position, p.code) for p in report.errors] == [(2, "record_truncated")]
    assert list(Record.objects.values_list("control_number", flat=True)) == ["h1"]


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    report = _run(tmp_path / "nowhere.mrc")

    assert report.unreadable_files == [str(tmp_path / "nowhere.mrc")]
    assert report.errors[0].code == "file_unreadable"
