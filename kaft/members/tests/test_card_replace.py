"""A new card: the old number stops working everywhere (desk, kiosk, portal login), the member's
loans and history stay, and a refused number changes nothing."""

from __future__ import annotations

from typing import cast

import pytest
from django.test import Client
from django.urls import reverse

from kaft.catalog.models import Branch, Item
from kaft.circulation.models import Loan
from kaft.circulation.services import loan_checkout
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import Member, MemberAction, MemberEvent, User
from kaft.members.selectors.member import member_by_card
from kaft.members.services.cards import member_card_replace
from tests.factories import (
    PASSWORD,
    BranchFactory,
    ItemFactory,
    LoanRuleFactory,
    MemberFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
OLD = "21000000000042"
NEW = "21000000000777"


@pytest.fixture
def branch() -> Branch:
    return cast(Branch, BranchFactory(code="centrale"))


@pytest.fixture
def staff(branch: Branch) -> User:
    return cast(User, StaffFactory(profile__branch=branch))


@pytest.fixture
def member(branch: Branch) -> Member:
    return cast(Member, MemberFactory(card_number=OLD, home_branch=branch))


def test_the_old_card_stops_working_and_the_loans_stay(
    member: Member, staff: User, branch: Branch
) -> None:
    LoanRuleFactory()
    loan = loan_checkout(
        item=cast(Item, ItemFactory(home_branch=branch)), member=member, staff=staff, branch=branch
    )
    member_card_replace(member=member, staff=staff, card_number=NEW)
    with pytest.raises(MemberError) as unknown:
        member_by_card(OLD)
    assert unknown.value.code == MemberErrorCode.UNKNOWN_CARD
    assert member_by_card(NEW).pk == member.pk
    assert Loan.objects.get(pk=loan.pk).member_id == member.pk
    event = MemberEvent.objects.get(member=member, action=MemberAction.CARD_REPLACED)
    assert (event.staff_id, event.note) == (staff.pk, "…0042")
    assert OLD not in event.note


def test_the_portal_takes_the_new_card_and_not_the_old(member: Member, staff: User) -> None:
    member_card_replace(member=member, staff=staff, card_number=NEW)
    client = Client()
    client.post(reverse("portal:login"), {"username": OLD, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    client.post(reverse("portal:login"), {"username": NEW, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(member.user_id)


def test_without_a_number_kaft_makes_one_up(member: Member, staff: User) -> None:
    changed = member_card_replace(member=member, staff=staff)
    assert changed.card_number != OLD
    assert member_by_card(changed.card_number).pk == member.pk


@pytest.mark.parametrize("taken", [OLD, "21000000000099"])
def test_a_card_number_in_use_is_refused_and_nothing_changes(
    member: Member, staff: User, taken: str
) -> None:
    MemberFactory(card_number="21000000000099")
    with pytest.raises(MemberError) as refused:
        member_card_replace(member=member, staff=staff, card_number=taken)
    assert refused.value.code == MemberErrorCode.CARD_IN_USE
    member.refresh_from_db()
    assert member.card_number == OLD
    assert not MemberEvent.objects.filter(action=MemberAction.CARD_REPLACED).exists()


def test_the_desk_gives_a_new_card_from_the_member_page(member: Member, staff: User) -> None:
    desk = Client()
    desk.force_login(staff)
    answer = desk.post(
        reverse("desk:member_card", args=[member.pk]), {"card_number": NEW}, follow=True
    )
    assert "Nieuwe pas: 21000000000777" in answer.content.decode()
    member.refresh_from_db()
    assert member.card_number == NEW
    refused = desk.post(
        reverse("desk:member_card", args=[member.pk]), {"card_number": "pas 12!"}, follow=True
    )
    assert '<li class="error">Dit is geen geldig pasnummer' in refused.content.decode()
    member.refresh_from_db()
    assert member.card_number == NEW
