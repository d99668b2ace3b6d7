"""MijnBibliotheek: the member's rights — a copy of their data, correcting name and date of birth,
their change history, and deleting the account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.core import params
from kaft.core.errors import DomainError
from kaft.members.birth import validate_date_of_birth
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import IdentityChangeRequest, MemberEvent
from kaft.members.services.identity import (
    identity_change_request,
    identity_change_withdraw,
    identity_request_pending,
)
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import render_portal
from kaft.privacy.models import ErasureStatus
from kaft.privacy.services.erasure import (
    erasure_blockers,
    erasure_request_cancel,
    erasure_request_confirmed,
    erasure_request_waiting,
)
from kaft.privacy.services.export import member_export_zip

# --- a copy of my data ------------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def data_download(request: PortalRequest) -> HttpResponse:
    """GET: what the download holds; POST: the ZIP itself.

    A download changes nothing, so it is not written to the member's change history (which would
    only grow with every copy and then show up in the next copy)."""
    if request.method == "POST":
        content = member_export_zip(request.member)
        filename = f"mijn-gegevens-{timezone.localdate():%Y-%m-%d}.zip"
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
    return render_portal(request, "portal/export.html", {"section": "profile"})


# --- correcting name and date of birth -------------------------------------------------------


class CorrectionForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=80)
    name_prefix = forms.CharField(
        label=gettext_lazy("Prefix (e.g. van, de)"), max_length=20, required=False
    )
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=120)
    date_of_birth = params.DateField(
        label=gettext_lazy("Date of birth"),
        widget=params.DateInput(),
        validators=[validate_date_of_birth],
    )


@member_required
@require_http_methods(["GET", "POST"])
def correction(request: PortalRequest) -> HttpResponse:
    member = request.member
    pending = identity_request_pending(member)
    initial = {
        "first_name": member.first_name,
        "name_prefix": member.name_prefix,
        "last_name": member.last_name,
        "date_of_birth": member.date_of_birth,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            identity_change_request(member=member, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your request has been sent. Bring your ID to the desk to have it checked."),
            )
            return redirect("portal:correction")
    latest = IdentityChangeRequest.objects.filter(member=member).order_by("-requested_at").first()
    context: dict[str, Any] = {
        "form": form,
        "pending": pending,
        "latest": latest,
        "member": member,
        "section": "profile",
    }
    status = 400 if form.errors else 200
    return render_portal(request, "portal/correction.html", context, status=status)


@member_required
@require_POST
def correction_withdraw(request: PortalRequest) -> HttpResponse:
    try:
        identity_change_withdraw(member=request.member)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect("portal:correction")


@member_required
@require_GET
def history(request: PortalRequest) -> HttpResponse:
    events = MemberEvent.objects.filter(member=request.member).order_by("-at", "-pk")
    requests = IdentityChangeRequest.objects.filter(member=request.member).order_by("-requested_at")
    context = {"events": list(events), "requests": list(requests), "section": "profile"}
    return render_portal(request, "portal/history.html", context)


# --- deleting the account --------------------------------------------------------------------


class EraseForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@member_required
@require_http_methods(["GET", "POST"])
def erasure(request: PortalRequest) -> HttpResponse:
    """What deleting means; with nothing in the way, confirm with the password and it is done;
    otherwise what stands in the way, and asking for it to happen by itself once settled."""
    member = request.member
    blockers = erasure_blockers(member)
    waiting = erasure_request_waiting(member)
    form = EraseForm(request.POST or None)
    # Both ways need the current password: at once when nothing is in the way, otherwise waiting
    # until it is settled (only offered when something is in the way).
    wait = request.POST.get("action") == "wait"
    if request.method == "POST" and (wait == bool(blockers)) and form.is_valid():
        try:
            done = erasure_request_confirmed(
                member=member, current_password=form.cleaned_data["password"]
            )
        except MemberError as error:
            field = "password" if error.code == MemberErrorCode.WRONG_PASSWORD else None
            form.add_error(field, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if done.status == ErasureStatus.DONE:
                logout(request)
                return redirect("portal:erased")
            messages.success(
                request,
                _("We will delete your account as soon as nothing stands in the way any more."),
            )
            return redirect("portal:erasure")
    elif request.method == "POST" and wait != bool(blockers):
        form.add_error(None, _("Reload the page: what stands in the way has changed."))
    context = {
        "blockers": blockers,
        "waiting": waiting,
        "form": form,
        "section": "profile",
    }
    status = 400 if form.errors else 200
    return render_portal(request, "portal/erasure.html", context, status=status)


@member_required
@require_POST
def erasure_cancel(request: PortalRequest) -> HttpResponse:
    try:
        erasure_request_cancel(member=request.member)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your request to delete your account has been cancelled."))
    return redirect("portal:erasure")


@require_GET
def erased(request: HttpRequest) -> HttpResponse:
    """The goodbye page (the member is logged out by now)."""
    return render_portal(request, "portal/erasure_done.html")
