"""The kiosk PIN: 4 to 6 digits, kept as a keyed hash, five wrong tries an hour."""

from __future__ import annotations

import pytest
from django.test import override_settings

from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import MemberAction, MemberEvent
from kaft.members.services.kiosk_pin import (
    member_kiosk_pin_remove,
    member_kiosk_pin_set,
    member_kiosk_pin_verify,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _code(pin: str, member: object) -> MemberErrorCode | None:
    try:
        member_kiosk_pin_verify(member=member, pin=pin)  # type: ignore[arg-type]
    except MemberError as error:
        return MemberErrorCode(error.code)
    return None


@pytest.mark.parametrize("pin", ["123", "1234567", "12a4", "", "١٢٣٤", " 1234"])
def test_a_pin_that_is_not_4_to_6_digits_is_refused_and_nothing_is_stored(pin: str) -> None:
    member = MemberFactory.create()
    with pytest.raises(MemberError) as refused:
        member_kiosk_pin_set(member=member, pin=pin, staff=None)
    assert refused.value.code == MemberErrorCode.KIOSK_PIN_INVALID
    member.refresh_from_db()
    assert member.kiosk_pin == ""
    assert not MemberEvent.objects.filter(member=member).exists()


def test_the_pin_is_kept_as_a_keyed_hash_and_checked() -> None:
    member = MemberFactory.create()
    member_kiosk_pin_set(member=member, pin="4821", staff=None)
    member.refresh_from_db()
    assert "4821" not in member.kiosk_pin
    assert member.kiosk_pin.startswith("hmac$")
    assert _code("4821", member) is None
    assert _code("4822", member) == MemberErrorCode.KIOSK_PIN_WRONG
    assert MemberEvent.objects.get(member=member).action == MemberAction.KIOSK_PIN_SET
    with override_settings(SECRET_KEY="another key entirely, so the hash no longer matches"):
        assert _code("4821", member) == MemberErrorCode.KIOSK_PIN_WRONG


def test_two_members_with_the_same_pin_have_different_hashes() -> None:
    one, two = MemberFactory.create(), MemberFactory.create()
    member_kiosk_pin_set(member=one, pin="1234", staff=None)
    member_kiosk_pin_set(member=two, pin="1234", staff=None)
    assert one.kiosk_pin != two.kiosk_pin


def test_five_wrong_pins_lock_out_even_the_right_one() -> None:
    member = MemberFactory.create()
    member_kiosk_pin_set(member=member, pin="1234", staff=None)
    for wrong in ("0000", "1111", "2222", "3333", "4444"):
        assert _code(wrong, member) == MemberErrorCode.KIOSK_PIN_WRONG
    assert _code("1234", member) == MemberErrorCode.KIOSK_PIN_TOO_MANY_TRIES


def test_a_right_pin_clears_the_count() -> None:
    member = MemberFactory.create()
    member_kiosk_pin_set(member=member, pin="1234", staff=None)
    for wrong in ("0000", "1111", "2222", "3333"):
        _code(wrong, member)
    assert _code("1234", member) is None
    for wrong in ("0000", "1111", "2222", "3333"):
        assert _code(wrong, member) == MemberErrorCode.KIOSK_PIN_WRONG


def test_no_pin_set_and_removed_pin_are_refused() -> None:
    member = MemberFactory.create()
    assert _code("1234", member) == MemberErrorCode.KIOSK_PIN_NOT_SET
    member_kiosk_pin_set(member=member, pin="1234", staff=None)
    member_kiosk_pin_remove(member=member, staff=None)
    assert _code("1234", member) == MemberErrorCode.KIOSK_PIN_NOT_SET
    assert list(
        MemberEvent.objects.filter(member=member).order_by("pk").values_list("action", flat=True)
    ) == [MemberAction.KIOSK_PIN_SET, MemberAction.KIOSK_PIN_REMOVED]
