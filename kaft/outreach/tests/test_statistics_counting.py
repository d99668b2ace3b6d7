"""Counting search terms and page views: anonymous daily rows, one statement per count. Page
views are counted by group, for a logged-in member only with their consent, for anyone else only
after accepting in the cookie banner; deciding costs an anonymous request no query
(the full rules: kaft/privacy/tests/test_statistics.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.members.models import Member
from kaft.outreach.models import PageViewDay, SearchTermDay
from kaft.outreach.selectors import statistics as stats
from kaft.outreach.services.statistics import (
    page_view_count,
    search_term_count,
    search_term_normalise,
)
from kaft.portal.page_views import PageViewMiddleware, page_group
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_set
from tests.factories import MemberFactory, RecordFactory

pytestmark = pytest.mark.django_db

MIDDLEWARE = "kaft.portal.page_views.PageViewMiddleware"


@pytest.fixture(autouse=True)
def _statistics_on(settings: Any) -> None:
    settings.KAFT_USAGE_STATISTICS = True
    settings.KAFT_STATS_MIN_TERM_COUNT = 5


def _views() -> dict[str, int]:
    return dict(PageViewDay.objects.values_list("group", "count"))


def _member(*, consents: bool) -> Member:
    member: Member = MemberFactory.create()
    if consents:
        consent_set(
            member=member, purpose=ConsentPurpose.SITE_STATISTICS, given=True, via=ConsentVia.PORTAL
        )
    return member


def _logged_in(member: Member) -> Client:
    client = Client()
    assert member.user is not None
    client.force_login(member.user)
    return client


# --- search terms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "counted"),
    [
        ("  Harry   POTTER ", "harry potter"),
        ("anna@example.org", ""),
        ("21990000000123", ""),  # a card number
        ("+31612345678", ""),  # a phone number
        ("978-90-414-1234-5", "978-90-414-1234-5"),  # an ISBN is a search for a book
        ("", ""),
    ],
)
def test_a_term_is_normalised_and_what_could_be_someones_data_is_left_out(
    typed: str, counted: str
) -> None:
    assert search_term_normalise(typed) == counted


def test_a_catalogue_search_counts_its_term_once_anonymously() -> None:
    RecordFactory.create(title="Dikkie Dik")
    client = Client()

    assert client.get("/zoeken/", {"q": "Dikkie  dik"}).status_code == 200
    client.get("/zoeken/", {"q": "dikkie dik"})
    client.get("/zoeken/", {"q": "dikkie dik", "page": "2"})  # the same search, paged on
    client.get("/zoeken/", {"q": "dikkie dik", "language": "dut"})  # and narrowed down

    row = SearchTermDay.objects.get()
    assert (row.day, row.term, row.count) == (timezone.localdate(), "dikkie dik", 2)
    columns = {f.name for f in SearchTermDay._meta.get_fields()}
    assert columns == {"id", "day", "term", "count"}  # no session, member, address or time


def test_counting_is_one_row_per_day_and_term() -> None:
    day = dt.date(2026, 3, 2)
    for _n in range(3):
        search_term_count(term="Kookboek", day=day)
    search_term_count(term="kookboek", day=day + dt.timedelta(days=1))

    assert sorted(SearchTermDay.objects.values_list("day", "count")) == [
        (day, 3),
        (day + dt.timedelta(days=1), 1),
    ]


def test_one_count_is_one_statement() -> None:
    search_term_count(term="eerst")
    with CaptureQueriesContext(connection) as captured:
        search_term_count(term="eerst")
        page_view_count(group="titel")
    assert len(captured) == 2


def test_terms_below_the_threshold_are_not_shown(settings: Any) -> None:
    today = dt.date(2026, 3, 15)
    for n in range(5):  # five times, spread over days of the period: shown
        search_term_count(term="dinosaurussen", day=dt.date(2026, 2, 1 + n))
    for _n in range(4):  # four times: a rare term, left out
        search_term_count(term="jan jansen kerkstraat 4", day=dt.date(2026, 3, 1))
    search_term_count(term="dinosaurussen", day=dt.date(2025, 1, 1))  # outside the period
    period = stats.period_of(3, today=today)

    assert [(t.term, t.count) for t in stats.top_search_terms(period)] == [("dinosaurussen", 5)]
    settings.KAFT_STATS_MIN_TERM_COUNT = 4
    assert [t.term for t in stats.top_search_terms(period)] == [
        "dinosaurussen",
        "jan jansen kerkstraat 4",
    ]


# --- page views -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("/", "start"),
        ("/zoeken/", "catalogus"),
        ("/titel/12/", "titel"),
        ("/titel/12/exemplaren/", "titel"),
        ("/mijn/reserveringen/", "mijn"),
        ("/nieuwsbrief/archief/", "nieuwsbrief"),
        ("/prijsvraag/zomer/", "prijsvraag"),
        ("/over/", "overig"),
        ("/desk/", None),
        ("/desk/members/12/", None),
        ("/admin/", None),
        ("/api/v1/records/12", None),
        ("/static/x.css", None),
        ("/sip2/", None),
    ],
)
def test_pages_are_grouped_never_by_title_or_member(path: str, group: str | None) -> None:
    assert page_group(path) == group


def test_a_title_page_counts_only_as_the_group_titel() -> None:
    first, second = RecordFactory.create(), RecordFactory.create()
    client = Client()
    client.cookies["kaft_stats"] = "accepted"

    assert client.get(f"/titel/{first.pk}/").status_code == 200
    client.get(f"/titel/{second.pk}/")
    client.get(f"/titel/{first.pk}/")

    assert list(PageViewDay.objects.values_list("group", "count")) == [("titel", 3)]


def test_a_consenting_member_is_counted_per_page_group() -> None:
    record = RecordFactory.create()
    client = _logged_in(_member(consents=True))

    client.get("/")
    client.get("/zoeken/", {"q": "boek"})
    client.get(f"/titel/{record.pk}/")
    client.get(f"/titel/{record.pk}/")
    assert client.get("/mijn/").status_code == 200

    assert _views() == {"start": 1, "catalogus": 1, "titel": 2, "mijn": 1}
    assert set(PageViewDay.objects.values_list("day", flat=True)) == {timezone.localdate()}


def test_withdrawing_the_consent_stops_the_counting_at_once() -> None:
    member = _member(consents=True)
    client = _logged_in(member)
    client.cookies["kaft_stats"] = "accepted"
    client.get("/")

    consent_set(
        member=member, purpose=ConsentPurpose.SITE_STATISTICS, given=False, via=ConsentVia.PORTAL
    )
    client.get("/")

    assert _views() == {"start": 1}


def test_an_accepting_visitor_is_counted_and_a_declining_one_not() -> None:
    accepted, declined, silent = Client(), Client(), Client()
    accepted.cookies["kaft_stats"] = "accepted"
    declined.cookies["kaft_stats"] = "declined"

    for client in (accepted, declined, silent):
        client.get("/")
        client.get("/zoeken/", {"q": "boek"})

    assert _views() == {"start": 1, "catalogus": 1}


def test_only_html_pages_are_counted() -> None:
    def answer(content_type: str) -> HttpResponse:
        request = RequestFactory().get("/zoeken/")
        request.COOKIES["kaft_stats"] = "accepted"
        return PageViewMiddleware(lambda _r: HttpResponse(b"x", content_type=content_type))(request)

    answer("application/json")
    answer("image/png")
    answer("text/csv")
    assert _views() == {}
    answer("text/html; charset=utf-8")
    assert _views() == {"catalogus": 1}


def test_a_count_that_fails_does_not_fail_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import DatabaseError

    from kaft.portal import page_views

    def broken(*, group: str) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(page_views, "page_view_count", broken)
    request: HttpRequest = RequestFactory().get("/")
    request.COOKIES["kaft_stats"] = "accepted"
    response = PageViewMiddleware(lambda _r: HttpResponse(b"<p>ok</p>"))(request)

    assert response.status_code == 200


def test_nothing_is_counted_while_the_library_has_statistics_off(
    settings: Any,
) -> None:
    client = _logged_in(_member(consents=True))
    anonymous = Client()
    anonymous.cookies["kaft_stats"] = "accepted"
    settings.KAFT_USAGE_STATISTICS = False

    client.get("/")
    anonymous.get("/")

    assert _views() == {}


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _without_counting(settings: Any) -> None:
    """The same site without this middleware (a new client loads the middleware anew)."""
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if m != MIDDLEWARE]


def _anonymous(cookie: str | None) -> Client:
    client = Client()
    if cookie is not None:
        client.cookies["kaft_stats"] = cookie
    return client


@pytest.mark.parametrize(("cookie", "more"), [(None, 0), ("declined", 0), ("accepted", 1)])
def test_an_anonymous_page_view_costs_no_query_but_the_count(
    settings: Any, cookie: str | None, more: int
) -> None:
    record = RecordFactory.create()
    client = _anonymous(cookie)
    for path in ("/", f"/titel/{record.pk}/"):
        _queries(client, path)  # warm the caches
    with_counting = [_queries(client, "/"), _queries(client, f"/titel/{record.pk}/")]
    _without_counting(settings)
    other = _anonymous(cookie)
    for path in ("/", f"/titel/{record.pk}/"):
        _queries(other, path)
    without = [_queries(other, "/"), _queries(other, f"/titel/{record.pk}/")]

    assert with_counting == [without[0] + more, without[1] + more]  # the upsert, if accepted


def test_a_logged_in_member_costs_one_check_and_one_count(settings: Any) -> None:
    member = _member(consents=True)
    client = _logged_in(member)
    _queries(client, "/")
    with_counting = _queries(client, "/")
    _without_counting(settings)
    other = _logged_in(member)
    _queries(other, "/")
    without = _queries(other, "/")

    assert with_counting == without + 2  # the consent check and the upsert
    assert _views() == {"start": 2}
