"""MijnBibliotheek: the member's current loans, and renewing one or all of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kaft.billing.selectors.fines import member_loan_fines
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import Loan
from kaft.circulation.selectors.loans import member_borrow_refusal, member_open_loans
from kaft.circulation.services import loan_renew
from kaft.circulation.services.renew_all import loans_renew_all
from kaft.members.models import FamilyAction, Member
from kaft.portal.access import PortalRequest, member_required, own_loan
from kaft.portal.views.common import render_portal
from kaft.portal.views.family import family_acted, family_viewed, people_in_reach

# Refusals that follow money: the loans page says what is owed and why it blocks.
MONEY_CODES = (CirculationErrorCode.MEMBER_OWES, CirculationErrorCode.MEMBER_INVOICE_OPEN)

# Per-loan outcome of the last renewal, kept in the session until the loans page shows it.
RESULTS_KEY = "portal_renewal_results"


@dataclass(frozen=True)
class RenewalResult:
    ok: bool
    message: str


@dataclass(frozen=True)
class LoanRow:
    loan: Loan
    overdue: bool
    renewals_left: int
    result: RenewalResult | None
    whose: str = ""  # first name of the member it belongs to, when that is someone else
    fine: Decimal | None = None  # the late fee so far (what is still owed on it)


@dataclass(frozen=True)
class LoanGroup:
    """Another member's loans, shown through family access."""

    member: Member
    rows: list[LoanRow]


def _rows(
    loans: list[Loan], results: dict[str, Any], whose: str = "", member: Member | None = None
) -> list[LoanRow]:
    """``loans`` come from ``member_open_loans(..., with_renewals_left=True, with_via=True)``; ``member``'s
    late fees are read in one query (none when no loans)."""
    today = timezone.localdate()
    fines = member_loan_fines(member) if member is not None and loans else {}
    rows = []
    for loan in loans:
        result = results.get(str(loan.pk))
        rows.append(
            LoanRow(
                loan=loan,
                overdue=loan.due_date < today,
                renewals_left=getattr(loan, "renewals_left", 0),
                result=RenewalResult(**result) if result else None,
                whose=whose,
                fine=fines.get(loan.pk),
            )
        )
    return rows


def _renew(loan: Loan) -> tuple[Loan, RenewalResult]:
    try:
        renewed = loan_renew(loan=loan, staff=None, via="portal")
    except CirculationError as error:
        return loan, RenewalResult(ok=False, message=error.message)
    due = formats.date_format(renewed.due_date, "DATE_FORMAT")
    return renewed, RenewalResult(ok=True, message=_("Renewed until %(date)s.") % {"date": due})


def _remember(request: PortalRequest, results: dict[int, RenewalResult]) -> None:
    request.session[RESULTS_KEY] = {
        str(loan_id): {"ok": result.ok, "message": result.message}
        for loan_id, result in results.items()
    }


@member_required
def loans(request: PortalRequest) -> HttpResponse:
    results = request.session.pop(RESULTS_KEY, {})
    member = request.member
    rows = _rows(
        list(member_open_loans(member, with_renewals_left=True, with_via=True)),
        results,
        member=member,
    )
    others = people_in_reach(request)[1:]
    groups = [
        LoanGroup(
            other,
            _rows(
                list(member_open_loans(other, with_renewals_left=True, with_via=True)),
                results,
                other.first_name,
                member=other,
            ),
        )
        for other in others
    ]
    family_viewed(request, others)
    refusal = member_borrow_refusal(member, timezone.localdate())
    money = refusal.message if refusal is not None and refusal.code in MONEY_CODES else ""
    context = {"rows": rows, "groups": groups, "section": "loans", "money_block": money}
    return render_portal(request, "portal/loans.html", context)


@member_required
def loan_renew_one(request: PortalRequest, loan_id: int) -> HttpResponse:
    # Ownership first: someone else's loan is not found, whatever the method.
    loan = own_loan(request, loan_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    loan, result = _renew(loan)
    owner = request.member if loan.member_id == request.member.pk else loan.member
    assert owner is not None
    if result.ok:
        family_acted(request, owner, FamilyAction.RENEWED, loan.item.record.title)
    if getattr(request, "htmx", False):
        fresh = member_open_loans(owner, with_renewals_left=True, with_via=True).filter(pk=loan.pk)
        whose = owner.first_name if owner.pk != request.member.pk else ""
        # A loan returned meanwhile is no longer open: shown as it was, without renewals left.
        row = _rows(list(fresh) or [loan], {str(loan.pk): asdict(result)}, whose, owner)[0]
        return render_portal(request, "portal/_loan_row.html", {"row": row})
    _remember(request, {loan.pk: result})
    return redirect("portal:loans")


@member_required
@require_POST
def loan_renew_all(request: PortalRequest) -> HttpResponse:
    """Renew what gains from it (:func:`loans_renew_all`) and say per loan what happened."""
    outcome = loans_renew_all(member=request.member, via="portal")
    results = {}
    for one in outcome:
        if one.renewed:
            due = formats.date_format(one.due_date, "DATE_FORMAT")
            text = _("Renewed until %(date)s.") % {"date": due}
        else:
            text = one.message
        results[one.loan_id] = RenewalResult(ok=one.renewed, message=text)
    _remember(request, results)
    renewed = sum(1 for one in outcome if one.renewed)
    messages.info(
        request,
        ngettext(
            "%(renewed)d of %(total)d loan renewed.",
            "%(renewed)d of %(total)d loans renewed.",
            len(outcome),
        )
        % {"renewed": renewed, "total": len(outcome)},
    )
    return redirect("portal:loans")
