"""MijnBibliotheek: the member's reservations, with their place in the queue, and cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors import member_active_holds
from kaft.circulation.services import hold_cancel
from kaft.portal.access import PortalRequest, member_required, own_hold
from kaft.portal.views.common import render_portal


@member_required
def holds(request: PortalRequest) -> HttpResponse:
    context = {"holds": member_active_holds(request.member), "section": "holds"}
    return render_portal(request, "portal/holds.html", context)


@member_required
def hold_cancel_view(request: PortalRequest, hold_id: int) -> HttpResponse:
    # Ownership first: someone else's reservation is not found, whatever the method.
    hold = own_hold(request, hold_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        hold_cancel(hold=hold, staff=None, via="portal")
    except CirculationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your reservation of “%(title)s” has been cancelled.") % {"title": hold.record.title},
        )
    return redirect("portal:holds")
