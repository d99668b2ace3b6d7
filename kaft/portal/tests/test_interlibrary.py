"""MijnBibliotheek: the member's interlibrary requests and asking for a title elsewhere."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.interlibrary.models import (
    IllRole,
    IllStatus,
    InterlibraryRequest,
    LibraryPartner,
    OutgoingMessage,
)
from kaft.members.models import Member
from tests.factories import MemberFactory

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


def test_the_member_sees_own_requests_with_state_and_fee(
    member_client: Client, member: Member, branch: Branch, partner: LibraryPartner
) -> None:
    other = MemberFactory.create(home_branch=branch)
    for who, title in ((member, "Het diner"), (other, "Niet van mij")):
        InterlibraryRequest.objects.create(
            role=IllRole.REQUESTING,
            status=IllStatus.LOANED,
            partner=partner,
            branch=branch,
            member=who,
            requesting_id=f"r-{who.pk}",
            title=title,
            fee=Decimal("2.50"),
            created_at=timezone.now(),
        )
    page = member_client.get("/mijn/andere-bibliotheek/").content.decode()
    assert "Het diner" in page and "Niet van mij" not in page
    assert "Uitgeleend" in page or "Lent" in page
    assert "2,50" in page or "2.50" in page


def test_the_member_asks_and_no_data_of_the_member_goes_with_it(
    member_client: Client, member: Member, partner: LibraryPartner
) -> None:
    response = member_client.post(
        "/mijn/andere-bibliotheek/", {"title": "De avonden", "isbn": "9789023466512"}
    )
    assert response.status_code == 302
    ill = InterlibraryRequest.objects.get()
    assert (ill.member, ill.partner, ill.status) == (member, partner, IllStatus.NEW)
    body = OutgoingMessage.objects.get(request=ill).body
    assert "De avonden" in body
    assert member.card_number not in body and member.last_name not in body
    assert member.email not in body and "patronInfo" not in body


def test_an_empty_ask_is_refused_and_nothing_written(
    member_client: Client, partner: LibraryPartner
) -> None:
    response = member_client.post("/mijn/andere-bibliotheek/", {"title": " "})
    assert response.status_code == 200
    assert not InterlibraryRequest.objects.exists()
