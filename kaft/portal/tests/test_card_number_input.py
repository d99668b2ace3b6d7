"""Wherever a member types a card number in the portal (login, the code from the desk, a
forgotten password, a family-access request), the members' one rule for card numbers applies:
anything else is refused with a clear message, and nothing is looked up or changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from kaft.members.models import FamilyAccess, Member
from tests.factories import MemberFactory

CARD = (
    "Dit is geen geldig pasnummer: een pasnummer heeft 1 tot 20 tekens, alleen letters (A–Z), "
    "cijfers en streepjes."
)
MALFORMED = [
    "2100📚0000001",
    "<i>21000000000001</i>",
    "21000000000001\x1b",
    "2100\t0000 0000 01",
    "2" * 21,
    "²¹⁰⁰",
]

pytestmark = pytest.mark.django_db


def state(member: Member) -> list[Any]:
    member.refresh_from_db()
    assert member.user is not None
    member.user.refresh_from_db()
    return [member.user.password, member.user.last_login, FamilyAccess.objects.count()]


@pytest.mark.parametrize("value", MALFORMED)
def test_login_refuses_a_malformed_card_number(client: Client, member: Member, value: str) -> None:
    before = state(member)

    response = client.post("/inloggen/", {"username": value, "password": "whatever-it-is"})

    assert response.status_code == 200
    assert CARD in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert state(member) == before


def test_login_still_takes_an_e_mail_address_and_a_card_with_spaces(
    client: Client, member: Member
) -> None:
    assert member.user is not None
    member.user.set_password("een-goed-wachtwoord")
    member.user.save()

    by_card = client.post(
        "/inloggen/", {"username": " 21000000000001 ", "password": "een-goed-wachtwoord"}
    )
    client.logout()
    by_mail = Client().post(
        "/inloggen/", {"username": "sanne@example.org", "password": "een-goed-wachtwoord"}
    )

    assert by_card.status_code == 302
    assert by_mail.status_code == 302


@pytest.mark.parametrize("value", MALFORMED)
def test_the_code_from_the_desk_refuses_a_malformed_card_number(
    client: Client, member: Member, value: str
) -> None:
    before = state(member)

    response = client.post(
        "/wachtwoord/code/",
        {
            "card_number": value,
            "code": "ABCD-EFGH",
            "new_password": "een-nieuw-wachtwoord",
            "new_password_again": "een-nieuw-wachtwoord",
        },
    )

    assert CARD in response.content.decode()
    assert state(member) == before


@pytest.mark.parametrize("value", MALFORMED)
def test_a_forgotten_password_refuses_a_malformed_card_number(
    client: Client, member: Member, value: str
) -> None:
    response = client.post("/wachtwoord/vergeten/", {"login": value})

    assert response.status_code == 400
    assert CARD in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("value", MALFORMED)
def test_a_family_request_refuses_a_malformed_card_number(
    member_client: Client, member: Member, value: str
) -> None:
    MemberFactory.create(card_number="21000000000099", last_name="Visser")
    before = state(member)

    response = member_client.post(
        "/mijn/toegang/aanvragen/", {"card_number": value, "last_name": "Visser"}
    )

    assert response.status_code == 400
    assert CARD in response.content.decode()
    assert state(member) == before
