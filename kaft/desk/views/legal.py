"""Requests from police or justice at the desk: any staff member registers one; a privacy officer
who did not register it approves or refuses; the produced data is downloadable by officers."""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.desk.access import DeskRequest, desk_view, member_look
from kaft.desk.forms_transparency import LegalDecisionForm, LegalRequestForm
from kaft.desk.views.common import desk_render
from kaft.desk.views.transparency import OFFICERS, parts_for
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import AccessPurpose, DataPart, LegalRequest, LegalRequestStatus
from kaft.privacy.selectors.transparency import category_labels, legal_requests
from kaft.privacy.services.legal import (
    legal_produced_handover,
    legal_request_decide,
    legal_request_register,
)


def _is_officer(request: DeskRequest) -> bool:
    return request.staff_profile.role in OFFICERS


@desk_view
@require_GET
def legal_list(request: HttpRequest) -> HttpResponse:
    """All requests, without whose data they ask for (that is on each request's own page)."""
    return desk_render(request, "desk/legal_list.html", {"requests": list(legal_requests())})


@desk_view
@require_http_methods(["GET", "POST"])
def legal_new(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    form = LegalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            legal = legal_request_register(
                authority=data["authority"],
                reference=data["reference"],
                legal_basis=data["legal_basis"],
                member=data["card_number"],
                categories=data["categories"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                non_disclosure_until=data["non_disclosure_until"],
                staff=desk.user,
            )
        except PrivacyError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The request is registered. A privacy officer will decide on it.")
            )
            return redirect("desk:legal_detail", legal_request_id=legal.pk)
    return desk_render(request, "desk/legal_new.html", {"form": form})


def _legal(legal_request_id: int) -> LegalRequest:
    return get_object_or_404(legal_requests(), pk=legal_request_id)


def _detail(
    request: DeskRequest, legal: LegalRequest, form: LegalDecisionForm, status: int = 200
) -> HttpResponse:
    member_look(request, legal.member, [DataPart.IDENTITY], purpose=AccessPurpose.LEGAL_REQUEST)
    context: dict[str, Any] = {
        "legal": legal,
        "categories": category_labels(list(legal.categories)),
        "form": form,
        "is_officer": _is_officer(request),
        "may_decide": _is_officer(request)
        and legal.status == LegalRequestStatus.REGISTERED
        and legal.registered_by_id != request.user.pk,
    }
    return desk_render(request, "desk/legal_detail.html", context, status=status)


@desk_view
@require_GET
def legal_detail(request: HttpRequest, legal_request_id: int) -> HttpResponse:
    return _detail(cast(DeskRequest, request), _legal(legal_request_id), LegalDecisionForm())


@desk_view(roles=OFFICERS)
@require_POST
def legal_decide(request: HttpRequest, legal_request_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    legal = _legal(legal_request_id)
    form = LegalDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == LegalDecisionForm.APPROVE
        try:
            legal_request_decide(
                request=legal, staff=desk.user, approve=approve, reason=form.cleaned_data["reason"]
            )
        except PrivacyError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The request is approved; the data is ready to download.")
                if approve
                else _("The request is refused. No data was handed over."),
            )
            return redirect("desk:legal_detail", legal_request_id=legal.pk)
    return _detail(desk, _legal(legal_request_id), form, status=400)


@desk_view(roles=OFFICERS)
@require_GET
def legal_download(request: HttpRequest, legal_request_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    legal = _legal(legal_request_id)
    if legal.status != LegalRequestStatus.APPROVED or legal.produced is None:
        raise PermissionDenied
    member_look(
        desk, legal.member, parts_for(list(legal.categories)), purpose=AccessPurpose.LEGAL_REQUEST
    )
    content = json.dumps(legal_produced_handover(legal), ensure_ascii=False, indent=2).encode()
    response = HttpResponse(content, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="vordering-{legal.pk}.json"'
    return response
