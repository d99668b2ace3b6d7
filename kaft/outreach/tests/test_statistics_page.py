"""The desk's statistics page: a server-drawn SVG per chart, nothing from another site, tables
as CSV (not kept by the browser), for desk staff only, in a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaft.members.models import StaffRole, User
from kaft.outreach.models import IssueStatus, NewsletterIssue, PageViewDay
from kaft.outreach.selectors.statistics import PAGE_GROUP_LABELS
from kaft.outreach.services.statistics import page_view_count, search_term_count
from kaft.outreach.tests.statistics_support import lend
from kaft.portal import page_views
from kaft.privacy.models import AccessLogEntry
from tests.factories import StaffFactory
from tests.factories_circulation import make_branch, make_member

pytestmark = pytest.mark.django_db

PAGE = "/desk/outreach-statistics/"
CHARTS = 10  # loans 2, new and active members, reservations, kiosk, terms, pages, mail, contests
SECTIONS = (
    "loans",
    "new-members",
    "active-members",
    "reservations",
    "kiosk",
    "search-terms",
    "page-views",
    "newsletter",
    "campaigns",
)


def _desk(role: str = StaffRole.DESK) -> Client:
    user: User = StaffFactory.create(profile__role=role)
    client = Client()
    client.force_login(user)
    return client


def _some_lending(loans: int = 2) -> None:
    branch = make_branch(code="zuid", name="Zuid")
    member = make_member(home_branch=branch)
    for _n in range(loans):
        lend(member, branch, timezone.now(), via="kiosk")


def test_the_page_draws_an_svg_per_chart_with_nothing_from_another_site() -> None:
    _some_lending()
    AccessLogEntry.objects.all().delete()

    response = _desk().get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == CHARTS
    assert html.count("</svg>") == CHARTS
    assert "<script" not in html.split("<main", 1)[-1]
    outside = [
        url
        for url in re.findall(r"(?:src|href|action)=\"([^\"]+)\"", html)
        if url.startswith(("http:", "https:", "//"))
    ]
    assert outside == []
    assert "Zuid" in html  # the branch's line and its row
    assert AccessLogEntry.objects.count() == 0  # counts only: no look at a member


def test_every_table_downloads_as_csv_not_kept_by_the_browser() -> None:
    _some_lending()
    desk = _desk()
    html = desk.get(PAGE, {"months": "6"}).content.decode()

    for key in SECTIONS:
        url = reverse("desk:outreach_statistics_csv", args=[key])
        assert f'href="{url}?months=6"' in html, key
        response = desk.get(url, {"months": "6"})
        assert response.status_code == 200, key
        assert response["Content-Type"].startswith("text/csv")
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"].startswith(f'attachment; filename="{key}-')

    loans = desk.get(reverse("desk:outreach_statistics_csv", args=["loans"])).content.decode()
    month = timezone.localdate().strftime("%m-%Y")  # European: month-year
    assert f"{month},Zuid,2,0" in loans


def test_the_csv_writes_dates_the_european_way_and_defuses_formulas() -> None:
    now = timezone.now()
    NewsletterIssue.objects.create(
        subject="=HYPERLINK(1)",
        status=IssueStatus.SENT,
        created_at=now,
        sent_at=now,
        sent_count=10,
    )
    url = reverse("desk:outreach_statistics_csv", args=["newsletter"])

    body = _desk().get(url).content.decode()

    assert f"{timezone.localdate():%d-%m-%Y},'=HYPERLINK(1),10,0,0" in body


def test_rare_search_terms_stay_off_the_page_and_the_csv() -> None:
    for _n in range(5):
        search_term_count(term="vogels")
    search_term_count(term="mijn buurman piet")
    desk = _desk()

    html = desk.get(PAGE).content.decode()
    body = desk.get(reverse("desk:outreach_statistics_csv", args=["search-terms"])).content
    assert "vogels" in html and "buurman" not in html
    assert b"vogels,5" in body and b"buurman" not in body


def test_page_groups_are_shown_by_name_in_the_staff_members_language() -> None:
    for _n in range(3):
        page_view_count(group="catalogus")
    page_view_count(group="titel")
    desk = _desk()
    desk.cookies["django_language"] = "en"

    html = desk.get(PAGE).content.decode()
    body = desk.get(reverse("desk:outreach_statistics_csv", args=["page-views"])).content.decode()

    assert "Catalogue" in html and "Title pages" in html
    assert "\nCatalogue,0," in body and "\nTitle pages,0," in body
    assert "catalogus" not in body and "titel" not in body
    assert set(PageViewDay.objects.values_list("group", flat=True)) == {"catalogus", "titel"}
    desk.cookies["django_language"] = "nl"
    dutch = desk.get(reverse("desk:outreach_statistics_csv", args=["page-views"])).content
    assert b"\nCatalogus,0," in dutch


def test_every_page_group_the_portal_stores_has_a_name() -> None:
    stored = {*page_views.GROUPS.values(), page_views.START, page_views.OTHER}
    assert stored == set(PAGE_GROUP_LABELS)


def test_an_unknown_table_is_not_found_and_a_strange_period_is_the_default() -> None:
    desk = _desk()

    assert desk.get("/desk/outreach-statistics/members.csv").status_code == 404
    for strange in ("99999999", "①", "-3", ""):
        response = desk.get(PAGE, {"months": strange})
        assert response.status_code == 200, strange
        assert 'value="12" selected' in response.content.decode()
    assert desk.get("/desk/outreach-statistics/loans.csv", {"months": "٣"}).status_code == 200


@pytest.mark.parametrize("role", [StaffRole.DESK, StaffRole.ADMINISTRATOR])
def test_desk_staff_and_administrators_may_see_it(role: str, settings: object) -> None:
    settings.KAFT_OTP_ROLES = ()  # type: ignore[attr-defined]
    assert _desk(role).get(PAGE).status_code == 200


def test_finance_members_and_visitors_may_not() -> None:
    assert _desk(StaffRole.FINANCE).get(PAGE).status_code == 403
    member = make_member()
    client = Client()
    assert member.user is not None
    client.force_login(member.user)
    assert client.get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302


def test_the_desk_menu_links_to_it() -> None:
    assert f'href="{PAGE}"' in _desk().get(reverse("desk:checkout")).content.decode()


def test_the_page_costs_the_same_number_of_queries_for_more_rows() -> None:
    _some_lending(1)
    desk = _desk()
    desk.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        desk.get(PAGE, {"months": "24"})
    _some_lending(6)
    search_term_count(term="x")
    with CaptureQueriesContext(connection) as more:
        desk.get(PAGE, {"months": "24"})

    assert len(more) == len(few) <= 25
