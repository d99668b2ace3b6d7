"""Who may use the desk, and at which branch: decided by kaft.desk.access only."""

from __future__ import annotations

from typing import cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from kaft.catalog.models import Branch
from kaft.desk.access import DeskRequest, desk_view
from kaft.members.models import Member, StaffRole, User
from tests.factories import StaffFactory
from tests.factories_desk import staff_login


def test_logged_out_visitor_is_sent_to_the_desk_login(db: None) -> None:
    response = Client().get("/desk/members/?q=Vries")

    assert response.status_code == 302
    assert response["Location"] == "/desk/login/?next=/desk/members/%3Fq%3DVries"


def test_a_member_account_gets_403_on_every_desk_screen(member: Member) -> None:
    client = Client()
    assert member.user is not None
    client.force_login(member.user)

    for url in ("/desk/", "/desk/checkin/", "/desk/members/", "/desk/items/", "/desk/transit/"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [r for r in StaffRole.values if r != StaffRole.FINANCE])
def test_every_staff_role_may_use_the_desk(role: str, central: Branch) -> None:
    client = Client()
    # staff_login: privacy officers and administrators pass the second factor too
    staff_login(client, cast(User, StaffFactory(profile__branch=central, profile__role=role)))

    response = client.get("/desk/")

    assert response.status_code == 200
    assert response.wsgi_request.staff_branch == central  # type: ignore[attr-defined]


def test_finance_may_use_only_the_money_screens(central: Branch) -> None:
    client = Client()
    staff_login(client, StaffFactory.create(profile__branch=central, profile__role="finance"))

    assert client.get("/desk/").status_code == 403
    response = client.get("/desk/cash/")
    assert response.status_code == 200
    assert response.wsgi_request.staff_branch == central  # type: ignore[attr-defined]


def test_staff_work_at_their_own_branch_until_they_pick_another(
    desk: Client, central: Branch, west: Branch
) -> None:
    assert desk.get("/desk/").wsgi_request.staff_branch == central  # type: ignore[attr-defined]

    response = desk.post("/desk/branch/", {"branch": west.pk}, follow=True)

    assert response.wsgi_request.staff_branch == west  # type: ignore[attr-defined]
    assert desk.session["desk_branch_id"] == west.pk
    header = response.content.decode().split("</header>")[0]
    assert "Vestiging West" in header
    assert "U werkt nu in Vestiging West." in response.content.decode()


def test_branch_picker_lists_every_branch(desk: Client, central: Branch, west: Branch) -> None:
    response = desk.get("/desk/branch/")

    assert [b.name for b in response.context["form"].fields["branch"].queryset] == [
        "Centrale Bibliotheek",
        "Vestiging West",
    ]
    assert response.context["form"]["branch"].value() == central.pk


def test_a_deleted_branch_in_the_session_falls_back_to_the_profile_branch(
    desk: Client, central: Branch
) -> None:
    session = desk.session
    session["desk_branch_id"] = 999_999
    session.save()

    assert desk.get("/desk/").wsgi_request.staff_branch == central  # type: ignore[attr-defined]


def test_desk_view_can_be_limited_to_roles(staff: User, central: Branch) -> None:
    @desk_view(roles=[StaffRole.ADMINISTRATOR])
    def admin_only(request: HttpRequest) -> HttpResponse:
        return HttpResponse(cast(DeskRequest, request).staff_branch.name)

    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = staff
    with pytest.raises(PermissionDenied):
        admin_only(request)

    boss = cast(User, StaffFactory(profile__branch=central, profile__role=StaffRole.ADMINISTRATOR))
    request.user = boss
    assert admin_only(request)["Location"] == "/desk/otp/?next=/"  # second factor first
    boss.is_verified = lambda: True  # type: ignore[attr-defined]  # as django-otp's middleware
    assert admin_only(request).content == b"Centrale Bibliotheek"

    request.user = AnonymousUser()
    assert admin_only(request).status_code == 302
