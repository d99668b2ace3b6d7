"""Sessions: a new key at every login, gone at logout, ended by a block or "log out everywhere"."""

from __future__ import annotations

from typing import cast

import pytest
from django.conf import settings
from django.test import Client

from kaft.members.models import Member, StaffRole, User
from tests.factories import PASSWORD, MemberFactory
from tests.factories_desk import staff_login
from tests.factories_security import staff_with_role

pytestmark = pytest.mark.django_db
COOKIE = settings.SESSION_COOKIE_NAME


def _session_key(client: Client) -> str:
    return client.cookies[COOKIE].value


def _anonymous_session(client: Client) -> str:
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies[COOKIE] = cast(str, session.session_key)
    return cast(str, session.session_key)


def _portal_login(client: Client, member: Member) -> None:
    response = client.post("/inloggen/", {"username": member.card_number, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


def _logged_in(client: Client) -> bool:
    response = client.get("/mijn/")
    return response.status_code == 200


def test_portal_login_gives_a_new_session_key() -> None:
    member = cast(Member, MemberFactory())
    client = Client()
    before = _anonymous_session(client)

    _portal_login(client, member)

    assert _session_key(client) != before
    assert _logged_in(client)


def test_desk_login_gives_a_new_session_key() -> None:
    staff_with_role(StaffRole.DESK, username="balie")
    client = Client()
    before = _anonymous_session(client)

    response = client.post("/desk/login/", {"username": "balie", "password": PASSWORD})

    assert response.status_code == 302
    assert _session_key(client) != before
    assert client.get("/desk/members/").status_code == 200


def test_after_logout_the_old_session_key_no_longer_works() -> None:
    member = cast(Member, MemberFactory())
    client = Client()
    _portal_login(client, member)
    old_key = _session_key(client)

    client.post("/uitloggen/")

    thief = Client()
    thief.cookies[COOKIE] = old_key
    response = thief.get("/mijn/")
    assert response.status_code == 302
    assert response["Location"] == "/inloggen/?next=/mijn/"


def test_a_block_at_the_desk_ends_the_members_sessions() -> None:
    member = cast(Member, MemberFactory())
    phone, laptop = Client(), Client()
    _portal_login(phone, member)
    _portal_login(laptop, member)
    desk = staff_login(Client(), staff_with_role(StaffRole.DESK))

    response = desk.post(f"/desk/members/{member.pk}/block/", {"reason": "Pas gestolen"})

    assert response.status_code == 302
    assert not _logged_in(phone)
    assert not _logged_in(laptop)
    assert User.objects.get(member__pk=member.pk).session_version == 1


def test_log_out_everywhere_ends_every_session_of_the_member() -> None:
    member, other = cast(Member, MemberFactory()), cast(Member, MemberFactory())
    here, elsewhere, someone_else = Client(), Client(), Client()
    _portal_login(here, member)
    _portal_login(elsewhere, member)
    _portal_login(someone_else, other)

    page = here.get("/mijn/beveiliging/")
    assert page.status_code == 200
    response = here.post("/mijn/beveiliging/")

    assert response.status_code == 302
    assert response["Location"] == "/inloggen/"
    assert not _logged_in(here)
    assert not _logged_in(elsewhere)
    assert _logged_in(someone_else)
    # Logging in again works, with a fresh session.
    _portal_login(elsewhere, member)
    assert _logged_in(elsewhere)
