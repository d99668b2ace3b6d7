"""The daily cash report on A4, rendered with fpdf2 in the built-in Helvetica like the desk's
slips (a payment's receipt is billing's own, :mod:`kaft.billing.receipt_pdf`, as MijnBibliotheek
gives it too); nothing is stored, each request renders again from the ledger."""

from __future__ import annotations

from django.utils.translation import gettext as _
from fpdf import FPDF

from kaft.billing.receipt_pdf import day_text, euros, latin, time_text
from kaft.billing.selectors.cash import CashDay


class ReportPdf(FPDF):
    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("Helvetica", style="B", size=12)
        self.cell(w=0, h=7, text=latin(text), new_x="LMARGIN", new_y="NEXT")

    def row(self, cells: list[str], widths: list[float], *, bold: bool = False) -> None:
        self.set_font("Helvetica", style="B" if bold else "", size=9)
        for index, (text, width) in enumerate(zip(cells, widths, strict=True)):
            align = "R" if index == len(cells) - 1 and text.startswith("EUR ") else "L"
            self.cell(w=width, h=6, text=latin(text)[:90], border="B", align=align)
        self.ln(6)


def cash_report_pdf(report: CashDay) -> bytes:
    """The cash report of one branch and day on A4: totals by method, each payment, the
    waivers and refunds."""
    pdf = ReportPdf(orientation="P", unit="mm", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    title = _("Cash report %(branch)s %(day)s") % {
        "branch": report.branch.name,
        "day": day_text(report.day),
    }
    pdf.set_title(latin(title))
    pdf.set_creator("Kaft")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=15)
    pdf.cell(w=0, h=9, text=latin(title), new_x="LMARGIN", new_y="NEXT")

    pdf.heading(_("Totals by method"))
    widths = [90.0, 40.0, 50.0]
    pdf.row([_("Method"), _("Payments"), _("Amount")], widths, bold=True)
    for total in report.totals:
        pdf.row([total.label, str(total.count), euros(total.amount)], widths)
    pdf.row([_("Total"), str(len(report.payments)), euros(report.total)], widths, bold=True)

    pdf.heading(_("Payments"))
    widths = [20.0, 45.0, 45.0, 40.0, 30.0]
    pdf.row([_("Time"), _("Receipt"), _("Method"), _("Taken by"), _("Amount")], widths, bold=True)
    for payment in report.payments:
        pdf.row(
            [
                time_text(payment.at),
                payment.number,
                payment.method_label,
                payment.staff,
                euros(payment.amount),
            ],
            widths,
        )
    if not report.payments:
        pdf.row([_("No payments this day.")], [180.0])

    for heading, rows, empty in (
        (_("Waivers"), report.waivers, _("No waivers this day.")),
        (_("Refunds"), report.refunds, _("No refunds this day.")),
    ):
        pdf.heading(heading)
        widths = [15.0, 40.0, 75.0, 25.0, 25.0]
        pdf.row([_("Time"), _("Charge"), _("Reason"), _("By"), _("Amount")], widths, bold=True)
        for row in rows:
            reason = row.reason + (f" ({row.method_label})" if row.method_label else "")
            pdf.row(
                [time_text(row.at), row.kind, reason, row.staff, euros(row.amount)],
                widths,
            )
        if not rows:
            pdf.row([empty], [180.0])
    return bytes(pdf.output())
