"""A member's kiosk PIN at the desk: set for a member who is present, removed; never shown."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaft.members.models import Member, MemberAction, MemberEvent, User
from kaft.members.services.kiosk_pin import member_kiosk_pin_set, member_kiosk_pin_verify
from kaft.privacy.models import AccessLogEntry

PIN = "482916"


def test_the_member_page_says_whether_a_pin_is_set(desk: Client, member: Member) -> None:
    detail = reverse("desk:member_detail", args=[member.pk])
    page = desk.get(detail).content.decode()
    assert reverse("desk:member_kiosk_pin", args=[member.pk]) in page
    assert 'class="kiosk-pin">niet ingesteld' in page or 'class="kiosk-pin">not set' in page


def test_setting_a_pin_typed_twice_stores_only_a_hash(
    desk: Client, member: Member, staff: User
) -> None:
    # given
    url = reverse("desk:member_kiosk_pin", args=[member.pk])
    page = desk.get(url)
    assert page.status_code == 200
    # when
    response = desk.post(url, {"pin": PIN, "pin_again": PIN}, follow=True)
    # then
    assert response.redirect_chain == [(reverse("desk:member_detail", args=[member.pk]), 302)]
    member.refresh_from_db()
    assert member.kiosk_pin.startswith("hmac$") and PIN not in member.kiosk_pin
    member_kiosk_pin_verify(member=member, pin=PIN)  # raises when not
    event = MemberEvent.objects.get(member=member, action=MemberAction.KIOSK_PIN_SET)
    assert event.staff == staff
    assert PIN not in response.content.decode()
    assert PIN not in str(dict(desk.session.items()))


@pytest.mark.parametrize(
    ("pin", "again", "field"),
    [("123", "123", "id_pin"), ("12a4", "12a4", "id_pin"), ("1234", "4321", "id_pin_again")],
)
def test_a_refused_pin_changes_nothing_and_is_not_put_back(
    desk: Client, member: Member, pin: str, again: str, field: str
) -> None:
    # given
    member_kiosk_pin_set(member=member, pin="9999", staff=None)
    member.refresh_from_db()
    before = member.kiosk_pin
    url = reverse("desk:member_kiosk_pin", args=[member.pk])
    # when
    response = desk.post(url, {"pin": pin, "pin_again": again})
    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert f'href="#{field}"' in page
    assert f'value="{pin}"' not in page and f'value="{again}"' not in page
    member.refresh_from_db()
    assert member.kiosk_pin == before


def test_removing_the_pin(desk: Client, member: Member, staff: User) -> None:
    # given
    member_kiosk_pin_set(member=member, pin=PIN, staff=None)
    # when
    url = reverse("desk:member_kiosk_pin_remove", args=[member.pk])
    response = desk.post(url)
    # then
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.kiosk_pin == ""
    event = MemberEvent.objects.get(member=member, action=MemberAction.KIOSK_PIN_REMOVED)
    assert event.staff == staff


def test_the_pin_page_writes_the_access_log(desk: Client, member: Member, staff: User) -> None:
    desk.get(reverse("desk:member_kiosk_pin", args=[member.pk]))
    assert list(AccessLogEntry.objects.values_list("member_id", "staff_id", "part")) == [
        (member.pk, staff.pk, "identity")
    ]


def test_finance_staff_may_not_set_a_pin(member: Member, central: object) -> None:
    from tests.factories import StaffFactory
    from tests.factories_desk import staff_login

    finance = StaffFactory.create(profile__branch=central, profile__role="finance")
    client = staff_login(Client(), finance)
    url = reverse("desk:member_kiosk_pin", args=[member.pk])
    assert client.post(url, {"pin": PIN, "pin_again": PIN}).status_code == 403
    member.refresh_from_db()
    assert member.kiosk_pin == ""
