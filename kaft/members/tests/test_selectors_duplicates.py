"""Likely duplicates: same name and date of birth, same e-mail address, or same home address."""

from __future__ import annotations

import datetime as dt

import pytest

from kaft.members.models import Address, AddressKind, Member, MemberStatus
from kaft.members.selectors.duplicates import member_likely_duplicates
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def make(first: str, last: str, born: dt.date, email: str, **kwargs: object) -> Member:
    return MemberFactory.create(
        first_name=first, last_name=last, date_of_birth=born, email=email, **kwargs
    )


def find(**given: object) -> list[tuple[str, tuple[str, ...]]]:
    wanted: dict[str, object] = {
        "first_name": "Noor",
        "last_name": "Dijk",
        "date_of_birth": dt.date(1990, 5, 1),
        "email": "",
        "postcode": "",
        "house_number": "",
    }
    wanted.update(given)
    return [
        (match.member.card_number, match.reasons)
        for match in member_likely_duplicates(**wanted)  # type: ignore[arg-type]
    ]


def test_same_name_and_date_of_birth_is_a_likely_duplicate_whatever_the_case() -> None:
    make("noor", "DIJK", dt.date(1990, 5, 1), "a@example.org", card_number="21000000000001")
    make("Noor", "Dijk", dt.date(1990, 5, 2), "b@example.org", card_number="21000000000002")
    make("Nora", "Dijk", dt.date(1990, 5, 1), "c@example.org", card_number="21000000000003")

    assert find() == [("21000000000001", ("name_and_birth",))]


def test_same_email_or_same_home_address_is_a_likely_duplicate() -> None:
    by_email = make("Piet", "Jansen", dt.date(1970, 1, 1), "noor@example.org")
    by_address = make("Kees", "Smit", dt.date(1960, 1, 1), "kees@example.org")
    Address.objects.create(
        member=by_address,
        kind=AddressKind.HOME,
        street="Lange Nieuwstraat",
        house_number="12A",
        postcode="3512 PM",
        city="Utrecht",
    )
    Address.objects.create(  # the same address as postal address only: not a match
        member=by_email,
        kind=AddressKind.POSTAL,
        street="Lange Nieuwstraat",
        house_number="12a",
        postcode="3512 PM",
        city="Utrecht",
    )

    found = find(email="Noor@Example.org ", postcode="3512pm", house_number="12a")

    assert found == [
        (by_email.card_number, ("email",)),
        (by_address.card_number, ("address",)),
    ]


def test_every_reason_of_one_member_is_named_once() -> None:
    both = make("Noor", "Dijk", dt.date(1990, 5, 1), "noor@example.org")

    assert find(email="noor@example.org") == [(both.card_number, ("name_and_birth", "email"))]


def test_erased_members_and_nobody_alike_give_no_match() -> None:
    make("Noor", "Dijk", dt.date(1990, 5, 1), "noor@example.org", status=MemberStatus.ERASED)
    make("Anna", "Berg", dt.date(1990, 5, 1), "anna@example.org")

    assert find(email="noor@example.org") == []


def test_a_member_the_registration_names_itself_is_no_duplicate() -> None:
    parent = make("Noor", "Dijk", dt.date(1990, 5, 1), "noor@example.org")

    assert find(email="noor@example.org", known_cards=[parent.card_number]) == []
