"""The desk's slips as PDF for a receipt printer: pages 80 mm wide, as long as the content.

Rendered with fpdf2 in the built-in Helvetica, so nothing outside Kaft (no font file) is
needed; that font has the Latin-1 characters, and any other character of a title is written as
its closest Latin-1 form (or "?"). The text stays text in the PDF (it can be searched and
copied). Nothing is stored: each request renders the slip again from the live rows.

The layout runs twice: once on a very long page to measure, then on a page of that length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from kaft.circulation.selectors.slips import CheckoutReceipt, HoldShelfSlip, TransitSlip
from kaft.core.latin import latin

PAGE_WIDTH_MM = 80
MARGIN_MM = 4
LINE_MM = 4.6
DATE = "j-n-Y"  # 17-12-2026, in every language
DATE_TIME = "j-n-Y H:i"

Draw = Callable[["SlipPdf"], None]


class SlipPdf(FPDF):
    def line_of(self, text: str, *, size: float = 9, bold: bool = False) -> None:
        self.set_font("Helvetica", style="B" if bold else "", size=size)
        height = LINE_MM * size / 9
        self.multi_cell(w=0, h=height, text=latin(text), new_x="LMARGIN", new_y="NEXT")

    def rule(self) -> None:
        self.ln(1.5)
        y = self.get_y()
        self.line(MARGIN_MM, y, PAGE_WIDTH_MM - MARGIN_MM, y)
        self.ln(2)


def _render(draw: Draw, title: str) -> bytes:
    def build(height: float) -> SlipPdf:
        pdf = SlipPdf(orientation="P", unit="mm", format=(PAGE_WIDTH_MM, height))
        pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        pdf.set_auto_page_break(False)
        pdf.set_title(latin(title))
        pdf.set_creator("Kaft")
        pdf.add_page()
        draw(pdf)
        return pdf

    measured = build(2000).get_y() + MARGIN_MM
    return bytes(build(max(measured, 40.0)).output())


def _when(moment: dt.datetime) -> str:
    return dateformat.format(timezone.localtime(moment), DATE_TIME)


def receipt_pdf(receipt: CheckoutReceipt) -> bytes:
    def draw(pdf: SlipPdf) -> None:
        pdf.line_of(receipt.library, size=11, bold=True)
        pdf.line_of(receipt.branch)
        pdf.line_of(_when(receipt.printed_at))
        pdf.line_of(_("Card %(card)s") % {"card": receipt.card_hint})
        pdf.rule()
        pdf.line_of(_("Borrowed"), bold=True)
        for line in receipt.lines:
            pdf.line_of(line.title)
            day = dateformat.format(line.due_date, DATE)
            pdf.line_of(_("Return by %(day)s") % {"day": day}, bold=True)
            pdf.ln(1)
        if not receipt.lines:
            pdf.line_of(_("Nothing was lent in this session."))
        pdf.rule()
        pdf.line_of(_("Renew in MijnBibliotheek or at the desk."), size=8)

    return _render(draw, _("Receipt"))


def hold_slip_pdf(slip: HoldShelfSlip) -> bytes:
    def draw(pdf: SlipPdf) -> None:
        pdf.line_of(_("Reservation"), size=11, bold=True)
        pdf.line_of(slip.branch)
        pdf.rule()
        label = _("Pickup number") if slip.by_number else _("For")
        pdf.line_of(label)
        pdf.line_of(slip.pickup_name, size=18, bold=True)
        if slip.pickup_deadline is not None:
            day = dateformat.format(slip.pickup_deadline, DATE)
            pdf.line_of(_("Pick up by %(day)s") % {"day": day}, bold=True)
        pdf.rule()
        pdf.line_of(slip.title)
        pdf.line_of(slip.barcode)

    return _render(draw, _("Holds-shelf slip"))


def transit_slip_pdf(slip: TransitSlip) -> bytes:
    def draw(pdf: SlipPdf) -> None:
        pdf.line_of(_("Transfer to"), size=11, bold=True)
        pdf.line_of(slip.to_branch, size=18, bold=True)
        pdf.rule()
        pdf.line_of(slip.title)
        pdf.line_of(slip.barcode)
        pdf.line_of(
            _("From %(branch)s, %(when)s")
            % {"branch": slip.from_branch, "when": _when(slip.sent_at)}
        )

    return _render(draw, _("Transit slip"))
