"""The desk's side of the member's rights: corrections of name and date of birth (checked against
an identity document) and the waiting erasure requests.

The lists log every member they show (``search``: name and card number); deciding on a
correction is a form post from the member's detail page, which is shown (and logged) after it.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kaft.core.errors import DomainError
from kaft.desk.access import DeskRequest, desk_view, members_listed
from kaft.desk.views.common import desk_render
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import IdentityChangeRequest, IdentityDocument, Member, RequestStatus
from kaft.members.services.identity import (
    identity_change_approve,
    identity_change_refuse,
    identity_request_pending,
)
from kaft.privacy.models import AccessPurpose, ErasureRequest, ErasureStatus
from kaft.privacy.services.erasure import erasure_blockers


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])
    document_seen = forms.ChoiceField(
        label=gettext_lazy("Identity document seen"),
        choices=[("", "—"), *IdentityDocument.choices],
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


@desk_view
@require_GET
def corrections(request: HttpRequest) -> HttpResponse:
    """Requests to correct name or date of birth that wait for an ID check."""
    pending = list(
        IdentityChangeRequest.objects.filter(status=RequestStatus.PENDING)
        .select_related("member")
        .order_by("requested_at", "pk")
    )
    if pending:
        members_listed(
            cast(DeskRequest, request),
            [item.member for item in pending],
            purpose=AccessPurpose.PRIVACY_REQUEST,
        )
    return desk_render(request, "desk/correction_list.html", {"pending": pending})


@desk_view
@require_POST
def correction_decide(request: HttpRequest, member_id: int) -> HttpResponse:
    """Approve (with the kind of document seen) or refuse (with a reason) the member's waiting
    request; back to the member's detail page, which shows the outcome."""
    desk = cast(DeskRequest, request)
    member = get_object_or_404(Member, pk=member_id)
    form = DecisionForm(request.POST)
    pending = identity_request_pending(member)
    if pending is None:
        messages.error(request, MemberError(MemberErrorCode.IDENTITY_REQUEST_NOT_PENDING).message)
    elif not form.is_valid():
        messages.error(request, _("Choose to approve or to refuse."))
    else:
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                identity_change_approve(
                    request=pending, document_seen=data["document_seen"], staff=desk.user
                )
                messages.success(request, _("The personal details are corrected."))
            else:
                identity_change_refuse(request=pending, reason=data["reason"], staff=desk.user)
                messages.success(request, _("The request is refused; the member sees why."))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("desk:member_detail", member_id=member.pk)


@desk_view
@require_GET
def erasures(request: HttpRequest) -> HttpResponse:
    """Members who asked to be deleted and are waiting, with what still stands in the way."""
    waiting = list(
        ErasureRequest.objects.filter(status=ErasureStatus.WAITING)
        .select_related("member")
        .order_by("requested_at", "pk")
    )
    if waiting:
        members_listed(
            cast(DeskRequest, request),
            [item.member for item in waiting],
            purpose=AccessPurpose.PRIVACY_REQUEST,
        )
    rows = [(item, erasure_blockers(item.member)) for item in waiting]
    return desk_render(request, "desk/erasure_list.html", {"rows": rows})
