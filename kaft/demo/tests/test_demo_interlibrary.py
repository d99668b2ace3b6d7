"""Interlibrary loan in the demo: a partner library, requests in both roles and several states,
made through the services, and nothing sent over the network while the demo loads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from kaft.billing.selectors.charges import charge_owed, member_money_block
from kaft.circulation.models import Loan, LoanStatus
from kaft.demo import interlibrary as demo_ill
from kaft.demo.load import DEMO_CARD, DESK_STAFF, demo_load
from kaft.interlibrary.models import (
    IllRole,
    IllStatus,
    InterlibraryRequest,
    LibraryPartner,
    OutboxStatus,
    OutgoingMessage,
)
from kaft.interlibrary.services import outbox
from kaft.members.models import Member, User

pytestmark = pytest.mark.django_db


def _statuses(role: IllRole) -> list[str]:
    return sorted(
        InterlibraryRequest.objects.filter(role=role).values_list("status", flat=True),
    )


def test_the_demo_has_interlibrary_requests_in_both_roles_without_touching_the_network(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: object
) -> None:
    def no_network(url: str, secret: str, body: bytes) -> bytes:
        raise AssertionError(f"the demo tried to reach {url}")

    monkeypatch.setattr(outbox, "_post", no_network)

    # when the demo is loaded, and what it scheduled after its commit runs (tasks are eager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        demo_load()

    # then the partner library is there, with its fee and a secret
    partner = LibraryPartner.objects.get(isil=demo_ill.PARTNER_ISIL)
    assert (partner.name, partner.fee, bool(partner.secret)) == (
        "Bibliotheek Rivierenland",
        Decimal("2.50"),
        True,
    )
    # requests we made, in five states
    assert _statuses(IllRole.REQUESTING) == sorted(
        [
            IllStatus.REQUEST_RECEIVED,
            IllStatus.EXPECT_TO_SUPPLY,
            IllStatus.LOANED,
            IllStatus.UNFILLED,
            IllStatus.LOAN_COMPLETED,
        ]
    )
    # and requests the partner made of us: one on the pick list, one lent, one completed
    assert _statuses(IllRole.SUPPLYING) == sorted(
        [IllStatus.REQUEST_RECEIVED, IllStatus.LOANED, IllStatus.LOAN_COMPLETED]
    )
    # the book received at the desk is lent to the member as a temporary copy, with the fee
    lent = InterlibraryRequest.objects.get(role=IllRole.REQUESTING, status=IllStatus.LOANED)
    assert lent.member is not None and lent.received_at is not None and lent.item is not None
    assert lent.item.item_type == "interlibrary"
    assert Loan.objects.filter(item=lent.item, member=lent.member, status=LoanStatus.OPEN).exists()
    assert lent.charge is not None and charge_owed(lent.charge) == Decimal("2.50")
    # the demo member waits for three (no fee yet: she may still borrow in the demo)
    sanne = Member.objects.get(card_number=DEMO_CARD)
    assert sorted(sanne.interlibrary_requests.values_list("status", flat=True)) == sorted(
        [IllStatus.REQUEST_RECEIVED, IllStatus.EXPECT_TO_SUPPLY, IllStatus.UNFILLED]
    )
    assert member_money_block(sanne) is None
    # our copy lent to the partner is out
    out = InterlibraryRequest.objects.get(role=IllRole.SUPPLYING, status=IllStatus.LOANED)
    assert out.item is not None and out.item.status == "on_loan"
    # nothing was left to send: every message of the demo is confirmed, none went out
    assert callbacks  # the outbox did schedule its sending
    assert not OutgoingMessage.objects.exclude(status=OutboxStatus.SENT).exists()
    assert OutgoingMessage.objects.filter(request__partner=partner).count() > 8


def test_the_desk_and_the_member_see_the_demo_requests() -> None:
    demo_load()
    desk = Client()
    desk.force_login(User.objects.get(username=DESK_STAFF.username))

    overview = desk.get("/desk/interlibrary/")
    lent = InterlibraryRequest.objects.get(role=IllRole.REQUESTING, status=IllStatus.LOANED)
    page = desk.get(f"/desk/interlibrary/{lent.pk}/")

    assert overview.status_code == 200
    assert overview.content.decode().count("Bibliotheek Rivierenland") >= 5
    assert page.status_code == 200 and "Max Havelaar" in page.content.decode()
    assert "Niet in onze collectie." not in page.content.decode()
    sanne = Member.objects.get(card_number=DEMO_CARD).user
    assert sanne is not None
    member = Client()
    member.force_login(sanne)
    mine = member.get("/mijn/andere-bibliotheek/")
    assert mine.status_code == 200
    assert "Het Bittere Kruid" in mine.content.decode()


def test_an_older_demo_gets_interlibrary_loan_once() -> None:
    demo_load()
    InterlibraryRequest.objects.all().delete()
    LibraryPartner.objects.all().delete()

    demo_load()  # the demo is there: only what came since is added
    demo_load()

    assert LibraryPartner.objects.filter(isil=demo_ill.PARTNER_ISIL).count() == 1
    assert InterlibraryRequest.objects.filter(role=IllRole.SUPPLYING).count() == 3
    assert InterlibraryRequest.objects.filter(role=IllRole.REQUESTING).count() == 5
