"""Finding members: by card number, name, e-mail address or postcode."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kaft.catalog.models import Branch
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import Address, AddressKind, Member, MemberCategory, MemberStatus
from kaft.members.selectors.member import member_by_card, member_search
from tests.factories import MemberFactory


def make(branch: Branch, category: MemberCategory, **kwargs: Any) -> Member:
    return cast(Member, MemberFactory(home_branch=branch, category=category, **kwargs))


@pytest.fixture
def people(branch: Branch, adult: MemberCategory) -> dict[str, Member]:
    sanne = make(
        branch,
        adult,
        card_number="21000000000042",
        first_name="Sanne",
        name_prefix="de",
        last_name="Vries",
        email="sanne@example.org",
    )
    daan = make(
        branch,
        adult,
        card_number="21000000000099",
        first_name="Daan",
        last_name="Bakker",
        email="daan@example.org",
    )
    anna = make(
        branch, adult, card_number="21100000000001", first_name="Anna", last_name="de Vries"
    )
    for kind in (AddressKind.HOME, AddressKind.POSTAL):  # both in the same postcode
        Address.objects.create(
            member=sanne, kind=kind, street="Laan", house_number="1", postcode="3512 AB", city="U"
        )
    Address.objects.create(
        member=daan,
        kind=AddressKind.HOME,
        street="Weg",
        house_number="2",
        postcode="3512 AB",
        city="U",
    )
    return {"sanne": sanne, "daan": daan, "anna": anna}


def names(query: str, **kwargs: Any) -> list[str]:
    return [m.first_name for m in member_search(query, **kwargs)]


def test_member_by_card(people: dict[str, Member]) -> None:
    with CaptureQueriesContext(connection) as queries:
        member = member_by_card(" 21000000000042 ")
        assert (member.category.code, member.home_branch.code) == ("adult", "centrale")

    assert member == people["sanne"]
    assert len(queries) == 1


def test_an_erased_members_stand_in_number_is_no_card(people: dict[str, Member]) -> None:
    sanne = people["sanne"]
    Member.objects.filter(pk=sanne.pk).update(
        status=MemberStatus.ERASED, card_number=f"erased-{sanne.pk}"
    )

    with pytest.raises(MemberError) as excinfo:
        member_by_card(f"erased-{sanne.pk}")

    assert excinfo.value.code == MemberErrorCode.UNKNOWN_CARD


def test_member_by_unknown_card(people: dict[str, Member]) -> None:
    with pytest.raises(MemberError) as excinfo:
        member_by_card("21000000000043")

    assert excinfo.value.code == MemberErrorCode.UNKNOWN_CARD
    with translation.override("nl"):
        assert excinfo.value.message == "Er is geen lid met dit pasnummer."


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("21000000000042", ["Sanne"]),
        ("2100000000", ["Daan", "Sanne"]),  # a card number prefix, sorted by last name
        ("SANNE@example.org", ["Sanne"]),
        ("3512ab", ["Daan", "Sanne"]),  # each member once, though Sanne has two addresses there
        ("3512 AB", ["Daan", "Sanne"]),
        ("vries", ["Anna", "Sanne"]),  # "de Vries" before "Vries", on every database
        ("Sanne de Vries", ["Sanne"]),
        ("de vries", ["Anna", "Sanne"]),
        ("bakker daan", ["Daan"]),
        ("Pietersen", []),
        ("   ", []),
        ("", []),
    ],
)
def test_member_search(people: dict[str, Member], query: str, expected: list[str]) -> None:
    assert names(query) == expected


def test_member_search_is_limited(people: dict[str, Member]) -> None:
    assert names("21", limit=2) == ["Daan", "Anna"]
    assert names("21") == ["Daan", "Anna", "Sanne"]
