"""Contests in the portal (*Prijsvragen*).

- ``prijsvraag/``: the contests open for entries, and drawn ones with their winners shown.
- ``prijsvraag/<id>/``: one contest for anyone, no login: the fields it asks and nothing else,
  limited per client address (:data:`kaft.core.limits.CONTEST_ENTRY`); when drawn, the winners
  who agreed, by first name and initial. A contest that asks for the card number shows no form
  here but asks the visitor to log in and enter in MijnBibliotheek: a card number typed here
  could be anyone's (:mod:`kaft.outreach.services.contests_entries`).
- ``mijn/prijsvragen/``: the member's own entries (withdrawing one while its contest is open)
  and the open contests not yet entered.
- ``mijn/prijsvragen/<id>/``: entering from MijnBibliotheek: the name, e-mail address and card
  number the contest asks come from the member's account (shown, not typed); only what the
  contest asks is stored.
- ``mijn/prijsvragen/deelname/<id>/intrekken/``: withdrawing an entry (a question, then a POST
  with ``bevestig=ja``); someone else's entry is not found.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kaft.core import params
from kaft.core.errors import DomainError
from kaft.members.auth import login_client_address
from kaft.outreach.models import Campaign, ContestField, Entry, EntryChannel, WinnersShown
from kaft.outreach.selectors.contests import (
    campaign_public,
    campaigns_public,
    campaigns_running_for,
    member_entries,
    winners_shown_publicly,
)
from kaft.outreach.services.contests_entries import (
    MAX_ANSWER,
    campaign_is_running,
    entry_create,
    entry_withdraw,
)
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import render_portal

CONFIRMED = "ja"


class EntryForm(forms.Form):
    """The fields a contest asks; the others are taken out in ``__init__``."""

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=80)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=120)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    card_number = forms.CharField(label=gettext_lazy("Card number"), max_length=40)
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    name_shown = forms.BooleanField(
        label=gettext_lazy(
            "If I win, my first name and the initial of my last name may be shown on this page."
        ),
        required=False,
    )

    def __init__(self, *args: Any, campaign: Campaign, typed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {"answer"} if campaign.asks(ContestField.ANSWER) else set()
        if typed:
            if campaign.asks(ContestField.NAME):
                keep |= {"first_name", "last_name"}
            if campaign.asks(ContestField.EMAIL):
                keep.add("email")
            if campaign.asks(ContestField.CARD_NUMBER):
                keep.add("card_number")
        if campaign.winners_shown == WinnersShown.FIRST_NAME_INITIAL and campaign.asks(
            ContestField.NAME
        ):
            keep.add("name_shown")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name, "")


def _page(
    request: HttpRequest, campaign: Campaign, form: EntryForm | None, status: int = 200
) -> HttpResponse:
    context = {
        "campaign": campaign,
        "form": form,
        "running": campaign_is_running(campaign),
        "members_only": campaign.asks(ContestField.CARD_NUMBER),
        "winners": winners_shown_publicly(campaign),
        "asked": [ContestField(field).label for field in campaign.fields],
    }
    return render_portal(request, "portal/outreach/contests_page.html", context, status)


@require_GET
def contests(request: HttpRequest) -> HttpResponse:
    found = list(campaigns_public())
    context = {
        "running": [c for c in found if campaign_is_running(c)],
        "drawn": [c for c in found if not campaign_is_running(c)],
    }
    return render_portal(request, "portal/outreach/contests_list.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def contest(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_public(campaign_id)
    if campaign is None:
        raise Http404
    if not campaign_is_running(campaign):
        return _page(request, campaign, None)
    if campaign.asks(ContestField.CARD_NUMBER):  # only in MijnBibliotheek, logged in
        return _page(request, campaign, None, 400 if request.method == "POST" else 200)
    # Bound on every POST: a contest may ask nothing to type (the answer only, left empty).
    form = EntryForm(request.POST if request.method == "POST" else None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            entry_create(
                campaign=campaign,
                channel=EntryChannel.PUBLIC,
                member=None,
                first_name=form.value("first_name"),
                last_name=form.value("last_name"),
                email=form.value("email"),
                card_number=form.value("card_number"),
                answer=form.value("answer"),
                name_shown=bool(form.value("name_shown")),
                language=(translation.get_language() or "nl")[:2],
                client=login_client_address(request),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you for entering. Winners are told by e-mail."))
            return redirect("portal:contest", campaign_id=campaign.pk)
    return _page(request, campaign, form, 400 if form.errors else 200)


@member_required
@require_GET
def contests_mine(request: PortalRequest) -> HttpResponse:
    context = {
        "entries": list(member_entries(request.member)),
        "running": campaigns_running_for(request.member),
        "section": "contests",
    }
    return render_portal(request, "portal/outreach/contests_mine.html", context)


def _from_account(request: PortalRequest, campaign: Campaign) -> list[tuple[str, str]]:
    """What the entry takes from the member's account, as (label, value), for the page."""
    member = request.member
    shown = []
    if campaign.asks(ContestField.NAME):
        shown.append((str(ContestField.NAME.label), f"{member.first_name} {member.last_name}"))
    if campaign.asks(ContestField.EMAIL):
        shown.append((str(ContestField.EMAIL.label), member.email))
    if campaign.asks(ContestField.CARD_NUMBER):
        shown.append((str(ContestField.CARD_NUMBER.label), member.card_number))
    return shown


@member_required
@never_cache
@require_http_methods(["GET", "POST"])
def contest_enter(request: PortalRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_public(campaign_id)
    if campaign is None:
        raise Http404
    member = request.member
    # Bound on every POST: a contest may ask nothing to type (all from the account).
    data = request.POST if request.method == "POST" else None
    form = EntryForm(data, campaign=campaign, typed=False)
    if request.method == "POST" and form.is_valid():
        try:
            entry_create(
                campaign=campaign,
                channel=EntryChannel.PORTAL,
                member=member,
                first_name=member.first_name,
                last_name=member.last_name,
                email=member.email,
                card_number=member.card_number,
                answer=form.value("answer"),
                name_shown=bool(form.value("name_shown")),
                language=member.preferred_language,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Thank you for entering “%(title)s”.") % {"title": campaign.title}
            )
            return redirect("portal:contests_mine")
    context = {
        "campaign": campaign,
        "form": form,
        "running": campaign_is_running(campaign),
        "from_account": _from_account(request, campaign),
        "entered": Entry.objects.filter(campaign=campaign, member=member).exists(),
        "section": "contests",
    }
    return render_portal(
        request, "portal/outreach/contests_enter.html", context, 400 if form.errors else 200
    )


@member_required
@require_http_methods(["GET", "POST"])
def contest_withdraw(request: PortalRequest, entry_id: int) -> HttpResponse:
    # Ownership first: someone else's entry is not found, whatever the method.
    entry = (
        Entry.objects.select_related("campaign").filter(pk=entry_id, member=request.member).first()
    )
    if entry is None:
        raise Http404
    confirmed = params.choice_from(request.POST.get("bevestig"), [CONFIRMED], "")
    if request.method != "POST" or confirmed != CONFIRMED:
        context = {"entry": entry, "section": "contests"}
        return render_portal(request, "portal/outreach/contests_withdraw.html", context)
    try:
        entry_withdraw(entry=entry, member=request.member)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your entry in “%(title)s” is withdrawn and deleted.")
            % {"title": entry.campaign.title},
        )
    return redirect("portal:contests_mine")
