"""Completing an online sign-up at the desk: staff saw an ID document (*Identiteit gecontroleerd*).

The member page shows a sign-up that waits for its ID check, with this action; the member list
lists every sign-up waiting (``?signups=1``). Only the kind of document is chosen and kept, never
its number. A child under 16 is completed once a parent or guardian is linked (Parents and
guardians), whose document is then seen. The POST shows nothing itself: staff then see the
member page, which logs its own look.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaft.desk.access import DeskRequest, desk_view
from kaft.members.errors import MemberError
from kaft.members.models import IdentityDocument, Member
from kaft.members.services.family import CHILD_CONSENT_AGE
from kaft.members.services.signup import signup_complete


class IdentityCheckedForm(forms.Form):
    document_type = forms.ChoiceField(
        label=gettext_lazy("Document seen"),
        choices=[("", "—"), *IdentityDocument.choices],
        help_text=gettext_lazy("Only the kind of document is kept, never its number."),
    )


def signup_panel(member: Member, today: dt.date) -> dict[str, object] | None:
    """What the member page shows of a sign-up waiting for its ID check, or None."""
    if not member.awaits_identity_check:
        return None
    child = member.age_on(today) < CHILD_CONSENT_AGE
    return {
        "form": IdentityCheckedForm(),
        "child": child,
        "has_guardian": child
        and member.guardians.filter(ended_at__isnull=True, guardian__isnull=False).exists(),
        "child_age": CHILD_CONSENT_AGE,
    }


@desk_view
@require_POST
def member_identity_checked(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = get_object_or_404(Member, pk=member_id)
    form = IdentityCheckedForm(request.POST)
    document = form.cleaned_data["document_type"] if form.is_valid() else ""
    try:
        signup_complete(member=member, document_type=document, staff=desk.user)
    except MemberError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Joining is complete: %(name)s may borrow from now on.") % {"name": member.full_name},
        )
    return redirect("desk:member_detail", member_id=member.pk)
