"""Spine and barcode labels as a PDF on a label sheet, from a chosen start position."""

from __future__ import annotations

from typing import cast

import pytest
from django.test import Client
from django.urls import reverse

from kaft.catalog.models import Branch, Item, Record
from kaft.desk.labels_pdf import SHEETS, labels_pdf
from tests.factories import ItemFactory, RecordFactory
from tests.pdftext import pdf_lines, pdf_page_sizes_mm, pdf_text_positions_mm

pytestmark = pytest.mark.django_db


@pytest.fixture
def copies(central: Branch) -> list[Item]:
    record = cast(Record, RecordFactory(title="Het achterhuis"))
    return [
        cast(
            Item,
            ItemFactory(
                barcode=f"LBL-{n}", record=record, home_branch=central, call_number="ROMA FRAN"
            ),
        )
        for n in range(1, 4)
    ]


def test_spine_labels_start_at_the_chosen_position(copies: list[Item]) -> None:
    sheet = SHEETS["l7651"]
    content = labels_pdf(copies, kind="spine", sheet=sheet, start=7)
    assert pdf_page_sizes_mm(content) == [(210.0, 297.0)]
    positions = [(text, x, y) for text, x, y in pdf_text_positions_mm(content) if text == "ROMA"]
    assert len(positions) == 3
    # label 7 is the second of the second row: column 2 (x 4.7 + 40.6), row 2 (y 10.7 + 21.2)
    first_x, first_y = positions[0][1], positions[0][2]
    assert sheet.left + sheet.pitch_x <= first_x < sheet.left + 2 * sheet.pitch_x
    assert sheet.top + sheet.pitch_y <= first_y < sheet.top + 2 * sheet.pitch_y
    lines = pdf_lines(content)
    assert lines.count("FRAN") == 3 and lines.count("centrale") == 3


def test_labels_past_the_end_of_a_sheet_go_on_a_new_page(copies: list[Item]) -> None:
    content = labels_pdf(copies, kind="spine", sheet=SHEETS["l7160"], start=20)
    assert len(pdf_page_sizes_mm(content)) == 2  # labels 20 and 21, then the next sheet


def test_barcode_labels_carry_the_barcode_and_the_title(copies: list[Item]) -> None:
    content = labels_pdf(copies, kind="barcode", sheet=SHEETS["l7651"], start=1)
    lines = pdf_lines(content)
    assert [line for line in lines if line.startswith("LBL-")] == ["LBL-1", "LBL-2", "LBL-3"]
    assert lines.count("Het achterhuis") == 3


def test_the_labels_page_makes_the_pdf(desk: Client, copies: list[Item]) -> None:
    answer = desk.post(
        reverse("desk:copy_labels"),
        {"barcodes": "LBL-1\nLBL-2", "kind": "barcode", "sheet": "l7160", "start": "1"},
    )
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert "LBL-2" in pdf_lines(answer.content)


def test_an_unknown_barcode_makes_no_pdf_and_is_named(desk: Client, copies: list[Item]) -> None:
    answer = desk.post(
        reverse("desk:copy_labels"),
        {"barcodes": "LBL-1\nGEEN-ZO", "kind": "spine", "sheet": "l7651", "start": "1"},
    )
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("text/html")
    assert "GEEN-ZO" in answer.content.decode()


def test_new_copies_offer_their_labels(desk: Client, central: Branch) -> None:
    record = cast(Record, RecordFactory())
    answer = desk.post(reverse("desk:copies_add", args=[record.pk]), {"barcodes": "NW-1\nNW-2"})
    html = answer.content.decode()
    assert reverse("desk:copy_labels") + "?barcodes=NW-1%2CNW-2" in html
    page = desk.get(reverse("desk:copy_labels"), {"barcodes": "NW-1,NW-2"}).content.decode()
    assert "NW-1\nNW-2" in page
