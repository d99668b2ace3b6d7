"""Renewing at the lending screen: one loan or all of the member being served."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaft.circulation.errors import CirculationError
from kaft.circulation.models import Loan
from kaft.circulation.selectors.loans import member_open_loans
from kaft.circulation.services import loan_renew
from kaft.circulation.services.renew_all import loans_renew_all
from kaft.desk.access import DeskRequest, MemberMismatch, active_member_shown, desk_view
from kaft.desk.views.common import (
    member_mismatch_message,
    member_panel_after,
    scan_answer,
    scan_refused,
    wants_json,
)
from kaft.desk.words import refusal
from kaft.members.models import Member


def _renew_answer(
    desk: DeskRequest, member: Member, results: dict[int, tuple[bool, str]]
) -> HttpResponse:
    if not wants_json(desk):  # no script: the messages are shown on the reloaded page
        for ok, text in results.values():
            (messages.success if ok else messages.error)(desk, text)
        if not results:
            messages.info(desk, _("There is nothing to renew."))
        return redirect("desk:checkout")
    return scan_answer(
        desk,
        fallback=reverse("desk:checkout"),
        replace=member_panel_after(desk, member, results),
        announce=" ".join(text for _ok, text in results.values()),
    )


def _renew_one(desk: DeskRequest, member: Member, loan: Loan) -> tuple[bool, str]:
    title = loan.item.record.title
    try:
        renewed = loan_renew(loan=loan, staff=desk.user, via="desk")
    except CirculationError as error:
        return False, f"{title}: {refusal(error, member=member, today=timezone.localdate())}"
    due = formats.date_format(renewed.due_date, "DATE_FORMAT")
    return True, _("%(title)s renewed until %(due)s.") % {"title": title, "due": due}


def served_member(desk: DeskRequest) -> Member | HttpResponse:
    """The member being served, as the page shows; a refusal if another tab switched member."""
    try:
        member = active_member_shown(desk)
    except MemberMismatch:
        back = reverse("desk:checkout")
        return scan_refused(desk, fallback=back, message=member_mismatch_message())
    if member is None:
        raise Http404
    return member


@desk_view
@require_POST
def renew(request: HttpRequest, loan_id: int) -> HttpResponse:
    """Renew one loan of the member being served (another member's loan: 404)."""
    desk = cast(DeskRequest, request)
    member = served_member(desk)
    if isinstance(member, HttpResponse):
        return member
    loan = member_open_loans(member).filter(pk=loan_id).first()
    if loan is None:
        raise Http404
    return _renew_answer(desk, member, {loan.pk: _renew_one(desk, member, loan)})


@desk_view
@require_POST
def renew_all(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = served_member(desk)
    if isinstance(member, HttpResponse):
        return member
    # The same rule as MijnBibliotheek's "Alles verlengen": only what gains, a result per loan.
    results: dict[int, tuple[bool, str]] = {}
    for one in loans_renew_all(member=member, staff=desk.user, via="desk"):
        if one.renewed:
            due = formats.date_format(one.due_date, "DATE_FORMAT")
            text = _("%(title)s renewed until %(due)s.") % {"title": one.title, "due": due}
        else:
            text = f"{one.title}: {one.message}"
        results[one.loan_id] = (one.renewed, text)
    return _renew_answer(desk, member, results)
