"""Letters as PDF, A4, for a Dutch window envelope with the window on the left.

Rendered with fpdf2 in the built-in Helvetica (nothing outside Kaft is needed; text stays text, so
the PDF can be searched and read back). One letter is one page; a print run is one PDF of many.

Where the address goes. The usual Dutch window envelopes for an A4 folded in three are EA5/6
(110 x 220 mm) and C5/6 (114 x 229 mm), with the window on the left: 90 x 40 mm (width x height),
20 mm from the left edge and 15 mm from the bottom edge of the envelope. Folded in three, the top
panel of the letter (99 mm) lies in the envelope and may slide up to about 11 mm (110 - 99), so
the window shows the letter from about 44-55 mm to 84-95 mm from the letter's top edge, and from
20 to 110 mm from its left edge. The address block is therefore set at :data:`ADDRESS_X` = 24 mm
from the left and :data:`ADDRESS_Y` = 57 mm from the top, at most :data:`ADDRESS_W` = 80 mm wide
and :data:`ADDRESS_H` = 26 mm high (five lines): inside the window wherever the letter slides.
The fold marks at 99 and 198 mm show where to fold. Nothing else is printed in that band on the
left, so only the address shows through the window.

The letterhead (the library's name, address and phone, :func:`kaft.core.library.library`; its
logo at the top left when it has one) is at the top right,
outside the window. The date is written the European way in the member's language ("7 december
2026" / "7 December 2026").
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from kaft.core.latin import latin
from kaft.core.library import library, library_logo

PAGE_W, PAGE_H = 210.0, 297.0  # A4
# The window of an EA5/6 or C5/6 envelope (window left): 90 x 40 mm, 20 mm from the left, 15 mm
# from the bottom; the address block below fits it whichever way the folded letter slides.
WINDOW_LEFT, WINDOW_BOTTOM, WINDOW_W, WINDOW_H = 20.0, 15.0, 90.0, 40.0
ADDRESS_X, ADDRESS_Y, ADDRESS_W, ADDRESS_H = 24.0, 57.0, 80.0, 26.0
ADDRESS_LINE = 5.0
FOLDS = (99.0, 198.0)  # A4 folded in three
MARGIN_LEFT, MARGIN_RIGHT = 24.0, 20.0
LETTERHEAD_X = 125.0
TEXT_TOP = 100.0
BODY_LINE = 5.0


@dataclass(frozen=True)
class Letter:
    """One page: to whom (from the live member rows), in which language, what it says."""

    name: str
    address_lines: Sequence[str]
    language: str
    subject: str
    body: str
    day: dt.date


def letter_day(day: dt.date, language: str) -> str:
    """The date as written in a letter: "7 december 2026" (nl) or "7 December 2026" (en)."""
    with translation.override(language):
        return str(formats.date_format(day, "DATE_FORMAT"))


LOGO_H = 15  # mm, above the address window


class LetterPdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(MARGIN_LEFT, 20, MARGIN_RIGHT)
        self.set_auto_page_break(True, margin=20)
        self.set_creator("Kaft")
        self.set_title(latin(library().name))
        stored = library_logo()  # read once per print run
        self._logo = stored[0] if stored else None

    def letter(self, letter: Letter) -> None:
        self.add_page()
        self._letterhead()
        self._folds()
        self._address(letter)
        with translation.override(letter.language):
            place = library().city
            self.set_xy(MARGIN_LEFT, TEXT_TOP)
            self.set_font("Helvetica", size=10)
            dated = letter_day(letter.day, letter.language)
            self.cell(
                text=latin(f"{place}, {dated}" if place else dated), new_x="LMARGIN", new_y="NEXT"
            )
            self.ln(6)
            self.set_font("Helvetica", style="B", size=11)
            self.multi_cell(w=0, h=6, text=latin(letter.subject), new_x="LMARGIN", new_y="NEXT")
            self.ln(4)
            self.set_font("Helvetica", size=10.5)
            for line in letter.body.rstrip("\n").split("\n"):
                if line.strip():
                    self.multi_cell(
                        w=0, h=BODY_LINE, text=latin(line), new_x="LMARGIN", new_y="NEXT"
                    )
                else:
                    self.ln(BODY_LINE)

    def _letterhead(self) -> None:
        if self._logo:
            self.image(io.BytesIO(self._logo), x=MARGIN_LEFT, y=15, h=LOGO_H)
        self.set_xy(LETTERHEAD_X, 20)
        self.set_font("Helvetica", style="B", size=13)
        self.multi_cell(
            w=PAGE_W - MARGIN_RIGHT - LETTERHEAD_X,
            h=6,
            text=latin(library().name),
            new_x="LEFT",
            new_y="NEXT",
        )
        self.set_font("Helvetica", size=9)
        details = library()
        lines = details.address_lines
        if details.phone:
            lines.append(_("Phone %(phone)s") % {"phone": details.phone})
        for line in lines:
            self.cell(text=latin(line), new_x="LEFT", new_y="NEXT", h=4.5)

    def _folds(self) -> None:
        self.set_line_width(0.2)
        for y in FOLDS:
            self.line(4, y, 8, y)

    def _address(self, letter: Letter) -> None:
        self.set_font("Helvetica", size=10.5)
        lines = [letter.name, *letter.address_lines][: int(ADDRESS_H // ADDRESS_LINE)]
        for n, line in enumerate(lines):
            self.set_xy(ADDRESS_X, ADDRESS_Y + n * ADDRESS_LINE)
            # Never wider than the block: a long name is cut rather than run out of the window.
            text = latin(line)
            while text and self.get_string_width(text) > ADDRESS_W:
                text = text[:-1]
            self.cell(w=ADDRESS_W, h=ADDRESS_LINE, text=text)


def letters_pdf(letters: Sequence[Letter]) -> bytes:
    """One PDF with a page per letter."""
    pdf = LetterPdf()
    for letter in letters:
        pdf.letter(letter)
    return bytes(pdf.output())


def address_lines(
    *, street: str, house_number: str, postcode: str, city: str, country: str
) -> list[str]:
    """A Dutch address as PostNL wants it on the envelope: street and number, then postcode and
    city (postcode with one space, city in capitals); the country in capitals for abroad."""
    lines = [f"{street} {house_number}".strip(), f"{postcode}  {city.upper()}".strip()]
    if country and country.upper() != "NL":
        lines.append(country.upper())
    return lines
