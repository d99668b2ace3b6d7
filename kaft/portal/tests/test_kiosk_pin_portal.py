"""MijnBibliotheek: the member sets, changes and removes their kiosk PIN on the security page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kaft.core.limits import CURRENT_PASSWORD, limit_count
from kaft.members.errors import MemberError
from kaft.members.models import Member, MemberAction, MemberEvent
from kaft.members.services.kiosk_pin import member_kiosk_pin_set, member_kiosk_pin_verify
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/mijn/beveiliging/"
SET = "/mijn/beveiliging/pincode/"
REMOVE = "/mijn/beveiliging/pincode/verwijderen/"


def test_the_security_page_offers_the_pin_section(member_client: Client) -> None:
    page = member_client.get(PAGE).content.decode()
    assert 'id="kiosk-pin"' in page
    assert "Pincode voor de zelfbedieningsautomaat" in page or "PIN for the self-service" in page
    assert f'action="{SET}"' in page and f'action="{REMOVE}"' not in page  # nothing to remove


def test_setting_a_pin_with_the_password_stores_only_a_hash(
    member_client: Client, member: Member
) -> None:
    response = member_client.post(
        SET, {"pin": "4827", "pin_again": "4827", "current_password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(PAGE + "#kiosk-pin", 302)]
    member.refresh_from_db()
    assert member.kiosk_pin.startswith("hmac$") and "4827" not in member.kiosk_pin
    member_kiosk_pin_verify(member=member, pin="4827")
    event = MemberEvent.objects.get(member=member, action=MemberAction.KIOSK_PIN_SET)
    assert event.staff is None
    page = response.content.decode()
    assert f'action="{REMOVE}"' in page
    assert "4827" not in page
    assert "4827" not in str(dict(member_client.session.items()))


def test_a_member_who_forgot_the_pin_sets_a_new_one(member_client: Client, member: Member) -> None:
    member_kiosk_pin_set(member=member, pin="111111", staff=None)
    member_client.post(SET, {"pin": "2580", "pin_again": "2580", "current_password": PASSWORD})
    member.refresh_from_db()
    member_kiosk_pin_verify(member=member, pin="2580")
    with pytest.raises(MemberError):
        member_kiosk_pin_verify(member=member, pin="111111")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"pin": "123", "pin_again": "123", "current_password": PASSWORD}, "id_pin"),
        ({"pin": "1234567", "pin_again": "1234567", "current_password": PASSWORD}, "id_pin"),
        ({"pin": "12345", "pin_again": "12346", "current_password": PASSWORD}, "id_pin_again"),
        ({"pin": "1234", "pin_again": "1234", "current_password": "fout"}, "id_current_password"),
        ({"pin": "1234", "pin_again": "1234"}, "id_current_password"),
    ],
)
def test_a_refused_pin_changes_nothing_and_is_not_put_back(
    member_client: Client, member: Member, data: dict[str, str], field: str
) -> None:
    # when
    response = member_client.post(SET, data)
    # then
    page = response.content.decode()
    assert response.status_code == 400
    tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', page)
    assert tag is not None and 'aria-invalid="true"' in tag.group(0)
    assert f'value="{data["pin"]}"' not in page
    member.refresh_from_db()
    assert member.kiosk_pin == ""
    assert not MemberEvent.objects.filter(member=member).exists()


def test_a_pin_that_could_never_be_set_costs_no_password_attempt(
    member_client: Client, member: Member
) -> None:
    from kaft.core.limits import limit_reached

    for _ in range(CURRENT_PASSWORD.attempts - 1):
        limit_count(CURRENT_PASSWORD, member.pk)
    member_client.post(SET, {"pin": "12", "pin_again": "12", "current_password": "fout"})
    assert not limit_reached(CURRENT_PASSWORD, member.pk)


def test_removing_the_pin(member_client: Client, member: Member) -> None:
    member_kiosk_pin_set(member=member, pin="4827", staff=None)
    response = member_client.post(REMOVE)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.kiosk_pin == ""
    assert MemberEvent.objects.filter(
        member=member, action=MemberAction.KIOSK_PIN_REMOVED, staff=None
    ).exists()


def test_a_get_of_the_form_address_goes_to_the_page(member_client: Client) -> None:
    response = member_client.get(SET)
    assert (response.status_code, response["Location"]) == (302, PAGE + "#kiosk-pin")


def test_visitors_are_sent_to_log_in(client: Client) -> None:
    for url in (SET, REMOVE):
        response = client.post(url, {"pin": "1234", "pin_again": "1234"})
        assert response.status_code == 302 and "/inloggen/" in response["Location"]


@pytest.mark.parametrize("shows", ["display_name", "role"])
def test_who_looked_names_the_kiosk_and_its_branch_whatever_staff_names_show(
    member_client: Client, member: Member, shows: str, settings: object
) -> None:
    from kaft.privacy.models import AccessPurpose, DataPart, MachineRole
    from kaft.privacy.services.access import access_log_record_machine
    from tests.factories import BranchFactory

    settings.KAFT_ACCESS_LOG_SHOWS = shows  # type: ignore[attr-defined]
    west = BranchFactory.create(code="west", name="Vestiging West")
    access_log_record_machine(
        role=MachineRole.KIOSK,
        name="Automaat bij de ingang",
        members=[member],
        parts=[DataPart.STATUS, DataPart.LOANS],
        branch=west,
        purpose=AccessPurpose.SELF_SERVICE,
    )
    page = member_client.get("/mijn/inzage/").content.decode()
    look = page.split('<li class="card look">')[1].split("</li>")[0]
    assert " · Vestiging West</p>" in look
    assert '<dd class="who">Automaat bij de ingang (Zelfbedieningsautomaat)</dd>' in look
    assert '<dd class="purpose">Zelfbediening bij een automaat</dd>' in look
