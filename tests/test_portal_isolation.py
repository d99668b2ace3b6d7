"""No member reaches another member's data through the portal, whatever the URL.

The URL patterns are discovered from the whole URL configuration (kaft.urls), less the other
doors' prefixes, so a new URL that takes an id is checked the day it is added, wherever it is
added; an argument this test does not know how to fill fails the test.

Pages without ids are checked too: member A fetches every MijnBibliotheek page (and the data
download) while member B has a row in every table of the privacy register, each with canary
texts (``tests/canaries.py``); none of B's canaries may appear. A table added to the register
without a row for B fails the test, so new tables are covered as well as new pages.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from kaft.billing.models import ChargeKind, PaymentMethod
from kaft.billing.services.charges import charge_create
from kaft.billing.services.payments import payment_take
from kaft.circulation.models import Hold, Loan
from kaft.members.models import Member
from tests.canaries import found_canaries, member_world, tables_without_rows
from tests.factories import LoanRuleFactory, MemberFactory
from tests.factories_panel import a_panel_invitation_id
from tests.factories_portal import HoldFactory, LoanFactory
from tests.urlwalk import Route, path_routes, routes

# Arguments naming a member's own objects: each is filled with the other member's object.
OWNED = {"loan_id", "hold_id", "payment_id", "invitation_id"}
OWNED |= {"entry_id"}  # a contest entry sent from MijnBibliotheek
# Arguments naming public data, the same for everyone: a title; the version of the logo.
PUBLIC = {"record_id", "version"}
PUBLIC |= {"campaign_id"}  # a contest (its public page)
# A newsletter unsubscribe link: no login (RFC 8058); its MAC, not the session, names whose.
PUBLIC |= {"code"}
# The public newsletter archive: a sent issue and an image of an issue (no member in either).
PUBLIC |= {"newsletter_issue_id", "image_name"}


# The other doors, each with its own check (the desk logs every look; the admin is for staff;
# the API's member routes are checked below with a member's app token).
OTHER_DOORS = ("admin/", "desk/", "i18n/", "api/", "oauth/")


ROUTES = path_routes(route for route in routes() if not route.route.startswith(OTHER_DOORS))
WITH_IDS = [route for route in ROUTES if route.arguments]
WITH_OWNED_IDS = [route for route in WITH_IDS if set(route.arguments) & OWNED]
MIJN = [route for route in ROUTES if route.route.startswith("mijn/")]


def test_every_argument_is_known() -> None:
    unknown = {
        route.route: sorted(set(route.arguments) - OWNED - PUBLIC)
        for route in WITH_IDS
        if set(route.arguments) - OWNED - PUBLIC
    }
    assert unknown == {}, "teach this test how to fill these arguments"


def test_the_walk_finds_the_id_taking_and_mijn_urls() -> None:
    names = {route.url_name for route in WITH_IDS}
    assert {"loan_renew", "hold_cancel", "record"} <= names
    assert {"loans", "holds", "profile", "password"} <= {route.url_name for route in MIJN}


def _objects_of(member: Member) -> dict[str, int]:
    loan = LoanFactory.create(member=member)
    hold = HoldFactory.create(member=member, pickup_branch=member.home_branch)
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("3.00"))
    payment = payment_take(member=member, amount=Decimal("3.00"), method=PaymentMethod.PIN)
    return {
        "loan_id": loan.pk,
        "hold_id": hold.pk,
        "record_id": hold.record_id,
        "payment_id": payment.pk,
        "invitation_id": a_panel_invitation_id(member),
        **_contest_of(member),
    }


def _contest_of(member: Member) -> dict[str, int]:
    from tests.factories_contests import a_campaign, an_entry

    entry = an_entry(a_campaign(title=f"Quiz {member.pk}"), member)
    return {"campaign_id": entry.campaign_id, "entry_id": entry.pk}


def _state(member: Member) -> list[Any]:
    loans = Loan.objects.filter(member=member).order_by("pk")
    holds = Hold.objects.filter(member=member).order_by("pk")
    return [
        list(loans.values("pk", "due_date", "renewals", "status", "returned_at")),
        list(holds.values("pk", "status", "pickup_branch", "closed_at")),
    ]


def _login(client: Client, member: Member) -> None:
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")


@pytest.mark.django_db
@pytest.mark.parametrize("route", WITH_OWNED_IDS, ids=lambda route: str(route.url_name))
def test_member_a_cannot_reach_member_bs_objects(client: Client, route: Route) -> None:
    LoanRuleFactory.create()
    member_a, member_b = MemberFactory.create(), MemberFactory.create()
    own_values = _objects_of(member_a)
    other_values = _objects_of(member_b)
    before = _state(member_b)
    _login(client, member_a)

    for method in (client.get, client.post):
        response = method(route.path(other_values))
        assert response.status_code in (403, 404), (route.route, method, response.status_code)

    assert _state(member_b) == before
    # The same URL with A's own ids does reach a view (so the 404 above was not a typo).
    assert client.post(route.path(own_values)).status_code not in (403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("route", MIJN, ids=lambda route: str(route.url_name))
def test_logged_out_visitor_is_sent_to_login_from_every_mijn_url(
    client: Client, route: Route
) -> None:
    member = MemberFactory.create()
    values = _objects_of(member)
    before = _state(member)
    path = route.path(values)

    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302, (path, method)
        assert response["Location"] == f"/inloggen/?next={path}"

    assert _state(member) == before


# --- the API: a member's app token reaches only its own member's objects -----------------------

API_WITH_OWNED_IDS = [
    route
    for route in path_routes(route for route in routes() if route.door == "api")
    if set(route.arguments) & OWNED
]


def test_the_api_walk_finds_the_members_own_objects() -> None:
    assert {route.url_name for route in API_WITH_OWNED_IDS} >= {"me_loan_renew", "me_hold_cancel"}


@pytest.mark.django_db
@pytest.mark.parametrize("route", API_WITH_OWNED_IDS, ids=lambda route: str(route.url_name))
def test_member_as_app_cannot_reach_member_bs_objects(client: Client, route: Route) -> None:
    from tests.factories_api import api_token

    LoanRuleFactory.create()
    member_a, member_b = MemberFactory.create(), MemberFactory.create()
    own_values = _objects_of(member_a)
    other_values = _objects_of(member_b)
    before = _state(member_b)
    assert member_a.user is not None
    token = api_token("me", user=member_a.user, name="Bieb-app")

    methods = (client.get, client.post, client.delete)
    for method in methods:
        response = method(route.path(other_values), headers=token.headers)
        assert response.status_code in (404, 405), (route.route, method, response.status_code)

    assert _state(member_b) == before
    # A's own ids do reach the operation (so the 404 above was not a typo).
    own = [method(route.path(own_values), headers=token.headers).status_code for method in methods]
    assert any(status not in (404, 405) for status in own), own


# --- pages without ids: member B's data appears on none of member A's pages -----------------

MIJN_PAGES = [route for route in MIJN if not route.arguments]
# POST-only pages that change nothing and answer with the member's data: fetched with POST too.
READ_ONLY_POSTS = {"data_download"}


def _page_text(response: Any) -> str:
    """The text of a page, or of every file in a ZIP download."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


@pytest.fixture
def two_worlds() -> tuple[Member, Member]:
    """Member A and member B, each with rows in every table of the register (canary texts)."""
    LoanRuleFactory.create()
    member_a, member_b = MemberFactory.create(), MemberFactory.create()
    member_world(member_a, "A")
    member_world(member_b, "B")
    return member_a, member_b


def test_the_walk_finds_the_mijn_pages_without_ids() -> None:
    names = {route.url_name for route in MIJN_PAGES}
    assert {"loans", "holds", "history", "access_log", "consents", "data_download"} <= names
    assert names >= READ_ONLY_POSTS


@pytest.mark.django_db
def test_member_b_has_a_row_in_every_table_with_member_data(
    two_worlds: tuple[Member, Member],
) -> None:
    _member_a, member_b = two_worlds
    assert tables_without_rows(member_b) == [], "give member B a row there in tests/canaries.py"


@pytest.mark.django_db
@pytest.mark.parametrize("route", MIJN_PAGES, ids=lambda route: str(route.url_name))
def test_no_mijn_page_shows_another_members_data(
    client: Client, route: Route, two_worlds: tuple[Member, Member]
) -> None:
    member_a, member_b = two_worlds
    _login(client, member_a)

    responses = [client.get(route.path({}), follow=True)]
    if route.url_name in READ_ONLY_POSTS:
        responses.append(client.post(route.path({}), follow=True))

    for response in responses:
        assert response.status_code in (200, 405), (route.route, response.status_code)
        text = _page_text(response)
        assert found_canaries(text, "B") == [], route.route
        assert member_b.card_number not in text, route.route


@pytest.mark.django_db
def test_member_as_own_canaries_do_show_so_the_lists_were_rendered(
    client: Client, two_worlds: tuple[Member, Member]
) -> None:
    member_a, _member_b = two_worlds
    _login(client, member_a)
    shown: set[str] = set()
    for route in MIJN_PAGES:
        shown.update(found_canaries(_page_text(client.get(route.path({}), follow=True)), "A"))
        if route.url_name in READ_ONLY_POSTS:
            shown.update(found_canaries(_page_text(client.post(route.path({}))), "A"))

    # each list page showed A's own rows: loans, reservations, history, access log, ...
    assert {
        "kanarie-A-titel-lening",
        "kanarie-A-titel-reservering",
        "kanarie-A-blokkade",
        "kanarie-A-inzage",
        "kanarie-A-ontvanger",
        "kanarie-A-gezinsactie",
        "kanarie-A-weigering",
        "kanarie-A-aantekening",  # in the download
        "kanarie-A-kostennotitie",  # payments: an open charge's note
        "kanarie-A-titel-schade",  # payments: what a charge is for
        "kanarie-A-kwijtschelding",  # payments: the history (a waiver's reason)
    } <= shown
