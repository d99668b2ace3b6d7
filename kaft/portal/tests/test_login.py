"""Logging in with card number or e-mail address, errors that give nothing away, lock-out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaft.members.models import Member
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/inloggen/"
WRONG = "Deze combinatie van pasnummer of e-mailadres en wachtwoord klopt niet."


def test_login_page_is_dutch_with_labelled_fields(client: Client) -> None:
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">Pasnummer of e-mailadres' in html
    assert '<label for="id_password">Wachtwoord' in html


@pytest.mark.parametrize("login", ["21000000000001", "Sanne@Example.org"])
def test_member_logs_in_with_card_or_email_and_gets_a_new_session(
    client: Client, member: Member, login: str
) -> None:
    client.get(LOGIN)
    before = client.session.session_key

    response = client.post(LOGIN, {"username": login, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:loans")
    assert client.session.session_key != before
    assert int(client.session["_auth_user_id"]) == member.user_id


def test_login_follows_next_on_this_site_only(client: Client, member: Member) -> None:
    response = client.post(
        LOGIN, {"username": member.card_number, "password": PASSWORD, "next": "/titel/7/"}
    )
    assert response["Location"] == "/titel/7/"

    client.post("/uitloggen/")
    response = client.post(
        LOGIN,
        {"username": member.card_number, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("portal:loans")


@pytest.mark.parametrize("login", ["21000000000001", "21999999999999", "nobody@example.org"])
def test_wrong_password_and_unknown_card_get_the_same_message(
    client: Client, member: Member, login: str
) -> None:
    response = client.post(LOGIN, {"username": login, "password": "not the password"})

    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_account_cannot_log_in_to_the_portal(client: Client) -> None:
    staff = StaffFactory.create(username="balie1")

    response = client.post(LOGIN, {"username": staff.username, "password": PASSWORD})

    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_too_many_wrong_passwords_lock_the_login(client: Client, member: Member) -> None:
    for _attempt in range(5):
        client.post(LOGIN, {"username": member.card_number, "password": "wrong password"})

    response = client.post(LOGIN, {"username": member.card_number, "password": PASSWORD})

    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    assert "15 minuten niet inloggen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(member_client: Client) -> None:
    assert member_client.get("/uitloggen/").status_code == 405

    response = member_client.post("/uitloggen/")

    assert response["Location"] == reverse("portal:home")
    assert "_auth_user_id" not in member_client.session


def test_logged_in_member_visiting_login_goes_to_mijn(member_client: Client) -> None:
    response = member_client.get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:loans")
