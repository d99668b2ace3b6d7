"""Usage statistics: off by default, asked once with two equal buttons, counted without a trace."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.catalog.models import Record
from kaft.members.models import Member
from kaft.privacy.models import PageViewCount
from tests.factories import MemberFactory, RecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stats_on(settings: Any) -> None:
    settings.KAFT_USAGE_STATISTICS = True


def _counts() -> dict[str, int]:
    return dict(PageViewCount.objects.values_list("path", "views"))


def test_off_by_default_no_banner_and_nothing_counted(client: Client, settings: Any) -> None:
    settings.KAFT_USAGE_STATISTICS = False
    client.cookies["kaft_stats"] = "accepted"

    html = client.get("/").content.decode()

    assert "cookie-banner" not in html
    assert _counts() == {}


def test_the_banner_asks_with_two_buttons_of_equal_weight(client: Client, stats_on: None) -> None:
    html = client.get("/zoeken/").content.decode()

    assert "cookie-banner" in html
    buttons = re.findall(
        r'<button type="submit" name="choice" value="(\w+)" class="([^"]+)">', html
    )
    assert buttons == [("accepted", "cookie-button"), ("declined", "cookie-button")]
    assert ">Accepteren<" in html and ">Weigeren<" in html
    assert _counts() == {}  # not before the answer


def test_no_banner_at_the_desk_or_after_an_answer(client: Client, stats_on: None) -> None:
    assert "cookie-banner" not in client.get("/desk/login/").content.decode()
    client.cookies["kaft_stats"] = "declined"
    assert "cookie-banner" not in client.get("/").content.decode()


def test_the_answer_is_remembered_in_one_functional_cookie(client: Client, stats_on: None) -> None:
    response = client.post("/cookies/keuze/", {"choice": "declined", "next": "/zoeken/?q=x"})

    assert response.status_code == 302
    assert response["Location"] == "/zoeken/?q=x"
    cookie = response.cookies["kaft_stats"]
    assert cookie.value == "declined"
    assert cookie["max-age"] == 60 * 60 * 24 * 365
    assert cookie["samesite"] == "Lax" and cookie["httponly"]
    assert set(response.cookies) == {"kaft_stats"}


def test_a_foreign_next_goes_home(client: Client, stats_on: None) -> None:
    response = client.post(
        "/cookies/keuze/", {"choice": "accepted", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_declined_counts_nothing(client: Client, stats_on: None) -> None:
    client.cookies["kaft_stats"] = "declined"
    client.get("/")
    client.get("/zoeken/")
    assert _counts() == {}


def test_accepted_counts_views_per_day_and_page_without_query(
    client: Client, stats_on: None
) -> None:
    record = cast(Record, RecordFactory())
    member = cast(Member, MemberFactory())
    client.cookies["kaft_stats"] = "accepted"
    client.get("/")
    client.get("/zoeken/?q=Mulisch")
    client.get("/zoeken/?q=Wolkers")
    client.get(f"/titel/{record.pk}/")
    client.get("/desk/login/")
    client.get("/bestaat-niet/")  # 404: not counted
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    client.get("/mijn/")
    client.get("/mijn/gegevens/")

    assert _counts() == {"/": 1, "/zoeken/": 2, f"/titel/{record.pk}/": 1, "/mijn/": 2}
    assert set(PageViewCount.objects.values_list("day", flat=True)) == {timezone.localdate()}


def test_one_statement_per_view_and_nothing_about_the_visitor(
    client: Client, stats_on: None
) -> None:
    client.cookies["kaft_stats"] = "accepted"
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        client.get("/")

    counting = [q["sql"] for q in queries.captured_queries if "privacy_pageviewcount" in q["sql"]]
    assert len(counting) == 1
    assert "ON CONFLICT" in counting[0]
    assert _counts() == {"/": 2}
    columns = {f.name for f in PageViewCount._meta.get_fields()}
    assert columns == {"id", "day", "path", "views"}


def test_the_cookie_page_lists_every_cookie_in_both_languages(
    client: Client, stats_on: None
) -> None:
    for language in ("nl", "en"):
        client.cookies["django_language"] = language
        html = client.get("/cookies/").content.decode()
        assert f'<html lang="{language}">' in html
        for name in ("sessionid", "csrftoken", "django_language", "kaft_stats"):
            assert f"<code>{name}</code>" in html


def test_a_logged_in_members_answer_is_kept_as_their_consent(
    client: Client, stats_on: None
) -> None:
    from kaft.privacy.models import Consent, ConsentPurpose

    member = cast(Member, MemberFactory())
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")

    client.post("/cookies/keuze/", {"choice": "accepted", "next": "/"})
    client.post("/cookies/keuze/", {"choice": "declined", "next": "/"})

    consent = Consent.objects.get(member=member, purpose=ConsentPurpose.SITE_STATISTICS)
    assert consent.given is False
