"""The one rule for card numbers: what Kaft and the demo make is valid; emoji, markup, control
characters, spaces inside and longer numbers are not, in every function that takes a card."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kaft.demo.people import BLOCKED_CARD, DEMO_CARD, EXPIRED_CARD, YOUTH_CARD
from kaft.members.cards import (
    card_number_clean,
    card_number_is_valid,
    card_number_typed,
    validate_card_number,
    validate_card_number_or_email,
)
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import Member
from kaft.members.selectors.member import member_by_card
from kaft.members.services.member import card_number_generate
from tests.factories import MemberFactory

BAD = ["", "2100📚42", "<b>1</b>", "2100\x00", "21\n00", "21 00", "2" * 21, "²¹", "٢١٠٠", "21_00"]


def test_what_kaft_and_the_demo_make_is_a_card_number(db: None) -> None:
    made = [card_number_generate() for _ in range(20)]
    for card in [*made, DEMO_CARD, YOUTH_CARD, BLOCKED_CARD, EXPIRED_CARD, "AB-12", "2" * 20]:
        assert card_number_is_valid(card), card
        validate_card_number(card)


@pytest.mark.parametrize("value", BAD)
def test_anything_else_is_refused_with_the_code(value: str) -> None:
    assert not card_number_is_valid(value)
    with pytest.raises(MemberError) as refused:
        card_number_clean(value)
    assert refused.value.code == MemberErrorCode.CARD_NUMBER_INVALID
    with pytest.raises(ValidationError):
        validate_card_number(value)


def test_spaces_around_are_removed() -> None:
    assert card_number_clean(" \t21000000000042 ") == "21000000000042"


def test_a_typed_card_loses_the_spaces_between_groups_and_nothing_else() -> None:
    assert card_number_typed(" 2100 0000 0000 42 ") == "21000000000042"
    assert card_number_typed("2100\t42") == "2100\t42"  # and the rule then refuses it
    with pytest.raises(ValidationError):
        validate_card_number_or_email("2100\t0000 0000 42")
    validate_card_number_or_email("2100 0000 0000 42")


@pytest.mark.parametrize("value", ["2100📚42", "<b>21000000000042</b>", "2" * 21])
def test_looking_a_member_up_by_a_malformed_card_is_refused(db: None, value: str) -> None:
    MemberFactory.create(card_number="21000000000042")
    with pytest.raises(MemberError) as refused:
        member_by_card(value)
    assert refused.value.code == MemberErrorCode.CARD_NUMBER_INVALID


def test_the_model_field_refuses_it_too_for_the_admin(db: None) -> None:
    member = MemberFactory.create(card_number="21000000000042")
    member.card_number = "2100<script>"
    with pytest.raises(ValidationError) as refused:
        member.full_clean()
    assert "card_number" in refused.value.message_dict
    assert Member.objects.get(pk=member.pk).card_number == "21000000000042"
