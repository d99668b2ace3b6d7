"""Contests at the desk (*Prijsvragen*): the list, a new contest and changing a draft, one
contest with its moves and its anonymous counts per day and channel, its entries, the draw and
the winners.

The screens only ask and show; every change is a service of :mod:`kaft.outreach.services`
(``contests``, ``contests_draw``). The list, a contest's page and the draw's question show no
entrant. The entries and the winners show names and contact details: every member among them
is written to the access log, part "Contact details" — the member of an entry sent from
MijnBibliotheek, and the member whose card number an entry shows (an entry from before the
public page stopped taking card numbers): a card number shown is that member's data too.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.core import params
from kaft.core.errors import DomainError
from kaft.desk.access import DeskRequest, desk_view, members_listed
from kaft.desk.views.common import desk_render
from kaft.outreach.models import (
    Campaign,
    CampaignAction,
    CampaignStatus,
    ContestField,
    Entry,
    WinnersShown,
)
from kaft.outreach.selectors.contests import (
    campaign_counts,
    campaign_entries,
    campaign_winners,
    campaigns_all,
    entries_members,
    winners_shown_publicly,
)
from kaft.outreach.services.contests import (
    CAMPAIGN_TRANSITIONS,
    MAX_WINNERS,
    campaign_move,
    campaign_save,
    keep_days_bounds,
    keep_days_default,
)
from kaft.outreach.services.contests_draw import campaign_draw, winners_tell_again
from kaft.privacy.models import AccessPurpose, DataPart

# The buttons of a contest's page, by the move they make.
MOVES = {
    CampaignAction.OPEN: gettext_lazy("Open for entries"),
    CampaignAction.CLOSE: gettext_lazy("Close: no more entries"),
}


class CampaignForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    question = forms.CharField(label=gettext_lazy("Question"), max_length=500)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    starts_on = params.DateField(label=gettext_lazy("First day"))
    ends_on = params.DateField(label=gettext_lazy("Last day"))
    asked = forms.MultipleChoiceField(
        label=gettext_lazy("What entrants fill in (as little as possible)"),
        choices=ContestField.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "A contest that asks for the card number can only be entered in MijnBibliotheek, "
            "logged in: the card number then comes from the member's account. The public page "
            "asks visitors to log in, because anyone could type someone else's card number. To "
            "let everyone enter on the public page, ask for the e-mail address instead."
        ),
    )
    prize = forms.CharField(label=gettext_lazy("Prize"), max_length=300)
    winners_count = params.NumberField(
        label=gettext_lazy("Number of winners"), min_value=1, max_value=MAX_WINNERS
    )
    winners_shown = forms.ChoiceField(
        label=gettext_lazy("Winners on the public page"),
        choices=WinnersShown.choices,
        widget=forms.RadioSelect,
    )
    keep_days = params.NumberField(
        label=gettext_lazy("Keep the entries this many days after the last day"),
        min_value=0,
        max_value=999,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = keep_days_bounds()
        field = cast(params.NumberField, self.fields["keep_days"])
        field.help_text = _("From %(min)s to %(max)s days; then they are deleted.") % {
            "min": low,
            "max": high,
        }


def _campaign(campaign_id: int) -> Campaign:
    return get_object_or_404(Campaign, pk=campaign_id)


def _form_page(request: HttpRequest, form: CampaignForm, campaign: Campaign | None) -> HttpResponse:
    return desk_render(
        request,
        "desk/outreach/contests_form.html",
        {"form": form, "campaign": campaign},
        status=400 if form.is_bound and form.errors else 200,
    )


def _save(desk: DeskRequest, form: CampaignForm, campaign: Campaign | None) -> Campaign | None:
    data = form.cleaned_data
    try:
        return campaign_save(
            campaign=campaign,
            title=data["title"],
            question=data["question"],
            description=data["description"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            fields=list(data["asked"]),
            prize=data["prize"],
            winners_count=data["winners_count"],
            winners_shown=data["winners_shown"],
            keep_days=data["keep_days"],
            staff=desk.user,
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return None


@desk_view
@require_GET
def contests(request: HttpRequest) -> HttpResponse:
    return desk_render(
        request, "desk/outreach/contests_list.html", {"campaigns": list(campaigns_all())}
    )


@desk_view
@never_cache
@require_http_methods(["GET", "POST"])
def contest_new(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    initial = {
        "asked": [ContestField.NAME, ContestField.EMAIL],
        "winners_count": 1,
        "winners_shown": WinnersShown.NOT_SHOWN,
        "keep_days": keep_days_default(),
    }
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(desk, form, None)
        if saved is not None:
            messages.success(request, _("The contest is saved as a draft."))
            return redirect("desk:contest", campaign_id=saved.pk)
    return _form_page(request, form, None)


@desk_view
@never_cache
@require_http_methods(["GET", "POST"])
def contest_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    campaign = _campaign(campaign_id)
    initial = {
        name: getattr(campaign, name)
        for name in (
            "title",
            "question",
            "description",
            "starts_on",
            "ends_on",
            "prize",
            "winners_count",
            "winners_shown",
            "keep_days",
        )
    }
    initial["asked"] = list(campaign.fields)
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(desk, form, campaign)
        if saved is not None:
            messages.success(request, _("The contest is saved."))
            return redirect("desk:contest", campaign_id=saved.pk)
    return _form_page(request, form, campaign)


@desk_view
@require_GET
def contest(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(campaign_id)
    status = CampaignStatus(campaign.status)
    moves = [
        (action.value, label)
        for action, label in MOVES.items()
        if (status, action) in CAMPAIGN_TRANSITIONS
    ]
    counts = campaign_counts(campaign)
    context = {
        "campaign": campaign,
        "asked": [ContestField(field).label for field in campaign.fields],
        "moves": moves,
        "may_draw": (status, CampaignAction.DRAW) in CAMPAIGN_TRANSITIONS,
        "counts": counts,
        "total": sum(row.total for row in counts),
        "total_public": sum(row.public for row in counts),
        "total_portal": sum(row.portal for row in counts),
        "entries_held": Entry.objects.filter(campaign=campaign).count(),
        "draw": getattr(campaign, "draw", None),
    }
    return desk_render(request, "desk/outreach/contests_detail.html", context)


@desk_view
@require_POST
def contest_move(request: HttpRequest, campaign_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    campaign = _campaign(campaign_id)
    action = params.choice_from(
        request.POST.get("action"), [CampaignAction.OPEN.value, CampaignAction.CLOSE.value], ""
    )
    if not action:
        messages.error(request, _("Choose what to do with the contest."))
        return redirect("desk:contest", campaign_id=campaign.pk)
    try:
        campaign_move(campaign=campaign, action=CampaignAction(action), staff=desk.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        moved = CampaignStatus.OPEN if action == CampaignAction.OPEN else CampaignStatus.CLOSED
        messages.success(request, _("Done: the contest is “%(status)s”.") % {"status": moved.label})
    return redirect("desk:contest", campaign_id=campaign.pk)


def _log_members(desk: DeskRequest, entries: list[Entry]) -> None:
    """Log every member the list shows (:func:`entries_members`)."""
    members = entries_members(entries)
    if members:
        members_listed(desk, members, purpose=AccessPurpose.DESK, parts=(DataPart.CONTACT,))


@desk_view
@require_GET
def contest_entries(request: HttpRequest, campaign_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    campaign = _campaign(campaign_id)
    entries = list(campaign_entries(campaign))
    _log_members(desk, entries)
    return desk_render(
        request,
        "desk/outreach/contests_entries.html",
        {"campaign": campaign, "entries": entries, "asks": campaign.fields},
    )


@desk_view
@never_cache
@require_http_methods(["GET", "POST"])
def contest_draw(request: HttpRequest, campaign_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    campaign = _campaign(campaign_id)
    if request.method == "POST":
        try:
            campaign_draw(campaign=campaign, staff=desk.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("desk:contest", campaign_id=campaign.pk)
        messages.success(request, _("The winners are drawn and are being told by e-mail."))
        return redirect("desk:contest_winners", campaign_id=campaign.pk)
    context = {
        "campaign": campaign,
        "entries_held": Entry.objects.filter(campaign=campaign).count(),
        "may_draw": campaign.status == CampaignStatus.CLOSED,
    }
    return desk_render(request, "desk/outreach/contests_draw.html", context)


@desk_view
@never_cache
@require_http_methods(["GET", "POST"])
def contest_winners(request: HttpRequest, campaign_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    campaign = _campaign(campaign_id)
    if request.method == "POST":
        queued = winners_tell_again(campaign=campaign)
        messages.success(request, _("E-mails queued again: %(count)s.") % {"count": queued})
        return redirect("desk:contest_winners", campaign_id=campaign.pk)
    winners = list(campaign_winners(campaign))
    _log_members(desk, winners)
    context = {
        "campaign": campaign,
        "winners": winners,
        "draw": getattr(campaign, "draw", None),
        "shown": winners_shown_publicly(campaign),
        "untold": sum(1 for w in winners if w.told_at is None),
    }
    return desk_render(request, "desk/outreach/contests_winners.html", context)
