"""A payment's receipt as PDF, 80 mm wide for a receipt printer and as long as its content,
the same for the desk (printed at the till) and MijnBibliotheek (downloaded later).

Rendered with fpdf2 in the built-in Helvetica (no font file needed): amounts are written
"EUR 2,50", as that font's Latin-1 has no euro sign, and any other character outside Latin-1 as
its base letter. The text stays text (searchable). Nothing is stored: each request renders the
receipt again from the ledger. The layout runs twice: once to measure, then on a page that long.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from kaft.billing.selectors.payments import PaymentReceipt

WIDTH_MM = 80
MARGIN_MM = 4
LINE_MM = 4.6


def latin(text: str) -> str:
    """``text`` in the characters Helvetica has (accents reduced where Latin-1 lacks them)."""
    out = []
    for char in text.replace("…", "...").replace("€", "EUR").replace("–", "-"):
        if ord(char) < 256:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)
        out.append("".join(c for c in base if ord(c) < 256 and not unicodedata.combining(c)) or "?")
    return "".join(out)


def euros(amount: Decimal) -> str:
    """ "EUR 2,50" in Dutch, "EUR 2.50" in English."""
    return "EUR " + formats.number_format(amount, 2, use_l10n=True)


def day_text(moment: dt.datetime | dt.date) -> str:
    """dd-mm-yyyy in every language (the short date format)."""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATE_FORMAT")


def time_text(moment: dt.datetime) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


class _Slip(FPDF):
    def text_line(self, text: str, *, size: float = 9, bold: bool = False) -> None:
        self.set_font("Helvetica", style="B" if bold else "", size=size)
        self.multi_cell(w=0, h=LINE_MM * size / 9, text=latin(text), new_x="LMARGIN", new_y="NEXT")

    def amount_line(self, label: str, amount: Decimal, *, bold: bool = False) -> None:
        self.set_font("Helvetica", style="B" if bold else "", size=9)
        width = self.w - self.l_margin - self.r_margin
        self.cell(w=width * 0.6, h=LINE_MM, text=latin(label))
        self.cell(w=width * 0.4, h=LINE_MM, text=euros(amount), align="R")
        self.ln(LINE_MM)

    def rule(self) -> None:
        self.ln(1.5)
        self.line(MARGIN_MM, self.get_y(), WIDTH_MM - MARGIN_MM, self.get_y())
        self.ln(2)


def _draw(pdf: _Slip, receipt: PaymentReceipt) -> None:
    pdf.text_line(receipt.library, size=11, bold=True)
    pdf.text_line(receipt.branch)
    pdf.text_line(f"{day_text(receipt.at)} {time_text(receipt.at)}")
    pdf.text_line(_("Receipt %(number)s") % {"number": receipt.number}, bold=True)
    if receipt.card_hint:
        pdf.text_line(_("Card %(card)s") % {"card": receipt.card_hint})
    pdf.rule()
    pdf.text_line(_("Paid for"), bold=True)
    for line in receipt.lines:
        pdf.text_line(line.subject)
        if line.note:
            pdf.text_line(line.note, size=8)
        pdf.amount_line("", line.amount)
        pdf.ln(1)
    pdf.rule()
    pdf.amount_line(_("Total"), receipt.amount, bold=True)
    pdf.text_line(_("Paid by: %(method)s") % {"method": receipt.method})
    pdf.rule()
    pdf.text_line(_("Your payments are in MijnBibliotheek, under Payments."), size=8)


def payment_receipt_pdf(receipt: PaymentReceipt) -> bytes:
    def build(height: float) -> _Slip:
        pdf = _Slip(orientation="P", unit="mm", format=(WIDTH_MM, height))
        pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        pdf.set_auto_page_break(False)
        pdf.set_title(latin(_("Receipt %(number)s") % {"number": receipt.number}))
        pdf.set_creator("Kaft")
        pdf.add_page()
        _draw(pdf, receipt)
        return pdf

    measured = build(2000).get_y() + MARGIN_MM
    return bytes(build(max(measured, 40.0)).output())
