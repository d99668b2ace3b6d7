"""The one rule for item barcodes: what the demo and the MARC import make is valid; emoji,
markup, control characters, spaces inside and longer codes are not, also in an imported file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kaft.catalog.barcodes import barcode_clean, barcode_is_valid, validate_barcode
from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.marc.mapping import generated_barcode
from kaft.catalog.models import Item, Record
from kaft.catalog.services.marc_import import marc_import
from kaft.catalog.tests.marc_bytes import book, subfields
from kaft.demo.catalogue import BARCODE_PREFIX
from tests.factories import BranchFactory, ItemFactory

BAD = ["", "3100📚1", "<b>1</b>", "31\x0001", "31\t01", "31 01", "3" * 33, "³¹", "31_01", "31/01"]


def test_what_the_demo_and_the_import_make_is_a_barcode() -> None:
    made = [generated_barcode("h1", 1), generated_barcode("0123456789" * 5, 99)]
    for barcode in [*made, f"{BARCODE_PREFIX}{1:08d}", "31001", "1", "3" * 32, "AB-12"]:
        assert barcode_is_valid(barcode), barcode
        validate_barcode(barcode)


@pytest.mark.parametrize("value", BAD)
def test_anything_else_is_refused_with_the_code(value: str) -> None:
    assert not barcode_is_valid(value)
    with pytest.raises(CatalogError) as refused:
        barcode_clean(value)
    assert refused.value.code == CatalogErrorCode.BARCODE_MALFORMED
    with pytest.raises(ValidationError):
        validate_barcode(value)


def test_spaces_around_are_removed() -> None:
    assert barcode_clean(" 30000000000001\n") == "30000000000001"


def test_the_model_field_refuses_it_too_for_the_admin(db: None) -> None:
    item = ItemFactory.create(barcode="30000000000001")
    item.barcode = "3000<script>"
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "barcode" in refused.value.message_dict


def test_an_imported_holding_with_a_malformed_barcode_leaves_that_copy_out(
    tmp_path: Path, db: None
) -> None:
    BranchFactory.create(code="centrum")
    path = tmp_path / "a.mrc"
    path.write_bytes(
        book("h1", "Titel", ("949", subfields("  ", ("a", "31<b>01"), ("b", "centrum"))))
        + book("h2", "Andere titel", ("949", subfields("  ", ("a", "31002"), ("b", "centrum"))))
    )

    with translation.override("en"):
        report = marc_import(paths=[path], branch=None, items_per_record=0)

    assert report.errors == []
    assert [(p.position, p.control_number, p.reason) for p in report.warnings] == [
        (
            1,
            "h1",
            "Barcode 31<b>01 is not valid: a barcode has 1 to 32 characters, only letters "
            "(A–Z), digits and hyphens.",
        )
    ]
    assert set(Record.objects.values_list("control_number", flat=True)) == {"h1", "h2"}
    assert list(Item.objects.values_list("barcode", flat=True)) == ["31002"]
