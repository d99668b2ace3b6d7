"""Consents recorded at the desk or from paper, the privacy statement versions (privacy officer)
and the inbox of members' responses to the statement.

Every page that shows a member's data writes the access log: the consent page as ``status``
(membership data), the inbox for each member whose response it lists.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view, member_look, members_listed
from kaft.desk.views.common import desk_render
from kaft.members.models import Member, StaffRole
from kaft.notices.services.statement import statement_publish_and_announce
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import (
    AccessPurpose,
    ConsentPurpose,
    ConsentVia,
    DataPart,
    StatementResponse,
    StatementVersion,
)
from kaft.privacy.selectors.consent import consent_overview, member_guardians
from kaft.privacy.selectors.statement import statement_inbox, statement_versions_all
from kaft.privacy.services.consent import consent_set, member_is_child
from kaft.privacy.services.statement import statement_draft_save, statement_response_handle

PRIVACY_ROLES = (StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR)
CONSENT_PARTS = (DataPart.STATUS,)
DESK_VIAS = [
    (ConsentVia.DESK.value, ConsentVia.DESK.label),
    (ConsentVia.PAPER.value, ConsentVia.PAPER.label),
]


class DeskConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    given = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    via = forms.ChoiceField(label=gettext_lazy("How"), choices=DESK_VIAS)
    guardian = params.IdField(required=False)


class DraftForm(forms.Form):
    version = forms.CharField(label=gettext_lazy("Version"), max_length=20)
    text_nl = forms.CharField(label=gettext_lazy("Text (Dutch)"), widget=forms.Textarea)
    text_en = forms.CharField(label=gettext_lazy("Text (English)"), widget=forms.Textarea)
    summary_nl = forms.CharField(
        label=gettext_lazy("What changed (Dutch)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    summary_en = forms.CharField(
        label=gettext_lazy("What changed (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


def _member(member_id: int) -> Member:
    return get_object_or_404(Member.objects.select_related("category", "home_branch"), pk=member_id)


# --- Consents of a member ----------------------------------------------------------------------


@desk_view
@require_GET
def member_consents(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    member_look(desk, member, CONSENT_PARTS, purpose=AccessPurpose.DESK)
    child = member_is_child(member)
    context = {
        "member": member,
        "purposes": consent_overview(member),
        "child": child,
        # From 16 on only the member answers (UAVG art. 5): no parent or guardian to choose.
        "guardians": member_guardians(member) if child else [],
        "vias": DESK_VIAS,
    }
    return desk_render(request, "desk/consents.html", context)


@desk_view
@require_POST
def member_consent_set(request: HttpRequest, member_id: int) -> HttpResponse:
    """Record an answer given at the desk or on paper (by a guardian for a child); back to the
    consent page, which logs the look."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    form = DeskConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a consent, an answer and how it was given."))
        return redirect("desk:member_consents", member_id=member.pk)
    guardian = None
    guardian_id = form.cleaned_data["guardian"]
    if guardian_id:
        # Any member may be named here; the service refuses one without an open link.
        guardian = get_object_or_404(Member, pk=guardian_id)
    purpose = ConsentPurpose(form.cleaned_data["purpose"])
    if (
        purpose == ConsentPurpose.NEWSLETTER
        and form.cleaned_data["given"]
        and guardian is None
        and not member_is_child(member)  # a child's yes is a guardian's: refused below
    ):
        return _newsletter_opt_in(request, member)
    try:
        consent_set(
            member=member,
            purpose=purpose,
            given=bool(form.cleaned_data["given"]),
            via=ConsentVia(form.cleaned_data["via"]),
            staff=desk.user,
            guardian=guardian,
        )
    except PrivacyError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded: %(purpose)s.") % {"purpose": purpose.label})
    return redirect("desk:member_consents", member_id=member.pk)


def _newsletter_opt_in(request: HttpRequest, member: Member) -> HttpResponse:
    """A yes to the newsletter is double opt-in here too: the member gets a link and the consent
    is recorded only when they follow it (kaft/outreach); a no is withdrawn at once above."""
    from kaft.outreach.errors import OutreachError
    from kaft.outreach.models import SubscriptionVia
    from kaft.outreach.services.newsletter_subscriptions import subscription_request_member

    try:
        subscription_request_member(
            member=member, via=SubscriptionVia.DESK, staff=cast(DeskRequest, request).user
        )
    except OutreachError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "A confirmation link went to %(address)s: the newsletter consent is recorded when "
                "the member follows it."
            )
            % {"address": member.email},
        )
    return redirect("desk:member_consents", member_id=member.pk)


# --- Privacy statement versions (privacy officer) ----------------------------------------------


@desk_view(roles=PRIVACY_ROLES)
@require_GET
def statements(request: HttpRequest) -> HttpResponse:
    return desk_render(request, "desk/statements.html", {"versions": statement_versions_all()})


@desk_view(roles=PRIVACY_ROLES)
@require_http_methods(["GET", "POST"])
def statement_draft(request: HttpRequest) -> HttpResponse:
    """Write a new draft, or with ``?id=`` change an unpublished one."""
    desk = cast(DeskRequest, request)
    draft = None
    if "id" in request.GET:
        draft_id = params.id_or_404(request.GET["id"])
        draft = get_object_or_404(StatementVersion, pk=draft_id, published_at__isnull=True)
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                saved = statement_draft_save(**form.cleaned_data, staff=desk.user, draft=draft)
            except PrivacyError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The draft has been saved."))
                return redirect(f"{request.path}?id={saved.pk}")
    elif draft is not None:
        form = DraftForm(
            initial={
                field: getattr(draft, field)
                for field in ("version", "text_nl", "text_en", "summary_nl", "summary_en")
            }
        )
    else:
        form = DraftForm()
    status = 400 if form.errors else 200
    context = {"form": form, "draft": draft}
    return desk_render(request, "desk/statement_draft.html", context, status=status)


@desk_view(roles=PRIVACY_ROLES)
@require_POST
def statement_publish_view(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    version_id = params.id_from(request.POST.get("version"))
    version = StatementVersion.objects.filter(pk=version_id).first() if version_id else None
    if version is None:
        messages.error(request, _("Choose a version to publish."))
        return redirect("desk:statements")
    try:
        statement_publish_and_announce(version=version, staff=desk.user)
    except PrivacyError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Version %(version)s has been published. Members see it at their next login; "
                "newsletter subscribers get an e-mail."
            )
            % {"version": version.version},
        )
    return redirect("desk:statements")


# --- Inbox: members' responses -----------------------------------------------------------------


@desk_view(roles=PRIVACY_ROLES)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    show_handled = params.choice_from(request.GET.get("handled"), ["0", "1"], "0") == "1"
    responses = list(statement_inbox(handled=show_handled)[:200])
    members = list({response.member_id: response.member for response in responses}.values())
    if members:
        members_listed(
            desk, members, parts=[DataPart.IDENTITY], purpose=AccessPurpose.PRIVACY_REQUEST
        )
    context = {"responses": responses, "show_handled": show_handled}
    return desk_render(request, "desk/inbox.html", context)


@desk_view(roles=PRIVACY_ROLES)
@require_POST
def inbox_handle(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    response_id = params.id_from(request.POST.get("response"))
    response = StatementResponse.objects.filter(pk=response_id).first() if response_id else None
    if response is None:
        messages.error(request, _("Choose a response."))
        return redirect("desk:inbox")
    try:
        statement_response_handle(response=response, staff=desk.user)
    except PrivacyError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The response has been marked as handled."))
    return redirect("desk:inbox")
