"""Joining online in the portal ("Lid worden"): the form answers every input without a server
error, the same way whether or not the e-mail address is known, and the link lets the person in."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from kaft.catalog.models import Branch
from kaft.members.models import Member, MemberCategory
from kaft.notices.models import Notice
from tests.factories import MemberCategoryFactory, MemberFactory

pytestmark = pytest.mark.django_db
PASSWORD = "een lange zin als wachtwoord"


@pytest.fixture(autouse=True)
def _english(client: Client) -> None:
    cache.clear()
    client.cookies["django_language"] = "en"


@pytest.fixture
def adult(db: None) -> MemberCategory:
    return MemberCategoryFactory.create(code="adult", name="Volwassene")


def _form(branch: Branch, **changes: str) -> dict[str, str]:
    data = {
        "first_name": "Noor",
        "name_prefix": "van",
        "last_name": "Dijk",
        "date_of_birth": "1990-03-14",
        "home_street": "Lindelaan",
        "home_house_number": "8",
        "home_postcode": "3521ab",
        "home_city": "Utrecht",
        "email": "noor@example.org",
        "new_password": PASSWORD,
        "new_password_again": PASSWORD,
        "preferred_language": "nl",
        "home_branch": str(branch.pk),
    }
    data.update(changes)
    return data


def _link(member: Member) -> str:
    body = Notice.objects.get(member=member).body
    found = re.search(r"https?://\S+/lid-worden/bevestigen/\?t=\S+", body)
    assert found is not None, body
    link = urlsplit(found.group(0))
    return f"{link.path}?{link.query}"


def test_the_form_and_the_login_page_show_the_way_in(client: Client, branch: Branch) -> None:
    page = client.get("/lid-worden/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Under 16? Then a parent or guardian completes the membership at the desk" in text
    assert 'href="/lid-worden/"' in client.get("/inloggen/").content.decode()


def test_joining_shows_the_card_number_and_mails_it(
    client: Client, branch: Branch, adult: MemberCategory
) -> None:
    answer = client.post("/lid-worden/", _form(branch))

    assert answer.status_code == 302 and answer["Location"] == "/lid-worden/welkom/"
    member = Member.objects.get(last_name="Dijk")
    welcome = client.get("/lid-worden/welkom/").content.decode()
    assert member.card_number in welcome
    assert "noor@example.org" not in welcome
    assert member.card_number in Notice.objects.get(member=member).body
    assert (member.name_prefix, member.category) == ("van", adult)


def test_a_known_address_gets_the_same_answer(
    client: Client, branch: Branch, adult: MemberCategory
) -> None:
    MemberFactory.create(email="noor@example.org", card_number="21000000000009")

    answer = client.post("/lid-worden/", _form(branch))

    assert answer.status_code == 302 and answer["Location"] == "/lid-worden/welkom/"
    welcome = client.get("/lid-worden/welkom/").content.decode()
    assert "21000000000009" not in welcome
    assert "already" not in welcome


@pytest.mark.parametrize(
    "changes",
    [
        {"date_of_birth": "1990-02-31"},
        {"date_of_birth": "٢٠٢٠-٠١-٠١"},
        {"date_of_birth": "2999-01-01"},
        {"date_of_birth": "1850-01-01"},
        {"email": "geen adres"},
        {"email": "a" * 300 + "@example.org"},
        {"first_name": ""},
        {"first_name": "x" * 500},
        {"home_branch": "999999"},
        {"home_branch": "١"},
        {"home_branch": "<script>"},
        {"preferred_language": "xx"},
        {"new_password": "kort", "new_password_again": "kort"},
        {"new_password_again": "iets anders dan het wachtwoord"},
        {"home_postcode": "\x00"},
    ],
)
def test_bad_input_is_answered_with_the_form_and_nothing_is_written(
    client: Client, branch: Branch, adult: MemberCategory, changes: dict[str, str]
) -> None:
    answer = client.post("/lid-worden/", _form(branch, **changes))

    assert answer.status_code == 400
    assert Member.objects.count() == 0
    assert Notice.objects.count() == 0


def test_too_many_sign_ups_from_one_place_are_refused_with_the_form(
    client: Client, branch: Branch, adult: MemberCategory
) -> None:
    for n in range(5):
        assert (
            client.post("/lid-worden/", _form(branch, email=f"n{n}@example.org")).status_code == 302
        )

    answer = client.post("/lid-worden/", _form(branch, email="n9@example.org"))

    assert answer.status_code == 400
    assert "Too many sign-ups" in answer.content.decode()
    assert Member.objects.count() == 5


def test_the_welcome_page_without_a_sign_up_goes_to_the_form(client: Client) -> None:
    answer = client.get("/lid-worden/welkom/")
    assert (answer.status_code, answer["Location"]) == (302, "/lid-worden/")


def test_the_link_confirms_on_the_button_and_then_the_login_works(
    client: Client, branch: Branch, adult: MemberCategory
) -> None:
    client.post("/lid-worden/", _form(branch))
    member = Member.objects.get(last_name="Dijk")
    login = {"username": member.card_number, "password": PASSWORD}

    before = client.post("/inloggen/", login)
    assert before.status_code == 200
    assert "Confirm your e-mail address first" in before.content.decode()

    opened = client.get(_link(member))
    assert opened.status_code == 302 and "?t=" not in opened["Location"]
    shown = client.get(opened["Location"])
    assert "noor@example.org" in shown.content.decode()
    member.refresh_from_db()
    assert member.email_verified_at is None  # opening the link confirms nothing yet
    confirmed = client.post("/lid-worden/bevestigen/")
    assert confirmed.status_code == 302 and confirmed["Location"] == "/inloggen/"

    after = client.post("/inloggen/", login)
    assert after.status_code == 302
    member.refresh_from_db()
    assert member.email_verified_at is not None
    assert "To borrow, show an ID document at the desk" in client.get("/mijn/").content.decode()


@pytest.mark.parametrize("token", ["", "nep", "x" * 500, "\x00"])
def test_a_wrong_link_is_answered_without_error(client: Client, token: str) -> Any:
    opened = client.get("/lid-worden/bevestigen/", {"t": token}, follow=True)
    assert opened.status_code == 400
    assert client.post("/lid-worden/bevestigen/").status_code == 400


def test_a_used_link_is_refused(client: Client, branch: Branch, adult: MemberCategory) -> None:
    client.post("/lid-worden/", _form(branch))
    member = Member.objects.get(last_name="Dijk")
    link = _link(member)
    client.get(link)
    client.post("/lid-worden/bevestigen/")

    again = client.get(link, follow=True)

    assert again.status_code == 400
    assert "no longer valid" in again.content.decode()
