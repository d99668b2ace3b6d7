"""The desk's newsletter page of a member: the subscription's state (incl. "address not
deliverable"), signing the member up (the member still confirms through the link mailed to
them: double opt-in) and unsubscribing at the member's request.

Showing the page writes the access log (``status``, as the consent page: a subscription is the
member's consent for the newsletter). The actions go back to the page, which logs the look.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaft.desk.access import DeskRequest, desk_view, member_look
from kaft.desk.views.common import desk_render
from kaft.members.models import Member
from kaft.outreach.errors import OutreachError
from kaft.outreach.models import SubscriptionVia
from kaft.outreach.selectors.newsletter_subscriptions import subscription_of_member
from kaft.outreach.services.newsletter_subscriptions import (
    confirm_days,
    subscription_end_member,
    subscription_request_member,
)
from kaft.privacy.models import AccessPurpose, ConsentVia, DataPart
from kaft.privacy.services.consent import member_is_child

NEWSLETTER_PARTS = (DataPart.STATUS,)


def _member(member_id: int) -> Member:
    return get_object_or_404(Member.objects.select_related("home_branch"), pk=member_id)


@desk_view
@require_GET
def member_newsletter(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    member_look(desk, member, NEWSLETTER_PARTS, purpose=AccessPurpose.DESK)
    context = {
        "member": member,
        "subscription": subscription_of_member(member),
        "child": member_is_child(member),
        "days": confirm_days(),
    }
    return desk_render(request, "desk/outreach/subscriptions_member.html", context)


@desk_view
@require_POST
def member_newsletter_subscribe(request: HttpRequest, member_id: int) -> HttpResponse:
    """Start the member's sign-up: the confirmation link goes to the member's address."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    try:
        subscription_request_member(member=member, via=SubscriptionVia.DESK, staff=desk.user)
    except OutreachError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "A confirmation link was sent to the member's e-mail address. The member "
                "receives the newsletter once they confirm."
            ),
        )
    return redirect("desk:member_newsletter", member_id=member.pk)


@desk_view
@require_POST
def member_newsletter_unsubscribe(request: HttpRequest, member_id: int) -> HttpResponse:
    """End the subscription at the member's request; their newsletter consent is withdrawn."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    try:
        subscription_end_member(member=member, via=ConsentVia.DESK, staff=desk.user)
    except OutreachError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The member no longer receives the newsletter."))
    return redirect("desk:member_newsletter", member_id=member.pk)
