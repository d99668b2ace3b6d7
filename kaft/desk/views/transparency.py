"""The register of partner organisations, and exports of a member's data from the desk.

An export to the member themselves is no disclosure (the data goes to the person it is about) but
is a look, written to the access log. An export to a partner is both: the look, and a disclosure
recorded through :func:`kaft.privacy.services.disclosure.disclosure_record`; the file then holds
only the chosen categories.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaft.desk.access import DeskRequest, desk_view, member_look
from kaft.desk.forms_transparency import ExportForm, PartnerForm
from kaft.desk.views.common import desk_render
from kaft.members.models import Member, StaffRole
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import AccessPurpose, DataCategory, DataPart, Partner
from kaft.privacy.selectors.transparency import category_labels, legal_basis_label, partner_list
from kaft.privacy.services.disclosure import disclosure_record, partner_save
from kaft.privacy.services.export import member_export_data, member_export_zip

OFFICERS = (StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR)

# Which parts of the access log a category of exported data counts as.
CATEGORY_PARTS: dict[str, DataPart] = {
    DataCategory.IDENTITY: DataPart.IDENTITY,
    DataCategory.MEMBERSHIP: DataPart.STATUS,
    DataCategory.CONTACT: DataPart.CONTACT,
    DataCategory.LOANS: DataPart.LOANS,
    DataCategory.LOAN_HISTORY: DataPart.HISTORY,
    DataCategory.HOLDS: DataPart.HOLDS,
    DataCategory.PAYMENTS: DataPart.PAYMENTS,
    DataCategory.NOTES: DataPart.NOTES,
}
ALL_PARTS = tuple(dict.fromkeys(CATEGORY_PARTS.values()))


def parts_for(categories: list[str]) -> list[DataPart]:
    """The access-log parts of ``categories``; at least the name (who the data is about)."""
    parts = [DataPart.IDENTITY] + [CATEGORY_PARTS[c] for c in categories if c in CATEGORY_PARTS]
    return list(dict.fromkeys(parts))


# --- Partner register ------------------------------------------------------------------------


@desk_view(roles=OFFICERS)
@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "partner": p,
            "legal_basis": legal_basis_label(p.legal_basis),
            "categories": category_labels(list(p.categories)),
        }
        for p in partner_list()
    ]
    return desk_render(request, "desk/partner_list.html", {"rows": rows})


def _partner_form_page(request: HttpRequest, partner: Partner | None) -> HttpResponse:
    form = PartnerForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = partner_save(partner=partner, **data)
        except PrivacyError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The partner %(name)s is saved.") % {"name": saved.name})
            return redirect("desk:partners")
    return desk_render(request, "desk/partner_form.html", {"form": form, "partner": partner})


@desk_view(roles=OFFICERS)
@require_http_methods(["GET", "POST"])
def partner_new(request: HttpRequest) -> HttpResponse:
    return _partner_form_page(request, None)


@desk_view(roles=OFFICERS)
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, partner_id: int) -> HttpResponse:
    return _partner_form_page(request, get_object_or_404(Partner, pk=partner_id))


# --- Export of a member's data ---------------------------------------------------------------


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@desk_view
@require_http_methods(["GET", "POST"])
def member_export(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = get_object_or_404(Member, pk=member_id)
    form = ExportForm(request.POST or None)
    stamp = timezone.localdate().isoformat()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["to"] == ExportForm.TO_MEMBER:
            member_look(desk, member, ALL_PARTS, purpose=AccessPurpose.PRIVACY_REQUEST)
            return _file(
                member_export_zip(member),
                f"gegevens-{member.card_number}-{stamp}.zip",
                "application/zip",
            )
        partner: Partner = data["partner"]
        categories = [str(c) for c in data["categories"]]
        try:
            disclosure_record(
                member=member,
                categories=cast(Any, categories),
                partner=partner,
                staff=desk.user,
            )
        except PrivacyError as error:
            form.add_error(None, error.message)
        else:
            member_look(desk, member, parts_for(categories), purpose=AccessPurpose.PRIVACY_REQUEST)
            return _file(
                partner_export_json(member, categories, partner),
                f"gegevens-{member.card_number}-{stamp}.json",
                "application/json",
            )
    member_look(desk, member, [DataPart.IDENTITY], purpose=AccessPurpose.PRIVACY_REQUEST)
    return desk_render(request, "desk/export_member.html", {"member": member, "form": form})


def partner_export_json(member: Member, categories: list[str], partner: Partner) -> bytes:
    """The member's export, cut down to ``categories``: nothing else goes to the partner."""
    data = member_export_data(member)
    kept = {k: v for k, v in data.get("categories", {}).items() if k in categories}
    content: dict[str, Any] = {
        "recipient": partner.name,
        "purpose": partner.purpose,
        "legal_basis": partner.legal_basis,
        "categories": kept,
    }
    return json.dumps(content, ensure_ascii=False, indent=2, default=str).encode()
