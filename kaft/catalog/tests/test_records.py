"""Describing titles at the desk: the title form and the MARC editor write the MARC record, and
the title's columns and search rows follow it exactly as after an import. Refusals write
nothing."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.utils import translation

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.marc.editing import Description, marc_load, marc_parse, marc_text
from kaft.catalog.marc.mapping import map_record
from kaft.catalog.models import Audience, Branch, MaterialType, Record, RecordAction, RecordEvent
from kaft.catalog.search import search_records
from kaft.catalog.services.importing import RECORD_FIELDS
from kaft.catalog.services.marc_import import marc_import
from kaft.catalog.services.records import (
    record_create,
    record_describe,
    record_description,
    record_marc,
    record_marc_save,
)
from kaft.members.models import User
from tests.factories import RecordFactory

pytestmark = pytest.mark.django_db

ISBN = "9789023466642"  # ISBN-10 9023466640 as ISBN-13


def described(**changes: Any) -> Description:
    base = Description(
        title="De avonden",
        subtitle="een winterverhaal",
        contributors=[("Reve, Gerard", "aut"), ("Jansen, Piet", "ill")],
        isbn=ISBN,
        publisher="De Bezige Bij",
        year=1947,
        language="dut",
        material_type=MaterialType.BOOK,
        audience=Audience.ADULT,
        subjects=["Naoorlogse literatuur", "Amsterdam"],
        summary="Frits van Egters beleeft tien dagen.\n\nEen klassieker.",
    )
    return Description(**{**base.__dict__, **changes})


def columns(record: Record) -> dict[str, Any]:
    return {name: getattr(record, name) for name in RECORD_FIELDS if name != "marc"}


def test_a_new_title_gets_marc_that_maps_back_to_the_form(staff: User, branch: Branch) -> None:
    # When a cataloguer describes a title in the form
    record = record_create(description=described(), staff=staff, branch=branch)

    # Then its MARC record says the same as the form, field by field
    record.refresh_from_db()
    marc = marc_load(record.marc)
    assert marc is not None
    text = marc_text(marc)
    assert "100 1_ $a Reve, Gerard $e author $4 aut" in text
    assert "700 1_ $a Jansen, Piet $e illustrator $4 ill" in text
    assert f"020 __ $a {ISBN}" in text
    assert "245 10 $a De avonden : $b een winterverhaal" in text
    assert "264 _1 $b De Bezige Bij $c 1947" in text
    # and its columns are what the import's mapping makes of that MARC
    mapped = map_record(marc)
    assert columns(record) == {name: getattr(mapped, name) for name in columns(record)}
    assert record.contributors == "Reve, Gerard\nJansen, Piet"
    assert (record.control_number or "").startswith("kaft-")
    assert record_description(record) == described()
    # and it is found by the catalogue search, on title and on author
    assert [r.pk for r in search_records(query="avonden").records] == [record.pk]
    assert [r.pk for r in search_records(query="Reve").records] == [record.pk]
    event = RecordEvent.objects.get(record=record)
    assert (event.action, event.staff_id, event.branch_id) == (
        RecordAction.CREATE,
        staff.pk,
        branch.pk,
    )


def test_changing_the_form_rewrites_only_what_changed(staff: User, branch: Branch) -> None:
    record = record_create(description=described(), staff=staff, branch=branch)
    before = marc_text(record_marc(record))

    # When only the year, the subjects and the audience change
    record, changes = record_describe(
        record_id=record.pk,
        description=described(year=2009, subjects=["Amsterdam", "Winter"], audience=Audience.YOUTH),
        staff=staff,
        branch=branch,
    )

    # Then the other fields of the MARC stay exactly as they were
    after = marc_text(record_marc(record))
    unchanged = [line for line in before.splitlines() if line[:3] in ("100", "245", "020", "700")]
    assert all(line in after for line in unchanged)
    assert "650 _4 $a Naoorlogse literatuur" not in after
    assert "650 _4 $a Winter" in after
    assert (record.year, record.subjects, record.audience) == (2009, "Amsterdam\nWinter", "youth")
    assert set(changes) == {"year", "subjects", "audience"}
    assert changes["year"] == ["1947", "2009"]
    # and search finds the new subject, not the old one
    assert [r.pk for r in search_records(query="winter").records] == [record.pk]
    assert search_records(query="naoorlogse").records == []


def test_a_title_from_an_import_keeps_its_other_fields_when_edited(
    staff: User, branch: Branch, tmp_path: Any
) -> None:
    # Given a title imported from a MARC file with a series (490) and a note (500)
    marc = marc_parse(
        "LDR 00000nam a2200000 i 4500\n"
        "001 PPN123\n"
        "008 200101s2020    ne            000 1 dut d\n"
        "020 __ $a 9789023466642\n"
        "100 1_ $a Mulisch, Harry, $d 1927-2010\n"
        "245 14 $a De aanslag / $c Harry Mulisch\n"
        "490 0_ $a Grote ABC ; $v 1\n"
        "500 __ $a Eerste druk 1982."
    )
    path = tmp_path / "one.mrc"
    path.write_bytes(marc.as_marc())
    marc_import(paths=[path], branch=None)
    record = Record.objects.get(control_number="PPN123")

    # When the cataloguer adds a translator in the form
    description = record_description(record)
    description.contributors.append(("Smith, Jane", "trl"))
    record, _changes = record_describe(
        record_id=record.pk, description=description, staff=staff, branch=branch
    )

    # Then the author keeps his dates, the series and note stay, the translator is a 700
    text = marc_text(record_marc(record))
    assert "100 1_ $a Mulisch, Harry, $d 1927-2010" in text
    assert "490 0_ $a Grote ABC ; $v 1" in text and "500 __ $a Eerste druk 1982." in text
    assert "700 1_ $a Smith, Jane $e translator $4 trl" in text
    assert record.contributors == "Mulisch, Harry\nSmith, Jane"
    assert record.control_number == "PPN123"


def test_a_title_without_marc_gets_one_from_its_columns(staff: User, branch: Branch) -> None:
    record = cast(
        Record, RecordFactory(title="Het boek", contributors="Jansen, Anna", marc=None, year=2020)
    )
    record, changes = record_describe(
        record_id=record.pk,
        description=Description(
            title="Het boek",
            contributors=[("Jansen, Anna", "aut")],
            year=2021,
            language="dut",
        ),
        staff=staff,
        branch=branch,
    )
    assert record.marc is not None
    assert "100 1_ $a Jansen, Anna $e author $4 aut" in marc_text(record_marc(record))
    assert record.year == 2021 and changes["year"] == ["2020", "2021"]


def test_an_isbn_another_title_has_is_refused_and_nothing_is_written(
    staff: User, branch: Branch
) -> None:
    first = record_create(description=described(), staff=staff, branch=branch)
    other = record_create(
        description=described(title="Iets anders", isbn=""), staff=staff, branch=branch
    )
    before = (Record.objects.count(), RecordEvent.objects.count(), bytes(other.marc or b""))

    with pytest.raises(CatalogError) as refused:
        record_create(description=described(title="Kopie"), staff=staff, branch=branch)
    assert refused.value.code == CatalogErrorCode.ISBN_TAKEN
    assert str(first.pk) in refused.value.message
    with pytest.raises(CatalogError):
        record_describe(
            record_id=other.pk,
            description=described(title="Iets anders"),
            staff=staff,
            branch=branch,
        )

    other.refresh_from_db()
    assert (Record.objects.count(), RecordEvent.objects.count(), bytes(other.marc or b"")) == before
    assert other.isbn == ""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("24 10 $a Titel", "three digits"),
        ("245 10 Titel zonder subveld", "subfields"),
        ("245 1$a Titel", "indicators"),
        ("245 XY $a Titel", "indicators"),
        ("008 00 $a 200101", "no indicators or subfields"),
        ("245 10 $A Titel", "subfield code"),
        ("245 10 $a", "empty"),
        ("LDR 00000nam", "24 characters"),
    ],
)
def test_the_marc_editor_refuses_a_bad_line_with_its_number_and_writes_nothing(
    staff: User, branch: Branch, text: str, reason: str
) -> None:
    record = record_create(description=described(), staff=staff, branch=branch)
    before = bytes(record.marc or b""), columns(record), RecordEvent.objects.count()
    good = marc_text(record_marc(record)).splitlines()

    with pytest.raises(CatalogError) as refused, translation.override("en"):
        record_marc_save(
            record_id=record.pk,
            text="\n".join([*good[:3], text, *good[3:]]),
            staff=staff,
            branch=branch,
        )

    assert refused.value.code == CatalogErrorCode.MARC_LINE_INVALID
    assert refused.value.params["line"] == 4
    with translation.override("en"):
        assert reason in refused.value.message
    record.refresh_from_db()
    assert (bytes(record.marc or b""), columns(record), RecordEvent.objects.count()) == before


def test_the_marc_editor_refuses_a_record_without_title_or_with_two_001(
    staff: User, branch: Branch
) -> None:
    record = record_create(description=described(), staff=staff, branch=branch)
    lines = marc_text(record_marc(record)).splitlines()
    without_title = "\n".join(line for line in lines if not line.startswith("245"))
    with pytest.raises(CatalogError) as refused:
        record_marc_save(record_id=record.pk, text=without_title, staff=staff, branch=branch)
    assert refused.value.code == CatalogErrorCode.NO_TITLE
    with pytest.raises(CatalogError) as refused:
        record_marc_save(
            record_id=record.pk, text="\n".join([*lines, "001 nog-een"]), staff=staff, branch=branch
        )
    assert refused.value.code == CatalogErrorCode.MARC_FIELD_REPEATED
    assert RecordEvent.objects.filter(action=RecordAction.MARC).count() == 0


def test_the_marc_editor_rederives_the_columns_through_the_import_mapping(
    staff: User, branch: Branch
) -> None:
    record = record_create(description=described(), staff=staff, branch=branch)
    lines = marc_text(record_marc(record)).splitlines()
    changed = [
        "245 10 $a De ochtenden : $b een zomerverhaal" if line.startswith("245") else line
        for line in lines
        if not line.startswith("700")
    ] + ["655 _7 $a Romans $2 gtt", "520 __ $a Prijs: {dollar}10."]

    record, changes = record_marc_save(
        record_id=record.pk, text="\n".join(changed), staff=staff, branch=branch
    )

    assert (record.title, record.subtitle) == ("De ochtenden", "een zomerverhaal")
    assert record.contributors == "Reve, Gerard"
    assert "Romans" in record.subject_list
    assert record.summary.endswith("Prijs: $10.")
    assert {"title", "subtitle", "contributors", "subjects", "summary"} <= set(changes)
    assert [r.pk for r in search_records(query="ochtenden").records] == [record.pk]
    assert search_records(query="avonden").records == []
    assert RecordEvent.objects.filter(record=record, action=RecordAction.MARC).count() == 1


def test_a_control_number_of_another_title_is_refused(staff: User, branch: Branch) -> None:
    other = cast(Record, RecordFactory(control_number="PPN-ANDER", title="Ander boek"))
    record = record_create(description=described(), staff=staff, branch=branch)
    lines = [
        "001 PPN-ANDER" if line.startswith("001") else line
        for line in marc_text(record_marc(record)).splitlines()
    ]
    with pytest.raises(CatalogError) as refused:
        record_marc_save(record_id=record.pk, text="\n".join(lines), staff=staff, branch=branch)
    assert refused.value.code == CatalogErrorCode.CONTROL_NUMBER_TAKEN
    assert str(other.pk) in refused.value.message
    record.refresh_from_db()
    assert (record.control_number or "").startswith("kaft-")


@pytest.mark.parametrize("material", list(MaterialType))
@pytest.mark.parametrize("audience", list(Audience))
def test_every_material_type_and_audience_round_trips(
    staff: User, branch: Branch, material: MaterialType, audience: Audience
) -> None:
    record = record_create(description=described(), staff=staff, branch=branch)
    record, _changes = record_describe(
        record_id=record.pk,
        description=described(material_type=material, audience=audience),
        staff=staff,
        branch=branch,
    )
    assert (record.material_type, record.audience) == (material, audience)
    # and back again
    record, _changes = record_describe(
        record_id=record.pk, description=described(), staff=staff, branch=branch
    )
    assert (record.material_type, record.audience) == (MaterialType.BOOK, Audience.ADULT)


def test_emptying_fields_removes_them_from_the_marc(staff: User, branch: Branch) -> None:
    record = record_create(description=described(), staff=staff, branch=branch)
    record, _changes = record_describe(
        record_id=record.pk,
        description=described(
            isbn="", publisher="", year=None, language="", subjects=[], summary="", subtitle=""
        ),
        staff=staff,
        branch=branch,
    )
    assert (record.isbn, record.publisher, record.year, record.language) == ("", "", None, "")
    assert (record.subjects, record.summary, record.subtitle) == ("", "", "")
    tags = {line[:3] for line in marc_text(record_marc(record)).splitlines()}
    assert not tags & {"020", "520", "650", "264"}
