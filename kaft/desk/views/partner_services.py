"""A member's partner services at the desk (*Partnerdiensten*): the services the member signs in
to with their library account (OpenID Connect), what each received, whether it can still read;
and ending a service's access when the member asks for it at the desk.

Both pages show membership data of the member and write the access log (part "Membership and
blocks", as the consent page). Ending access is the same service MijnBibliotheek's "End access"
calls (:func:`kaft.privacy.services.partner_sign_in.partner_access_end`): a confirmation page
first, the change only by POST. A sign-in id that is not this member's answers 404, the same as
one that does not exist, so the page tells nothing about other members.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaft.desk.access import DeskRequest, desk_view, member_look
from kaft.desk.views.common import desk_render
from kaft.members.models import Member
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import AccessPurpose, DataPart
from kaft.privacy.selectors.partner_sign_in import member_partner_sign_ins_for_desk
from kaft.privacy.services.partner_sign_in import partner_access_end

PARTS = (DataPart.STATUS,)


def _member(member_id: int) -> Member:
    return get_object_or_404(Member.objects.select_related("home_branch"), pk=member_id)


@desk_view
@require_GET
def member_partner_services(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    member_look(desk, member, PARTS, purpose=AccessPurpose.DESK)
    context: dict[str, Any] = {
        "member": member,
        "services": member_partner_sign_ins_for_desk(member),
    }
    return desk_render(request, "desk/member_partner_services.html", context)


@desk_view
@require_http_methods(["GET", "POST"])
def member_partner_access_end(
    request: HttpRequest, member_id: int, sign_in_id: int
) -> HttpResponse:
    """GET: the question, with what the service receives; POST: the access ended, back to the
    list (which logs the look)."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    if request.method == "POST":
        try:
            name = partner_access_end(member=member, sign_in_id=sign_in_id)
        except PrivacyError:
            raise Http404 from None
        messages.success(
            request,
            _("“%(name)s” no longer has access to the member's data.") % {"name": name},
        )
        return redirect("desk:member_partner_services", member_id=member.pk)
    found = member_partner_sign_ins_for_desk(member, sign_in_id=sign_in_id)
    if not found:
        raise Http404
    member_look(desk, member, PARTS, purpose=AccessPurpose.DESK)
    return desk_render(
        request,
        "desk/member_partner_access_end.html",
        {"member": member, "service": found[0]},
    )
