"""No member reaches another member's data through the portal, whatever the URL.

The URL patterns are discovered from the whole URL configuration (kaft.urls), less the other
doors' prefixes, so a new URL that takes an id is checked the day it is added, wherever it is
added; an argument this test does not know how to fill fails the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from kaft.circulation.models import Hold, Loan
from kaft.members.models import Member
from kaft.urls import urlpatterns
from tests.factories import LoanRuleFactory, MemberFactory
from tests.factories_portal import HoldFactory, LoanFactory

ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# Arguments naming a member's own objects: each is filled with the other member's object.
OWNED = {"loan_id", "hold_id"}
# Arguments naming public catalogue data, the same for everyone.
PUBLIC = {"record_id"}


@dataclass(frozen=True)
class Route:
    name: str
    route: str

    @property
    def arguments(self) -> list[str]:
        return [match["name"] for match in ARGUMENT.finditer(self.route)]

    def path(self, values: dict[str, int]) -> str:
        return "/" + ARGUMENT.sub(lambda match: str(values[match["name"]]), self.route)


# The other doors, each with its own check (the desk logs every look; the admin is for staff).
OTHER_DOORS = ("admin/", "desk/", "i18n/")


def _walk(patterns: list[Any], prefix: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        if (prefix + str(entry.pattern)).startswith(OTHER_DOORS):
            continue
        if isinstance(entry, URLResolver):
            routes += _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith("^") or "(?P" in route:
                pytest.fail(f"regular-expression URL {route!r}: use path() so it can be checked")
            routes.append(Route(str(entry.name), route))
    return routes


ROUTES = _walk(urlpatterns)
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
    names = {route.name for route in WITH_IDS}
    assert {"loan_renew", "hold_cancel", "record"} <= names
    assert {"loans", "holds", "profile", "password"} <= {route.name for route in MIJN}


def _objects_of(member: Member) -> dict[str, int]:
    loan = LoanFactory.create(member=member)
    hold = HoldFactory.create(member=member, pickup_branch=member.home_branch)
    return {"loan_id": loan.pk, "hold_id": hold.pk, "record_id": hold.record_id}


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
@pytest.mark.parametrize("route", WITH_OWNED_IDS, ids=lambda route: route.name)
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
@pytest.mark.parametrize("route", MIJN, ids=lambda route: route.name)
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
