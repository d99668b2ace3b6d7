"""MARC from other systems: union-catalogue copies, holdings records, authority and UNIMARC
records, taken barcodes, damaged bytes and the branch map, as a cataloguer expects them."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pymarc
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from pymarc.marcxml import record_to_xml

from kaft.catalog.models import Branch, Item, Record
from kaft.catalog.services.marc_import import ImportReport, marc_import
from kaft.catalog.tests.marc_bytes import book, iso2709, sample, subfields
from tests.factories import BranchFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centrum() -> Branch:
    return BranchFactory.create(code="centrum", name="Centrale Bibliotheek", isil="NL-UtrCB")


@pytest.fixture
def oost() -> Branch:
    return BranchFactory.create(code="oost", name="Oost", isil="NL-UtrOost")


def _run(
    *paths: Path, branch: Branch | None = None, branch_map: dict[str, Branch] | None = None
) -> ImportReport:
    with translation.override("en"):
        return marc_import(paths=list(paths), branch=branch, branch_map=branch_map)


def _file(tmp_path: Path, name: str, *records: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join(records))
    return path


def _state() -> tuple[list[tuple[str | None, str, str]], list[tuple[str, str | None, str, str]]]:
    records = list(
        Record.objects.order_by("control_number").values_list("control_number", "title", "isbn")
    )
    items = list(
        Item.objects.order_by("barcode").values_list(
            "barcode", "record__control_number", "home_branch__code", "call_number"
        )
    )
    return records, items


def loc_record(number: str, title: str, *holdings: bytes) -> bytes:
    """A record as copied from a union catalogue: 001 + 003 and other libraries' 852s."""
    return iso2709(
        [
            ("001", number),
            ("003", "DLC"),
            ("008", "850301s1985    nyu           000 1 eng  "),
            ("245", subfields("10", ("a", title))),
            *[("852", holding) for holding in holdings],
        ]
    )


def holdings_record(number: str, title_number: str, *fields: tuple[str, bytes]) -> bytes:
    """A MARC21 holdings record (leader/06 ``x``) that belongs to the title ``title_number``."""
    return iso2709(
        [
            ("001", number),
            ("004", title_number),
            ("008", "0000000u    8   4001aueng0000000"),
            *fields,
        ],
        kind="x ",
    )


# --- Copies of other libraries ---------------------------------------------------------------


def test_union_catalogue_records_import_and_other_libraries_copies_are_warnings(
    tmp_path: Path, centrum: Branch
) -> None:
    path = _file(
        tmp_path,
        "union.mrc",
        loc_record(
            "85012345",
            "The Hobbit",
            subfields("0 ", ("a", "DLC"), ("b", "c-GenColl"), ("h", "PZ8.T64")),
            subfields("0 ", ("a", "NL-UtrCB"), ("h", "R TOLK"), ("p", "31001")),
        ),
        loc_record("85099999", "The silmarillion", subfields("0 ", ("a", "DLC"))),
        loc_record("85077777", "Unfinished tales", subfields("0 ", ("a", "OCoLC"))),
    )

    report = _run(path, branch=centrum)

    assert (report.created, report.items_created, report.errors) == (3, 1, [])
    assert [(w.position, w.control_number, w.location) for w in report.warnings] == [
        (1, "85012345", "DLC"),
        (2, "85099999", "DLC"),
        (3, "85077777", "OCoLC"),
    ]
    assert report.warnings[0].reason == (
        "No copy made: field 852 names location “DLC”, which is not a branch of this library "
        "(add it to the branch map if it is)."
    )
    assert report.holdings_skipped == {"DLC": 2, "OCoLC": 1}
    assert _state()[1] == [("31001", "85012345", "centrum", "R TOLK")]
    before = _state()

    again = _run(path, branch=centrum)

    assert (again.created, again.updated, again.items_created) == (0, 3, 0)
    assert again.holdings_skipped == {"DLC": 2, "OCoLC": 1}
    assert _state() == before


def test_koha_952_home_branch_is_mapped_through_the_branch_map(
    tmp_path: Path, centrum: Branch, oost: Branch
) -> None:
    def koha(number: str, title: str, *items: tuple[str, str, str]) -> bytes:
        return book(
            number,
            title,
            *[
                ("952", subfields("  ", ("a", home), ("b", home), ("o", call), ("p", barcode)))
                for home, barcode, call in items
            ],
        )

    path = _file(
        tmp_path,
        "koha.mrc",
        koha("1", "Kikker is verliefd", ("CPL", "39001", "P VELT"), ("FFL", "39002", "P VELT")),
        koha("2", "Nijntje", ("MPL", "39003", "P BRUN")),
    )
    mapping = {"cpl": centrum, "ffl": oost}

    report = _run(path, branch_map=mapping)

    assert (report.created, report.items_created, report.errors) == (2, 2, [])
    assert _state()[1] == [
        ("39001", "1", "centrum", "P VELT"),
        ("39002", "1", "oost", "P VELT"),
    ]
    assert [(w.position, w.control_number, w.location) for w in report.warnings] == [
        (2, "2", "MPL")
    ]


# --- Holdings records -----------------------------------------------------------------------


def test_holdings_records_become_copies_of_their_title_in_either_order(
    tmp_path: Path, centrum: Branch, oost: Branch
) -> None:
    path = _file(
        tmp_path,
        "bibs-and-holdings.mrc",
        # The holdings of "a1" come before their title; those of "a2" after it.
        holdings_record(
            "h1",
            "a1",
            ("852", subfields("0 ", ("a", "NL-UtrCB"), ("h", "R HERM"))),
            ("876", subfields("  ", ("p", "32001"))),
            ("876", subfields("  ", ("p", "32002"))),
        ),
        book("a1", "De avonden"),
        book("a2", "Max Havelaar"),
        holdings_record("h2", "a2", ("852", subfields("0 ", ("b", "oost"), ("p", "32003")))),
        holdings_record("h3", "a2", ("852", subfields("0 ", ("a", "DLC"), ("p", "32004")))),
    )

    report = _run(path)

    assert (report.records_read, report.created, report.updated) == (5, 2, 0)
    assert (report.items_created, report.errors) == (3, [])
    assert [(w.position, w.control_number, w.location) for w in report.warnings] == [
        (5, "h3", "DLC")
    ]
    assert _state()[1] == [
        ("32001", "a1", "centrum", "R HERM"),
        ("32002", "a1", "centrum", "R HERM"),
        ("32003", "a2", "oost", ""),
    ]
    before = _state()

    again = _run(path)

    assert (again.created, again.updated, again.items_created, again.errors) == (0, 2, 0, [])
    assert _state() == before


def test_holdings_in_another_file_and_in_a_marcxml_collection_find_their_title(
    tmp_path: Path, centrum: Branch
) -> None:
    bibs = _file(tmp_path, "bibs.mrc", book("b1", "Het achterhuis"))
    holdings = [
        pymarc.Record(data=holdings_record("x1", "b1", ("852", subfields("0 ", ("b", "centrum"))))),
        pymarc.Record(data=holdings_record("x2", "b9", ("852", subfields("0 ", ("b", "centrum"))))),
    ]
    xml = tmp_path / "holdings.xml"
    xml.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">'
        + b"".join(record_to_xml(record) for record in holdings)
        + b"</collection>"
    )

    report = _run(xml, bibs)

    assert (report.created, report.items_created) == (1, 1)
    assert [(p.position, p.control_number, p.code, p.reason) for p in report.errors] == [
        (
            2,
            "x2",
            "holdings_title_not_found",
            "This holdings record belongs to title b9 (004), which is neither in the files nor "
            "in the catalogue.",
        )
    ]
    item = Item.objects.get()
    assert (item.record.control_number, item.home_branch) == ("b1", centrum)
    assert item.barcode.startswith("K")  # generated: the holding had none
    again = _run(xml, bibs)
    assert (again.items_created, Item.objects.get().barcode) == (0, item.barcode)


def test_a_holdings_record_without_004_is_refused_and_changes_nothing(
    tmp_path: Path, centrum: Branch
) -> None:
    orphan = iso2709([("001", "h9"), ("852", subfields("0 ", ("b", "centrum")))], kind="y ")
    path = _file(tmp_path, "orphan.mrc", orphan)

    report = _run(path)

    assert [(p.position, p.control_number, p.code) for p in report.errors] == [
        (1, "h9", "holdings_without_link")
    ]
    assert _state() == ([], [])


# --- Records that are not MARC21 titles -----------------------------------------------------


def test_authority_records_are_skipped_with_their_own_reason(tmp_path: Path) -> None:
    authority = iso2709(
        [("001", "n79021164"), ("100", subfields("1 ", ("a", "Tolkien, J. R. R.")))], kind="z "
    )
    path = _file(tmp_path, "mixed.mrc", authority, book("t1", "The Hobbit"))

    report = _run(path)

    assert [(p.position, p.control_number, p.code, p.reason) for p in report.errors] == [
        (1, "n79021164", "authority_record", "This is an authority record, not a title; skipped.")
    ]
    assert report.refused == {"authority_record": 1}
    assert _state()[0] == [("t1", "The Hobbit", "")]


def test_a_unimarc_record_is_named_as_unimarc_not_as_without_title() -> None:
    report = _run(sample("testunimarc.dat"))

    assert [(p.position, p.control_number, p.code, p.reason) for p in report.errors] == [
        (
            1,
            "IT\\ICCU\\ANA\\0019370",
            "unimarc_record",
            "This is a UNIMARC record (title in field 200); Kaft imports MARC21 only.",
        )
    ]
    assert Record.objects.count() == 0


# --- Damaged bytes --------------------------------------------------------------------------


def test_a_record_without_its_end_of_record_byte_is_recovered_with_a_warning(
    tmp_path: Path,
) -> None:
    damaged = book("d1", "Zonder einde").removesuffix(b"\x1d")  # length now 1 too long
    path = _file(tmp_path, "eor.mrc", damaged, book("d2", "Daarna"), book("d3", "Laatste"))

    report = _run(path)

    assert report.errors == []
    assert [(w.position, w.control_number, w.code) for w in report.warnings] == [
        (1, "d1", "recovered_end_of_record")
    ]
    assert _state()[0] == [("d1", "Zonder einde", ""), ("d2", "Daarna", ""), ("d3", "Laatste", "")]


def test_a_record_whose_length_is_too_short_is_read_to_its_terminator(tmp_path: Path) -> None:
    record = bytearray(book("s1", "Te kort"))
    record[:5] = b"%05d" % (len(record) - 10)
    path = _file(tmp_path, "short.mrc", bytes(record), book("s2", "Daarna"))

    report = _run(path)

    assert (report.errors, [(w.position, w.code) for w in report.warnings]) == (
        [],
        [(1, "recovered_end_of_record")],
    )
    assert [title for _, title, _ in _state()[0]] == ["Te kort", "Daarna"]


def test_a_bad_directory_entry_is_recovered_and_unrecoverable_records_reported(
    tmp_path: Path,
) -> None:
    good = book("r1", "Goed gelezen")
    # A stray byte in the directory (the record length counts it, as a writer would).
    shifted = b"%05d" % (len(good) + 1) + good[5:24] + b"X" + good[24:]
    # An unreadable length in the directory, and 001 and 008 run together: no way to pair them.
    entry = good.index(b"008", 24)
    broken = good[: entry + 3] + b"00x0" + good[entry + 7 :]
    lost_fields = broken.replace(b"d2\x1e", b"d2 ").replace(b"r1\x1e", b"r1 ")
    path = _file(tmp_path, "dir.mrc", shifted, lost_fields, book("r2", "Daarna"))

    report = _run(path)

    assert [(p.position, p.code) for p in report.errors] == [(2, "directory_invalid")]
    assert [(w.position, w.control_number, w.code) for w in report.warnings] == [
        (1, "r1", "recovered_directory")
    ]
    assert [number for number, _, _ in _state()[0]] == ["r1", "r2"]


# --- The summary and the branch map through the command --------------------------------------


def _command(*args: str) -> tuple[list[str], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_marc", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


def test_the_summary_counts_new_updated_items_skipped_holdings_and_refusals(
    tmp_path: Path, centrum: Branch
) -> None:
    ItemFactory.create(barcode="31009", home_branch=centrum)
    path = _file(
        tmp_path,
        "export.mrc",
        loc_record("c1", "Eerste", subfields("0 ", ("a", "DLC")), subfields("0 ", ("a", "CPL"))),
        loc_record("c2", "Tweede", subfields("0 ", ("a", "CPL"), ("p", "31002"))),
        loc_record("c3", "Derde", subfields("0 ", ("a", "NL-UtrCB"), ("p", "31009"))),
        iso2709([("001", "n1"), ("100", subfields("1 ", ("a", "Naam")))], kind="z "),
        iso2709([("001", "c5"), ("008", "x")]),
        holdings_record("h1", "c1", ("852", subfields("0 ", ("a", "DLC")))),
        b"garbage\x1d",
    )
    mapfile = tmp_path / "branches.csv"
    mapfile.write_text("# location codes of the old system\ncode,isil\nCPL , nl-utrcb\n")

    out, err = _command(str(path), "--branch-map", str(mapfile))

    assert out[0].startswith("Records read: 7; new: 3; updated: 0; items made: 2 (")
    assert out[1:] == [
        "Holdings skipped (by location): 2 — DLC 2.",
        "Refused (by reason): 3 — authority_record 1, no_title 1, record_length_invalid 1.",
        "Warnings: 3.",
    ]
    assert f"{path}:3 [c3]: Barcode 31009 already belongs to another title. (warning)" in err
    assert f"{path}:6 [h1]: " in err[-1] and "“DLC”" in err[-1]
    assert Item.objects.filter(home_branch=centrum).count() == 3  # 31009 was there already


def test_an_unknown_isil_in_the_branch_map_stops_before_anything_is_written(
    tmp_path: Path, centrum: Branch
) -> None:
    path = _file(tmp_path, "a.mrc", book("m1", "Titel", ("852", subfields("  ", ("a", "CPL")))))
    mapfile = tmp_path / "branches.csv"
    mapfile.write_text("CPL,NL-UtrCB\n# the branch that closed\nFFL,NL-Elders\n")

    with pytest.raises(CommandError) as refused:
        _command(str(path), "--branch-map", str(mapfile))

    assert str(refused.value) == (
        f"Branch map {mapfile}, line 3: no branch has the ISIL “NL-Elders”."
    )
    assert _state() == ([], [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CPL\n", "line 1: expected “code,ISIL”."),
        ("CPL,NL-UtrCB,extra\n", "line 1: expected “code,ISIL”."),
        ("CPL,NL-UtrCB\ncpl,NL-UtrOost\n", "line 2: the code “cpl” is mapped twice."),
    ],
)
def test_a_malformed_branch_map_is_refused_with_its_line(
    tmp_path: Path, centrum: Branch, oost: Branch, text: str, message: str
) -> None:
    path = _file(tmp_path, "a.mrc", book("m1", "Titel"))
    mapfile = tmp_path / "branches.csv"
    mapfile.write_text(text)

    with pytest.raises(CommandError) as refused:
        _command(str(path), "--branch-map", str(mapfile))

    assert str(refused.value) == f"Branch map {mapfile}, {message}"
    assert Record.objects.count() == 0


# --- 001 with 003 ----------------------------------------------------------------------------


def _koha(agency: str, number: str, title: str) -> bytes:
    return iso2709([("001", number), ("003", agency), ("245", subfields("10", ("a", title)))])


def test_the_same_001_from_two_agencies_makes_two_titles_and_holdings_find_their_own(
    tmp_path: Path, centrum: Branch
) -> None:
    first = _file(tmp_path, "koha-a.mrc", _koha("NL-AaA", "1", "Titel van A"))
    second = _file(
        tmp_path,
        "koha-b.mrc",
        holdings_record(
            "hb1",
            "1",
            ("003", b"NL-BbB"),
            ("852", subfields("0 ", ("b", "centrum"), ("p", "33001"))),
        ),
        _koha("NL-BbB", "1", "Titel van B"),
        _koha("NL-AaA", "1", "Titel van A, verbeterd"),
    )

    _run(first)
    report = _run(second)

    assert (report.created, report.updated, report.items_created) == (1, 1, 1)
    assert _state() == (
        [("(NL-BbB)1", "Titel van B", ""), ("1", "Titel van A, verbeterd", "")],
        [("33001", "(NL-BbB)1", "centrum", "")],
    )
    before = _state()
    again = _run(first, second)
    assert (again.created, again.items_created) == (0, 0)
    assert _state() == before


def test_a_record_that_breaks_the_mapping_costs_that_record_not_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaft.catalog.services import marc_import as services

    real = services.map_record

    def fragile(record: pymarc.Record) -> object:
        if record["001"].data == "k2":
            raise RuntimeError("unforeseen")
        return real(record)

    monkeypatch.setattr(services, "map_record", fragile)
    path = _file(tmp_path, "a.mrc", book("k1", "Een"), book("k2", "Twee"), book("k3", "Drie"))

    report = _run(path)

    assert [(p.position, p.control_number, p.reason) for p in report.errors] == [
        (2, "k2", "The record could not be read: RuntimeError: unforeseen")
    ]
    assert [number for number, _, _ in _state()[0]] == ["k1", "k3"]


def test_the_summary_is_in_dutch_for_a_dutch_librarian(tmp_path: Path) -> None:
    path = _file(tmp_path, "a.mrc", book("n1", "Titel", ("852", subfields("  ", ("a", "DLC")))))
    out = io.StringIO()

    with translation.override("nl"):
        call_command("import_marc", str(path), "--no-progress", stdout=out, stderr=io.StringIO())

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Records gelezen: 1; nieuw: 1; bijgewerkt: 0; exemplaren gemaakt: 0")
    assert lines[1:] == [
        "Exemplaren overgeslagen (per plaats): 1 — DLC 1.",
        "Geweigerd (per reden): 0.",
        "Waarschuwingen: 1.",
    ]


def test_copies_without_barcode_of_two_agencies_same_001_get_barcodes_of_their_own(
    tmp_path: Path, centrum: Branch
) -> None:
    def record(agency: str, title: str) -> bytes:
        return iso2709(
            [
                ("001", "7"),
                ("003", agency),
                ("245", subfields("10", ("a", title))),
                ("852", subfields("0 ", ("b", "centrum"))),
            ]
        )

    path = _file(tmp_path, "two.mrc", record("NL-AaA", "Van A"), record("NL-BbB", "Van B"))

    report = _run(path)

    assert (report.created, report.items_created, report.warnings) == (2, 2, [])
    assert sorted((number, code) for _, number, code, _ in _state()[1]) == [
        ("(NL-BbB)7", "centrum"),
        ("7", "centrum"),
    ]
    assert _run(path).items_created == 0


# --- Real files from other systems (marc4j's test set, LGPL, licence beside them) ------------


def test_a_real_file_with_many_errors_imports_every_marc21_title(centrum: Branch) -> None:
    # 383 records about "Pride and prejudice" from libraries in several countries: union
    # catalogue holdings (Oxford, Swedish libraries), 17 UNIMARC records, 16 with a directory
    # entry that lost a digit, 68 flagged UTF-8 but written in MARC-8 or Latin-1, and some
    # titles more than once.
    path = sample("pride-and-prejudice-with-many-errors.mrc")

    report = _run(path, branch_map={"ukoxu": centrum})

    assert (report.records_read, report.created, report.updated) == (383, 341, 25)
    assert report.refused == {"unimarc_record": 17}
    assert Counter(w.code for w in report.warnings) == {
        "holding_unknown_location": 116,
        "recovered_marc8": 67,
        "recovered_directory": 16,
        "holding_no_location": 11,
        "recovered_latin1": 1,
    }
    assert report.holdings_skipped["Östersund"] == 2  # Latin-1 in a record flagged UTF-8
    assert list(report.holdings_skipped.items())[:3] == [("MCL", 30), ("", 11), ("CaOONL", 7)]
    assert "UkOxU" not in report.holdings_skipped  # mapped to our branch: copies made
    assert report.items_created == Item.objects.filter(home_branch=centrum).count() == 66
    unimarc = report.errors[0]
    assert (unimarc.position, unimarc.control_number) == (133, "1074414")
    before = _state()

    again = _run(path, branch_map={"ukoxu": centrum})

    assert (again.created, again.updated, again.items_created) == (0, 366, 0)
    assert _state() == before


def test_a_record_longer_than_iso_2709_allows_is_read_to_its_terminator() -> None:
    # A serial whose leader length wrapped past 99,999 bytes: the leader says 23375.
    report = _run(sample("bad_too_long_plus_2.mrc"))

    assert (report.records_read, report.created, report.errors) == (3, 3, [])
    assert [(w.position, w.control_number, w.code) for w in report.warnings] == [
        (1, "360944", "recovered_oversize")
    ]
    record = Record.objects.get(control_number="360944")
    assert (record.title, record.marc) == ("Reports and memoranda", None)


@pytest.mark.parametrize(
    ("title", "read_as", "warning"),
    [
        # MARC-8: the diacritic comes before its letter; the pound sign is 0xB9.
        (b"M\xe2aria, \xe8Ubersetzung, \xb95", "Mária, Übersetzung, £5", "recovered_marc8"),
        # Latin-1 (Windows-1252), as some systems export under a UTF-8 flag.
        (b"G\xe4vleborg \xd6land", "Gävleborg Öland", "recovered_latin1"),
    ],
)
def test_a_record_flagged_utf8_in_another_character_set_is_read_in_that_one(
    tmp_path: Path, title: bytes, read_as: str, warning: str
) -> None:
    path = _file(tmp_path, "flag.mrc", book("f1", title, utf8=True), book("f2", "Daarna"))

    report = _run(path)

    assert [(w.position, w.control_number, w.code) for w in report.warnings] == [(1, "f1", warning)]
    assert Record.objects.get(control_number="f1").title == read_as


def test_a_directory_out_of_field_order_is_sound_and_read_without_warning() -> None:
    report = _run(sample("unordered-directory-entries.mrc"))

    assert (report.created, report.errors) == (1, [])
    assert [w.code for w in report.warnings] == ["holding_unknown_location"]  # 852 $a CVES
    assert Record.objects.get().title == "About parrots"
