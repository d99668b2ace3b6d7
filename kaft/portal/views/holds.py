"""MijnBibliotheek: the member's reservations, with their place in the queue, and cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors.holds import member_active_holds
from kaft.circulation.services import hold_cancel
from kaft.core import params
from kaft.members.models import FamilyAction
from kaft.portal.access import PortalRequest, member_required, own_hold
from kaft.portal.views.common import render_portal
from kaft.portal.views.family import family_acted, family_viewed, people_in_reach


@member_required
def holds(request: PortalRequest) -> HttpResponse:
    others = people_in_reach(request)[1:]
    groups = [(other, member_active_holds(other)) for other in others]
    family_viewed(request, others)
    context = {"holds": member_active_holds(request.member), "groups": groups, "section": "holds"}
    return render_portal(request, "portal/holds.html", context)


CONFIRMED = "ja"


@member_required
@require_http_methods(["GET", "POST"])
def hold_cancel_view(request: PortalRequest, hold_id: int) -> HttpResponse:
    """Cancel a reservation after the member confirms: the list's button opens a page that asks
    (a link, so it works without JavaScript); only its POST with ``bevestig=ja`` cancels. A POST
    without it shows the same question and changes nothing."""
    # Ownership first: someone else's reservation is not found, whatever the method.
    hold = own_hold(request, hold_id)
    confirmed = params.choice_from(request.POST.get("bevestig"), [CONFIRMED], "")
    if request.method != "POST" or confirmed != CONFIRMED:
        whose = (
            hold.member.first_name if hold.member_id != request.member.pk and hold.member else ""
        )
        context = {"hold": hold, "whose": whose, "section": "holds"}
        return render_portal(request, "portal/hold_cancel_confirm.html", context)
    try:
        hold_cancel(hold=hold, staff=None, via="portal")
    except CirculationError as error:
        messages.error(request, error.message)
    else:
        title = hold.record.title
        if hold.member_id != request.member.pk and hold.member is not None:
            family_acted(request, hold.member, FamilyAction.CANCELLED, title)
            text = _("The reservation of “%(title)s” for %(name)s has been cancelled.") % {
                "title": title,
                "name": hold.member.first_name,
            }
        else:
            text = _("Your reservation of “%(title)s” has been cancelled.") % {"title": title}
        messages.success(request, text)
    return redirect("portal:holds")
