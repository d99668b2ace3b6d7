"""MijnBibliotheek: who looked at my data, what family members did on my account, who received
my data (with the partner services the member signs in to, and ending their access); and the
public list of partner organisations."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaft.core import params
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import render_portal
from kaft.privacy.errors import PrivacyError
from kaft.privacy.selectors.partner_sign_in import member_partner_sign_ins
from kaft.privacy.selectors.transparency import (
    access_log_shows,
    disclosure_rows,
    disclosures_visible,
    member_access_log,
    member_family_events,
    partners_active,
)
from kaft.privacy.services.partner_sign_in import partner_access_end


@member_required
@require_GET
def access_log(request: PortalRequest) -> HttpResponse:
    page, looks = member_access_log(request.member, params.page_from(request.GET.get("pagina")))
    context = {
        "page": page,
        "looks": looks,
        "shows_name": access_log_shows() == "display_name",
        "section": "transparency",
    }
    return render_portal(request, "portal/transparency_access.html", context)


@member_required
@require_GET
def family_log(request: PortalRequest) -> HttpResponse:
    page = member_family_events(request.member, params.page_from(request.GET.get("pagina")))
    context = {"page": page, "section": "transparency"}
    return render_portal(request, "portal/transparency_family.html", context)


@member_required
@require_GET
def disclosures(request: PortalRequest) -> HttpResponse:
    rows = disclosure_rows(disclosures_visible(request.member, timezone.localdate()))
    services = member_partner_sign_ins(request.member)
    context = {"rows": rows, "services": services, "section": "transparency"}
    return render_portal(request, "portal/transparency_disclosures.html", context)


class PartnerAccessEndForm(forms.Form):
    dienst = params.NumberField(min_value=1, max_value=2**31 - 1)


@member_required
@require_POST
def partner_access_end_view(request: PortalRequest) -> HttpResponse:
    """End a partner service's access: its tokens are deleted, its next refresh fails."""
    form = PartnerAccessEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a service whose access to end."))
        return redirect("portal:disclosures")
    try:
        name = partner_access_end(member=request.member, sign_in_id=form.cleaned_data["dienst"])
    except PrivacyError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "“%(name)s” no longer has access to your data. It can ask again when you next sign in."
            )
            % {"name": name},
        )
    return redirect("portal:disclosures")


@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    return render_portal(request, "portal/partners.html", {"partners": partners_active()})
