"""MijnBibliotheek "Family / Access": asking for access to another member's account, answering
requests, ending an access, what others did on your account, and parents or guardians.

Also the helpers the loans, reservations and catalogue pages use to show and act on the accounts
of members in reach (:func:`kaft.portal.access.members_in_reach`, the one place that decides).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kaft.core import params
from kaft.members.cards import CARD_NUMBER_MAX_LENGTH, TypedCardNumberField
from kaft.members.errors import MemberError
from kaft.members.models import FamilyAction, Member
from kaft.members.selectors.family import family_overview, member_family_access
from kaft.members.services.family import (
    family_access_accept,
    family_access_decline,
    family_access_end,
    family_access_request,
    family_event_record,
)
from kaft.portal.access import PortalRequest, member_required, members_in_reach
from kaft.portal.views.common import render_portal


class FamilyRequestForm(forms.Form):
    card_number = TypedCardNumberField(
        label=gettext_lazy("Card number of the other member"),
        max_length=CARD_NUMBER_MAX_LENGTH,
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name of the other member"),
        max_length=140,
        help_text=gettext_lazy("As on their library card, with any prefix such as “de”."),
    )


# --- helpers for the loans, reservations and catalogue pages -----------------------------------


def people_in_reach(request: PortalRequest) -> list[Member]:
    """The logged-in member first, then the members who gave them access (by first name)."""
    ids = members_in_reach(request)
    others = {m.pk: m for m in Member.objects.filter(pk__in=ids[1:])}
    return [request.member, *(others[pk] for pk in ids[1:] if pk in others)]


def person_in_reach(request: PortalRequest, member_id: object) -> Member:
    """The member ``member_id`` (as posted) if in reach, else Http404 (the same for unknown
    ids and for ids that are no id)."""
    wanted = params.id_or_404(member_id)
    if wanted not in members_in_reach(request):
        raise Http404
    if wanted == request.member.pk:
        return request.member
    return Member.objects.get(pk=wanted)


def family_viewed(request: PortalRequest, owners: list[Member]) -> None:
    """Write that the logged-in member looked at these owners' loans or reservations."""
    for owner in owners:
        family_event_record(grantee=request.member, owner=owner, action=FamilyAction.VIEWED)


def family_acted(request: PortalRequest, owner: Member, action: FamilyAction, title: str) -> None:
    """Write what the logged-in member did on ``owner``'s account; nothing for their own."""
    if owner.pk != request.member.pk:
        family_event_record(grantee=request.member, owner=owner, action=action, detail=title)


# --- the "Family / Access" page ---------------------------------------------------------------


def _page(request: PortalRequest, form: FamilyRequestForm, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {
        "overview": family_overview(request.member),
        "form": form,
        "section": "family",
    }
    return render_portal(request, "portal/family.html", context, status=status)


@member_required
@require_GET
def family(request: PortalRequest) -> HttpResponse:
    return _page(request, FamilyRequestForm())


@member_required
@require_POST
def family_request(request: PortalRequest) -> HttpResponse:
    form = FamilyRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        access = family_access_request(
            grantee=request.member,
            card_number=form.cleaned_data["card_number"],
            last_name=form.cleaned_data["last_name"],
        )
    except MemberError as error:
        form.add_error(None, error.message)
        return _page(request, form, status=409)
    messages.success(
        request,
        _(
            "Your request has been sent. The other member has until %(date)s to answer; "
            "you will see the answer here."
        )
        % {"date": formats.date_format(access.answer_by, "DATE_FORMAT")},
    )
    return redirect("portal:family")


def _access_of(request: PortalRequest) -> Any:
    access = member_family_access(request.member, params.id_or_404(request.POST.get("access")))
    if access is None:
        raise Http404
    return access


@member_required
@require_POST
def family_answer(request: PortalRequest) -> HttpResponse:
    access = _access_of(request)
    if access.owner_id != request.member.pk:
        raise Http404
    name = access.grantee.first_name
    try:
        if request.POST.get("answer") == "accept":
            family_access_accept(owner=request.member, access=access)
            text = _("%(name)s can now see your loans and reservations.") % {"name": name}
        else:
            family_access_decline(owner=request.member, access=access)
            text = _("You declined the request of %(name)s.") % {"name": name}
    except MemberError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, text)
    return redirect("portal:family")


@member_required
@require_POST
def family_end(request: PortalRequest) -> HttpResponse:
    access = _access_of(request)
    try:
        family_access_end(member=request.member, access=access)
    except MemberError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The access has ended."))
    return redirect("portal:family")
