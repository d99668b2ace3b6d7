"""The public catalogue: home, search with facets, a title's page and placing a reservation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kaft.catalog.models import Branch, Record
from kaft.catalog.search import SearchFilters, search_records
from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors.availability import (
    record_shelves,
    record_waiting,
    records_availability,
)
from kaft.circulation.services import hold_place
from kaft.core import params
from kaft.members.models import FamilyAction
from kaft.outreach.services.statistics import search_term_count
from kaft.portal.access import PortalRequest, current_member, member_required
from kaft.portal.forms import HoldForm, SearchForm
from kaft.portal.views.common import render_portal
from kaft.portal.views.family import family_acted, people_in_reach, person_in_reach

logger = logging.getLogger(__name__)

PER_PAGE = 20

# Search facet -> the query parameter that filters on it, and its heading.
FACETS: dict[str, tuple[str, Any]] = {
    "material_type": ("material_type", gettext_lazy("Material type")),
    "language": ("language", gettext_lazy("Language")),
    "year": ("year", gettext_lazy("Year")),
    "available_at": ("branch", gettext_lazy("Available at")),
}
FILTER_PARAMS = ("material_type", "language", "year", "branch")


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    param: str
    heading: str
    links: list[FacetLink]


def home(request: HttpRequest) -> HttpResponse:
    return render_portal(request, "portal/home.html", {"form": SearchForm()})


def _branch_from_param(value: str) -> Branch | None:
    if not value:
        return None
    branch = Branch.objects.filter(code=value).first()
    branch_id = params.id_from(value)
    if branch is None and branch_id is not None:
        branch = Branch.objects.filter(pk=branch_id).first()
    return branch


def _url(chosen: dict[str, str]) -> str:
    return "?" + urlencode({key: value for key, value in chosen.items() if value})


def _facet_groups(facets: dict[str, list[Any]], chosen: dict[str, str]) -> list[FacetGroup]:
    groups = []
    for facet, (param, heading) in FACETS.items():
        links = []
        for value in facets.get(facet, []):
            selected = chosen.get(param) == str(value.value)
            changed = {**chosen, "page": "", param: "" if selected else str(value.value)}
            links.append(FacetLink(str(value.label), value.count, _url(changed), selected))
        if links:
            groups.append(FacetGroup(param, str(heading), links))
    return groups


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render_portal(request, "portal/search.html", {"form": form}, status=400)
    data = form.cleaned_data
    chosen = {name: str(data[name] or "") for name in ("q", *FILTER_PARAMS)}
    if not any(chosen.values()):
        return render_portal(request, "portal/search.html", {"form": form})
    filters = SearchFilters(
        material_type=data["material_type"] or None,
        language=data["language"] or None,
        year=data["year"],
        available_at=_branch_from_param(data["branch"]),
    )
    page = data["page"] or 1
    if data["q"] and page == 1 and not any(chosen[name] for name in FILTER_PARAMS):
        # The term for the staff statistics, once per search (not again per page or filter);
        # anonymous: no session, member or address is kept with it. A count is never worth a
        # failed search (SQLite "database is locked" under load): logged, the page goes on. The
        # count is one statement in autocommit (no transaction around a view), so a failed one
        # spoils nothing that follows.
        try:
            search_term_count(term=data["q"])
        except DatabaseError:
            logger.exception("search term not counted")
    result = search_records(query=data["q"], filters=filters, page=page, per_page=PER_PAGE)
    pages = params.last_page(result.total, result.per_page)
    if page > pages:  # past the last page: the last page
        page = pages
        result = search_records(query=data["q"], filters=filters, page=page, per_page=PER_PAGE)
    availability = records_availability(record.pk for record in result.records)
    context = {
        "form": form,
        "result": result,
        "rows": [(record, availability[record.pk]) for record in result.records],
        "suggestion_url": _url({**chosen, "q": result.suggestion, "page": ""})
        if result.suggestion
        else None,
        "facet_groups": _facet_groups(result.facets, chosen),
        "active_filters": any(chosen[name] for name in FILTER_PARAMS),
        "clear_filters_url": _url({"q": chosen["q"]}),
        "pages": pages,
        "first_number": (result.page - 1) * result.per_page + 1,
        "previous_url": _url({**chosen, "page": str(page - 1)}) if page > 1 else None,
        "next_url": _url({**chosen, "page": str(page + 1)}) if page < pages else None,
    }
    return render_portal(request, "portal/search.html", context)


def _record_page(
    request: HttpRequest, record: Record, form: HoldForm, status: int = 200
) -> HttpResponse:
    context = {
        "record": record,
        "shelves": record_shelves(record),
        "waiting": record_waiting(record),
        "hold_form": form,
        # Whom the member may reserve for: themselves, and who gave them family access.
        "for_whom": people_in_reach(cast(PortalRequest, request))
        if hasattr(request, "member")
        else [],
    }
    return render_portal(request, "portal/record.html", context, status=status)


def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record, pk=record_id)
    member = current_member(request)
    initial = {"pickup_branch": member.home_branch_id} if member else {}
    if member is not None:
        cast(PortalRequest, request).member = member
    return _record_page(request, record, HoldForm(initial=initial))


@member_required
@require_http_methods(["GET", "POST"])
def record_hold(request: PortalRequest, record_id: int) -> HttpResponse:
    """Place a reservation on the title for the logged-in member at the chosen branch."""
    record = get_object_or_404(Record, pk=record_id)
    if request.method != "POST":  # back here after logging in: show the title again
        return redirect("portal:record", record_id=record.pk)
    form = HoldForm(request.POST)
    if not form.is_valid():
        return _record_page(request, record, form, status=400)
    # "For whom": the member or someone who gave them family access; anyone else is not found.
    for_member = person_in_reach(request, request.POST.get("for_member") or request.member.pk)
    try:
        hold_place(
            record=record,
            member=for_member,
            pickup_branch=form.cleaned_data["pickup_branch"],
            staff=None,
            via="portal",
        )
    except CirculationError as error:
        form.add_error(None, error.message)
        return _record_page(request, record, form, status=409)
    if for_member.pk != request.member.pk:
        family_acted(request, for_member, FamilyAction.RESERVED, record.title)
        text = _("The reservation of “%(title)s” for %(name)s has been placed.") % {
            "title": record.title,
            "name": for_member.first_name,
        }
    else:
        text = _("Your reservation of “%(title)s” has been placed.") % {"title": record.title}
    messages.success(request, text)
    return redirect("portal:holds")
