"""Interlibrary loan at the desk: the pick list, lending a copy to a partner library, a request
for a member (logged as a look), and the partner register for administrators."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from kaft.catalog.models import Branch, ItemStatus
from kaft.interlibrary.models import (
    IllRole,
    IllStatus,
    InterlibraryRequest,
    LibraryPartner,
    OutgoingMessage,
)
from kaft.members.models import Member
from kaft.privacy.models import AccessLogEntry
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner() -> LibraryPartner:
    return LibraryPartner.objects.create(
        name="Bibliotheek Zuid",
        isil="NL-Zuid",
        endpoint_url="http://127.0.0.1:9/ill",
        secret="geheim",
        fee=Decimal("2.50"),
    )


def _incoming(partner: LibraryPartner, branch: Branch) -> InterlibraryRequest:
    return InterlibraryRequest.objects.create(
        role=IllRole.SUPPLYING,
        status=IllStatus.REQUEST_RECEIVED,
        partner=partner,
        branch=branch,
        requesting_id="NL-Zuid-77",
        supplying_id="x-1",
        title="Het diner",
        created_at=timezone.now(),
    )


def test_the_pick_list_shows_partners_requests_and_staff_ship_a_copy(
    desk: Client, central: Branch, partner: LibraryPartner
) -> None:
    ill = _incoming(partner, central)
    copy = ItemFactory.create(home_branch=central, barcode="300055")
    page = desk.get("/desk/interlibrary/").content.decode()
    assert 'id="pick-list"' in page and "Het diner" in page and "Bibliotheek Zuid" in page

    response = desk.post(f"/desk/interlibrary/{ill.pk}/", {"move": "ship", "barcode": "300055"})
    assert response.status_code == 302
    ill.refresh_from_db()
    copy.refresh_from_db()
    assert ill.status == IllStatus.LOANED and ill.item == copy
    assert copy.status == ItemStatus.ON_LOAN
    # the partner is told (the message waits: the partner is not reachable in this test)
    assert OutgoingMessage.objects.get(request=ill).kind == "supplyingAgencyMessage:StatusChange"


def test_a_refused_move_says_why_and_changes_nothing(
    desk: Client, central: Branch, partner: LibraryPartner
) -> None:
    ill = _incoming(partner, central)
    response = desk.post(f"/desk/interlibrary/{ill.pk}/", {"move": "check_in"}, follow=True)
    assert response.status_code == 200
    assert "kan niet" in response.content.decode()
    ill.refresh_from_db()
    assert ill.status == IllStatus.REQUEST_RECEIVED
    assert not OutgoingMessage.objects.exists()


def test_staff_ask_for_a_member_and_looking_at_it_is_logged(
    desk: Client, central: Branch, partner: LibraryPartner, member: Member
) -> None:
    response = desk.post(
        "/desk/interlibrary/new/",
        {"card": member.card_number, "title": "Max Havelaar", "partner": str(partner.pk)},
    )
    ill = InterlibraryRequest.objects.get(role=IllRole.REQUESTING)
    assert response.status_code == 302
    assert (ill.member, ill.partner, ill.title) == (member, partner, "Max Havelaar")
    AccessLogEntry.objects.all().delete()
    page = desk.get(f"/desk/interlibrary/{ill.pk}/").content.decode()
    assert member.card_number in page
    assert list(AccessLogEntry.objects.values_list("member_id", "part")) == [(member.pk, "holds")]


def test_an_unknown_card_is_refused_and_nothing_written(
    desk: Client, partner: LibraryPartner
) -> None:
    response = desk.post("/desk/interlibrary/new/", {"card": "21999999999999", "title": "X"})
    assert response.status_code == 200
    assert not InterlibraryRequest.objects.exists()


def test_administrators_register_a_partner_with_its_secret_encrypted(admin: Client) -> None:
    response = admin.post(
        "/desk/interlibrary/partners/new/",
        {
            "name": "Bibliotheek Oost",
            "isil": "NL-OostOBA",
            "endpoint_url": "https://oost.example.org/iso18626",
            "secret": "heel-geheim-42",
            "fee": "1.75",
            "loan_days": "21",
            "rota_order": "5",
            "active": "on",
        },
    )
    assert response.status_code == 302
    partner = LibraryPartner.objects.get(isil="NL-OostOBA")
    assert partner.secret == "heel-geheim-42" and partner.fee == Decimal("1.75")
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM interlibrary_librarypartner")
        stored = cursor.fetchone()[0]
    assert stored.startswith("f1:") and "heel-geheim" not in stored
    page = admin.get(f"/desk/interlibrary/partners/{partner.pk}/").content.decode()
    assert "heel-geheim-42" not in page


def test_patron_data_without_agreement_is_refused(admin: Client) -> None:
    response = admin.post(
        "/desk/interlibrary/partners/new/",
        {
            "name": "Bibliotheek West",
            "isil": "NL-WestOBA",
            "endpoint_url": "https://west.example.org/iso18626",
            "patron_fields": ["name"],
            "fee": "0",
            "loan_days": "21",
            "rota_order": "5",
        },
    )
    assert response.status_code == 400
    assert not LibraryPartner.objects.exists()


def test_desk_staff_cannot_open_the_partner_register(desk: Client) -> None:
    assert desk.get("/desk/interlibrary/partners/").status_code == 403
