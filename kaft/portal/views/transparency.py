"""MijnBibliotheek: who looked at my data, what family members did on my account, who received
my data; and the public list of partner organisations."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kaft.core import params
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import render_portal
from kaft.privacy.selectors.transparency import (
    access_log_shows,
    disclosure_rows,
    disclosures_visible,
    member_access_log,
    member_family_events,
    partners_active,
)


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
    context = {"rows": rows, "section": "transparency"}
    return render_portal(request, "portal/transparency_disclosures.html", context)


@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    return render_portal(request, "portal/partners.html", {"partners": partners_active()})
