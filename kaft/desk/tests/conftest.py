"""Desk fixtures: two branches, a member of staff logged in at the central branch, an
administrator, a member."""

from __future__ import annotations

from typing import cast

import pytest
from django.test import Client

from kaft.catalog.models import Branch
from kaft.members.models import Address, AddressKind, Member, MemberCategory, StaffRole, User
from tests.factories import (
    BranchFactory,
    MemberCategoryFactory,
    MemberFactory,
    StaffFactory,
)
from tests.factories_desk import staff_login


@pytest.fixture
def central(db: None) -> Branch:
    return cast(Branch, BranchFactory(code="centrale", name="Centrale Bibliotheek"))


@pytest.fixture
def west(db: None) -> Branch:
    return cast(Branch, BranchFactory(code="west", name="Vestiging West"))


@pytest.fixture
def staff(central: Branch) -> User:
    return cast(User, StaffFactory(username="balie1", profile__branch=central))


@pytest.fixture
def desk(staff: User) -> Client:
    """A browser session of ``staff``, logged in, working at their own branch."""
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def admin(central: Branch) -> Client:
    """An administrator (the library's settings, kiosk accounts), logged in with a second
    factor."""
    user = StaffFactory.create(
        username="beheer", profile__branch=central, profile__role=StaffRole.ADMINISTRATOR
    )
    return staff_login(Client(), user)


@pytest.fixture
def adult(db: None) -> MemberCategory:
    return cast(MemberCategory, MemberCategoryFactory(code="adult", name="Volwassene"))


@pytest.fixture
def youth(db: None) -> MemberCategory:
    return cast(MemberCategory, MemberCategoryFactory(code="youth", name="Jeugd", max_age=18))


@pytest.fixture
def member(central: Branch, adult: MemberCategory) -> Member:
    member = cast(
        Member,
        MemberFactory(
            card_number="21000000000042",
            first_name="Sanne",
            name_prefix="de",
            last_name="Vries",
            email="sanne@example.org",
            phone="0612345678",
            category=adult,
            home_branch=central,
        ),
    )
    Address.objects.create(
        member=member,
        kind=AddressKind.HOME,
        street="Kastanjelaan",
        house_number="7",
        postcode="3512 AB",
        city="Utrecht",
    )
    return member


@pytest.fixture
def other_member(central: Branch, adult: MemberCategory) -> Member:
    return cast(
        Member,
        MemberFactory(
            card_number="21000000000099",
            first_name="Daan",
            last_name="Bakker",
            category=adult,
            home_branch=central,
        ),
    )
