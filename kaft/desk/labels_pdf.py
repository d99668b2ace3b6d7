"""Spine labels and barcode labels for copies, as a PDF on common A4 label sheets.

A sheet is its grid: columns and rows of labels, the label's size, the margins to the first
label and the pitch from one label to the next (as the sheet maker prints them on the box). A
partly used sheet is printed from a start position (1 is top left, counting along the rows), so
the labels already peeled off are skipped.

- **Spine label**: the call number, large, one word per line (as it reads on a spine), and the
  branch code below it.
- **Barcode label**: the barcode as Code 39 (which every library scanner reads, and which holds
  Kaft's barcodes: letters, digits and hyphens), the barcode in text below it, and the title,
  shortened.

Rendered with fpdf2 in the built-in Helvetica (nothing outside Kaft is needed); text stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from fpdf import FPDF

from kaft.catalog.models import Item
from kaft.core.latin import latin


@dataclass(frozen=True)
class Sheet:
    name: str
    label: Any  # shown in the form (translated when shown)
    columns: int
    rows: int
    width: float  # of one label, mm
    height: float
    left: float  # page edge to the first label, mm
    top: float
    pitch_x: float  # from one label's left edge to the next's, mm
    pitch_y: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[float, float]:
        """The top-left corner (mm) of label ``index`` (0-based) on its page."""
        row, column = divmod(index % self.per_sheet, self.columns)
        return self.left + column * self.pitch_x, self.top + row * self.pitch_y


SHEETS: dict[str, Sheet] = {
    sheet.name: sheet
    for sheet in (
        Sheet(
            "l7651",
            _("65 per sheet, 38.1 × 21.2 mm (Avery L7651)"),
            5,
            13,
            38.1,
            21.2,
            4.7,
            10.7,
            40.6,
            21.2,
        ),
        Sheet(
            "l7160",
            _("21 per sheet, 63.5 × 38.1 mm (Avery L7160)"),
            3,
            7,
            63.5,
            38.1,
            7.2,
            15.1,
            66.0,
            38.1,
        ),
        Sheet(
            "l7656",
            _("84 per sheet, 46 × 11.1 mm (Avery L7656)"),
            4,
            21,
            46.0,
            11.1,
            5.9,
            13.3,
            50.0,
            12.7,
        ),
    )
}

KINDS = {"spine": _("Spine labels"), "barcode": _("Barcode labels")}
PADDING = 1.5


def labels_pdf(items: Sequence[Item], *, kind: str, sheet: Sheet, start: int = 1) -> bytes:
    """The labels of ``items`` (in their order), from position ``start`` of the first sheet."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creator("Kaft")
    pdf.set_title(str(KINDS[kind]))
    skip = max(0, min(start, sheet.per_sheet) - 1)
    for offset, item in enumerate(items):
        index = skip + offset
        if index % sheet.per_sheet == 0 or offset == 0:
            pdf.add_page()
        x, y = sheet.position(index)
        if kind == "spine":
            _spine(pdf, item, x, y, sheet)
        else:
            _barcode(pdf, item, x, y, sheet)
    if not items:
        pdf.add_page()
    return bytes(pdf.output())


def _spine(pdf: FPDF, item: Item, x: float, y: float, sheet: Sheet) -> None:
    words = latin(item.call_number).split() or ["-"]
    lines = words[:3]
    size = min(16.0, (sheet.height - 2 * PADDING) / (len(lines) + 0.8) * 2.2)
    pdf.set_font("Helvetica", style="B", size=size)
    line = size * 0.42
    top = y + PADDING
    for word in lines:
        pdf.set_xy(x + PADDING, top)
        pdf.cell(w=sheet.width - 2 * PADDING, h=line, text=word, align="C")
        top += line
    pdf.set_font("Helvetica", size=max(5.0, size * 0.45))
    pdf.set_xy(x + PADDING, top)
    pdf.cell(
        w=sheet.width - 2 * PADDING, h=size * 0.2, text=latin(item.home_branch.code), align="C"
    )


def _barcode(pdf: FPDF, item: Item, x: float, y: float, sheet: Sheet) -> None:
    inner = sheet.width - 2 * PADDING
    bars_height = max(4.0, sheet.height * 0.45)
    # Code 39: 16 modules a character (with its gap), start and stop included.
    module = min(0.35, inner / (16 * (len(item.barcode) + 2)))
    width = module * 16 * (len(item.barcode) + 2)
    pdf.code39(
        f"*{item.barcode.upper()}*",
        x=x + (sheet.width - width) / 2,
        y=y + PADDING,
        w=module,
        h=bars_height,
    )
    pdf.set_font("Helvetica", size=7)
    pdf.set_xy(x + PADDING, y + PADDING + bars_height + 0.4)
    pdf.cell(w=inner, h=3, text=item.barcode, align="C")
    title = latin(item.record.title)
    if len(title) > 40:
        title = title[:39] + "..."
    if sheet.height >= 18:
        pdf.set_font("Helvetica", size=6)
        pdf.set_xy(x + PADDING, y + PADDING + bars_height + 3.4)
        pdf.cell(w=inner, h=2.6, text=title, align="C")
