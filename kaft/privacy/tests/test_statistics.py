"""Usage statistics keep the promise: one counter, counted only with the visitor's yes.

Off by default. When on, the banner asks once with two equal buttons. A visitor who is not logged
in counts only after accepting (the cookie ``kaft_stats``); a logged-in member only while their
``site_statistics`` consent stands, whatever the cookie says. Only the group of the page is kept
(``kaft/portal/page_views.py``, table ``outreach.PageViewDay``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.members.models import Member, StaffRole
from kaft.outreach.models import PageViewDay
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_set
from tests.factories import MemberFactory, RecordFactory
from tests.factories_consent import make_child_with_guardian
from tests.factories_desk import staff_login
from tests.factories_family import born_years_ago
from tests.factories_security import staff_with_role

pytestmark = pytest.mark.django_db

STATISTICS = ConsentPurpose.SITE_STATISTICS


@pytest.fixture
def stats_on(settings: Any) -> None:
    settings.KAFT_USAGE_STATISTICS = True


def _views() -> dict[str, int]:
    return dict(PageViewDay.objects.values_list("group", "count"))


def _member(*, consents: bool) -> Member:
    member: Member = MemberFactory.create()
    if consents:
        consent_set(member=member, purpose=STATISTICS, given=True, via=ConsentVia.PORTAL)
    return member


def _logged_in(member: Member, *, cookie: str | None = None) -> Client:
    client = Client()
    assert member.user is not None
    client.force_login(member.user)
    if cookie is not None:
        client.cookies["kaft_stats"] = cookie
    return client


def _page_view_writes(client: Client, path: str) -> list[str]:
    """The statements a page sends to any page-view table (whatever it is called)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured.captured_queries if "pageview" in q["sql"].lower()]


# --- the banner and the cookie ------------------------------------------------------------------


def test_off_by_default_no_banner_and_nothing_counted(client: Client, settings: Any) -> None:
    settings.KAFT_USAGE_STATISTICS = True
    member_client = _logged_in(_member(consents=True), cookie="accepted")  # a yes from before
    settings.KAFT_USAGE_STATISTICS = False
    client.cookies["kaft_stats"] = "accepted"

    html = client.get("/").content.decode()
    member_client.get("/")

    assert "cookie-banner" not in html
    assert _views() == {}


def test_the_banner_asks_with_two_buttons_of_equal_weight(client: Client, stats_on: None) -> None:
    html = client.get("/zoeken/").content.decode()

    assert "cookie-banner" in html
    buttons = re.findall(
        r'<button type="submit" name="choice" value="(\w+)" class="([^"]+)">', html
    )
    assert buttons == [("accepted", "cookie-button"), ("declined", "cookie-button")]
    assert ">Accepteren<" in html and ">Weigeren<" in html
    assert _views() == {}  # not before the answer


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


def test_a_logged_in_members_answer_is_kept_as_their_consent(stats_on: None) -> None:
    from kaft.privacy.models import Consent

    member = _member(consents=False)
    client = _logged_in(member)

    client.post("/cookies/keuze/", {"choice": "accepted", "next": "/"})
    client.post("/cookies/keuze/", {"choice": "declined", "next": "/"})

    consent = Consent.objects.get(member=member, purpose=STATISTICS)
    assert consent.given is False


# --- visitors who are not logged in: the cookie decides -------------------------------------------


def test_an_accepting_visitor_is_counted_per_page_group(client: Client, stats_on: None) -> None:
    first, second = RecordFactory.create(), RecordFactory.create()
    client.cookies["kaft_stats"] = "accepted"

    client.get("/")
    client.get("/zoeken/?q=Mulisch")
    client.get("/zoeken/?q=Wolkers")
    client.get(f"/titel/{first.pk}/")
    client.get(f"/titel/{second.pk}/")
    client.get("/bestaat-niet/")  # 404: not counted
    client.post("/cookies/keuze/", {"choice": "accepted", "next": "/"})  # a POST: not counted

    assert _views() == {"start": 1, "catalogus": 2, "titel": 2}
    assert set(PageViewDay.objects.values_list("day", flat=True)) == {timezone.localdate()}


@pytest.mark.parametrize("cookie", ["declined", None, "yes"])
def test_a_visitor_who_did_not_accept_is_not_counted(
    client: Client, stats_on: None, cookie: str | None
) -> None:
    record = RecordFactory.create()
    if cookie is not None:
        client.cookies["kaft_stats"] = cookie

    client.get("/")
    client.get("/zoeken/")
    client.get(f"/titel/{record.pk}/")

    assert _views() == {}


def test_desk_admin_and_api_are_never_counted(client: Client, stats_on: None) -> None:
    client.cookies["kaft_stats"] = "accepted"
    for path in ("/desk/login/", "/admin/login/", "/api/v1/docs"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
    staff = Client()
    staff_login(staff, staff_with_role(StaffRole.DESK))
    staff.cookies["kaft_stats"] = "accepted"
    assert staff.get("/desk/members/").status_code == 200

    assert _views() == {}


def test_an_htmx_fragment_is_not_counted(client: Client, stats_on: None) -> None:
    client.cookies["kaft_stats"] = "accepted"

    assert client.get("/zoeken/", headers={"HX-Request": "true"}).status_code == 200

    assert _views() == {}


# --- logged-in members: only their consent decides ------------------------------------------------


def test_a_consenting_member_is_counted_without_the_cookie(stats_on: None) -> None:
    client = _logged_in(_member(consents=True))  # never answered the banner

    client.get("/")
    assert client.get("/mijn/").status_code == 200
    assert client.get("/mijn/gegevens/").status_code == 200

    assert _views() == {"start": 1, "mijn": 2}


def test_a_consenting_member_is_counted_though_the_cookie_says_declined(stats_on: None) -> None:
    client = _logged_in(_member(consents=True), cookie="declined")

    client.get("/")

    assert _views() == {"start": 1}


def test_a_member_who_withdrew_in_mijnbibliotheek_is_not_counted_though_the_cookie_accepted(
    stats_on: None,
) -> None:
    member = _member(consents=True)
    client = _logged_in(member, cookie="accepted")
    client.get("/")
    assert _views() == {"start": 1}

    response = client.post(
        "/mijn/toestemmingen/wijzigen/", {"purpose": STATISTICS.value, "given": "0"}
    )
    assert response.status_code == 302

    # Nothing is written to any page-view table any more, whatever it is called.
    assert _page_view_writes(client, "/") == []
    assert _page_view_writes(client, "/zoeken/") == []
    assert _views() == {"start": 1}
    # The browser's answer followed the member's: logged out, this browser is not counted either.
    assert client.cookies["kaft_stats"].value == "declined"
    client.logout()  # the test client forgets every cookie then: the browser keeps this one
    client.cookies["kaft_stats"] = "declined"
    assert _page_view_writes(client, "/") == []
    assert _views() == {"start": 1}


def test_a_member_who_gives_the_consent_in_mijnbibliotheek_sets_the_browsers_answer_too(
    stats_on: None,
) -> None:
    client = _logged_in(_member(consents=False))
    response = client.post(
        "/mijn/toestemmingen/wijzigen/", {"purpose": STATISTICS.value, "given": "1"}
    )
    assert response.status_code == 302
    assert client.cookies["kaft_stats"].value == "accepted"


def test_a_member_who_never_consented_is_not_counted_though_the_cookie_accepted(
    stats_on: None,
) -> None:
    client = _logged_in(_member(consents=False), cookie="accepted")

    client.get("/")
    client.get("/mijn/")

    assert _views() == {}


def test_a_parents_yes_stops_counting_when_the_member_turns_16(stats_on: None) -> None:
    child, parent = make_child_with_guardian()
    consent_set(member=child, purpose=STATISTICS, given=True, via=ConsentVia.DESK, guardian=parent)
    client = _logged_in(child)
    client.get("/")
    assert _views() == {"start": 1}

    Member.objects.filter(pk=child.pk).update(date_of_birth=born_years_ago(16))  # 16 today
    client.get("/")

    assert _views() == {"start": 1}


def test_a_staff_account_on_the_public_site_is_not_counted(stats_on: None) -> None:
    client = Client()
    staff_login(client, staff_with_role(StaffRole.DESK))
    client.cookies["kaft_stats"] = "accepted"

    assert client.get("/").status_code == 200

    assert _views() == {}


# --- what is kept, and what the pages say ---------------------------------------------------------


def test_nothing_about_the_visitor_or_the_page_is_kept(client: Client, stats_on: None) -> None:
    record = RecordFactory.create()
    client.cookies["kaft_stats"] = "accepted"

    client.get(f"/titel/{record.pk}/?q=geheim")

    columns = {f.name for f in PageViewDay._meta.get_fields()}
    assert columns == {"id", "day", "group", "count"}
    assert list(PageViewDay.objects.values_list("group", "count")) == [("titel", 1)]


def test_the_cookie_page_lists_every_cookie_in_both_languages(
    client: Client, stats_on: None
) -> None:
    for language in ("nl", "en"):
        client.cookies["django_language"] = language
        html = client.get("/cookies/").content.decode()
        assert f'<html lang="{language}">' in html
        for name in ("sessionid", "csrftoken", "django_language", "kaft_stats"):
            assert f"<code>{name}</code>" in html


def test_the_cookie_page_tells_a_member_their_consent_decides_not_the_cookie(
    stats_on: None,
) -> None:
    withdrawn = _logged_in(_member(consents=False), cookie="accepted")
    consenting = _logged_in(_member(consents=True), cookie="declined")
    for client in (withdrawn, consenting):
        client.cookies["django_language"] = "en"

    html_withdrawn = withdrawn.get("/cookies/").content.decode()
    html_consenting = consenting.get("/cookies/").content.decode()

    assert "have not consented: your visits are not counted" in html_withdrawn
    assert "You have accepted counting visits" not in html_withdrawn
    assert "have consented: your visits are counted" in html_consenting
    assert 'href="/mijn/toestemmingen/"' in html_withdrawn


def test_the_desk_menu_leads_to_the_staff_statistics_page(stats_on: None) -> None:
    client = Client()
    staff_login(client, staff_with_role(StaffRole.PRIVACY_OFFICER))

    html = client.get("/desk/members/").content.decode()

    assert 'href="/desk/outreach-statistics/"' in html
    assert 'href="/desk/statistics/"' not in html
    assert client.get("/desk/outreach-statistics/").status_code == 200
    assert client.get("/desk/statistics/").status_code == 404
