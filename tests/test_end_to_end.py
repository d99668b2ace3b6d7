"""One reservation's whole journey, across both doors, the outbox and a real SMTP server.

A member reserves a title in the portal for pickup at Noord; the only copy is on loan at Zuid.
It comes back at Zuid, travels to Noord, lands on the holds shelf (the member gets an e-mail),
and the desk at Noord lends it to the member, who sees it in MijnBibliotheek.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kaft.catalog.models import ItemStatus
from kaft.circulation.models import Hold, HoldStatus, Loan, LoanStatus, Transfer, TransferStatus
from kaft.circulation.services import loan_checkout
from kaft.privacy.models import AccessLogEntry
from tests.factories import (
    PASSWORD,
    BranchFactory,
    ItemFactory,
    LoanRuleFactory,
    MemberFactory,
    RecordFactory,
    StaffFactory,
)
from tests.smtp import smtp_server

__all__ = ["smtp_server"]


def _desk_client(staff: Any, branch: Any) -> Client:
    client = Client()
    client.force_login(staff)
    assert client.post(reverse("desk:branch"), {"branch": branch.pk}).status_code in (200, 302)
    return client


def _scan(client: Client, url_name: str, value: str) -> str:
    # As the desk's scan script sends it: one scan, with the member the page shows (the one this
    # session serves), answered with JSON holding the new row.
    shown = str(client.session.get("desk_member_id", ""))
    response = client.post(
        reverse(url_name), {"value": value, "member": shown}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200, response.content
    return response.content.decode("unicode_escape")


@pytest.mark.django_db(transaction=True)  # on_commit must really fire: mail after commit
def test_a_reservation_travels_from_portal_to_pickup(smtp_server: Any) -> None:
    # Given two branches, a title whose only copy is on loan at Zuid, and a member who wants it
    LoanRuleFactory()
    noord = BranchFactory(code="noord", name="Vestiging Noord", isil="NL-KaftTN")
    zuid = BranchFactory(code="zuid", name="Vestiging Zuid", isil="NL-KaftTZ")
    record = RecordFactory(title="De avonden")
    item = ItemFactory(record=record, home_branch=zuid, barcode="3000111122223")
    borrower = MemberFactory(home_branch=zuid)
    loan_checkout(item=item, member=borrower, staff=None, branch=zuid)
    member = MemberFactory(home_branch=noord, email="lezer@example.org", preferred_language="nl")
    staff_noord = StaffFactory(profile__branch=noord)
    staff_zuid = StaffFactory(profile__branch=zuid)

    # When the member reserves it in the portal for pickup at Noord
    portal = Client()
    login = portal.post(
        reverse("portal:login"), {"username": member.card_number, "password": PASSWORD}
    )
    assert login.status_code == 302
    placed = portal.post(
        reverse("portal:record_hold", args=[record.pk]), {"pickup_branch": noord.pk}
    )
    assert placed.status_code == 302
    hold = Hold.objects.get(member=member, record=record)
    assert hold.status == HoldStatus.WAITING

    # and the copy comes back at Zuid: the desk is told to send it to Noord
    zuid_desk = _desk_client(staff_zuid, zuid)
    said = _scan(zuid_desk, "desk:checkin_scan", item.barcode)
    assert "Vestiging Noord" in said
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_TRANSIT
    assert Transfer.objects.get(item=item).to_branch == noord
    assert smtp_server.mails == []

    # and it arrives at Noord: onto the holds shelf, and the member gets one e-mail
    noord_desk = _desk_client(staff_noord, noord)
    _scan(noord_desk, "desk:checkin_scan", item.barcode)
    item.refresh_from_db()
    hold.refresh_from_db()
    assert item.status == ItemStatus.ON_HOLDS_SHELF
    assert hold.status == HoldStatus.READY
    assert Transfer.objects.get(item=item).status == TransferStatus.RECEIVED
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["lezer@example.org"]
    assert "De avonden" in mail.body
    assert "Vestiging Noord" in mail.body
    assert member.card_number not in mail.body

    # Then the desk at Noord lends it to the member: the hold is fulfilled
    looks_before = AccessLogEntry.objects.filter(member=member).count()
    _scan(noord_desk, "desk:scan", member.card_number)
    assert AccessLogEntry.objects.filter(member=member).count() > looks_before
    _scan(noord_desk, "desk:scan", item.barcode)
    loan = Loan.objects.get(item=item, status=LoanStatus.OPEN)
    hold.refresh_from_db()
    assert loan.member == member
    assert loan.branch == noord
    assert hold.status == HoldStatus.FULFILLED

    # and the member sees the loan in MijnBibliotheek, and no reservation any more
    page = portal.get(reverse("portal:loans")).content.decode()
    assert "De avonden" in page
    assert Hold.objects.filter(member=member, status__in=["waiting", "ready"]).count() == 0
    assert len(smtp_server.mails) == 1
