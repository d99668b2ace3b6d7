"""A member's kiosk PIN at the desk: set one for a member who is present, or remove it.

The PIN is typed twice by the member (or by staff, for the member) and handed to
:func:`~kaft.members.services.kiosk_pin.member_kiosk_pin_set`; it is never shown, put back into
a form, kept in the session or written to a message. The page names the member and says whether
a PIN is set, so it writes the access log (identity); after a change staff see the member's page.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kaft.desk.access import DeskRequest, desk_view, member_look
from kaft.desk.views.common import desk_render
from kaft.members.errors import MemberError
from kaft.members.models import Member
from kaft.members.pin_fields import KioskPinFields
from kaft.members.services.kiosk_pin import member_kiosk_pin_remove, member_kiosk_pin_set
from kaft.privacy.models import AccessPurpose, DataPart

PIN_PARTS = (DataPart.IDENTITY,)


def _member(member_id: int) -> Member:
    return get_object_or_404(Member.objects.select_related("home_branch"), pk=member_id)


@desk_view
@never_cache
@require_http_methods(["GET", "POST"])
def member_kiosk_pin(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    form = KioskPinFields(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_kiosk_pin_set(member=member, pin=form.cleaned_data["pin"], staff=desk.user)
        except MemberError as error:
            form.add_error("pin", error.message)
        else:
            messages.success(request, _("The kiosk PIN is set. The member can use it now."))
            return redirect("desk:member_detail", member_id=member.pk)
    member_look(desk, member, PIN_PARTS, purpose=AccessPurpose.DESK)
    status = 400 if form.errors else 200
    context = {"member": member, "form": form}
    return desk_render(request, "desk/member_kiosk_pin.html", context, status=status)


@desk_view
@require_POST
def member_kiosk_pin_remove_view(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    member_kiosk_pin_remove(member=member, staff=desk.user)
    messages.success(request, _("The kiosk PIN is removed."))
    return redirect("desk:member_detail", member_id=member.pk)
