"""At a self-service kiosk someone who joined online, whose ID the desk has not yet seen, is told
they may not borrow (patron status: charge privileges denied) and a checkout is refused with the
member's message; nothing is lent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kaft.catalog.models import ItemStatus
from kaft.circulation.models import Loan
from kaft.sip2.tests.kiosk import checkout, field, kiosk, member_with_pin, patron_information, send
from tests.factories_circulation import make_item

pytestmark = pytest.mark.django_db


def test_a_kiosk_refuses_a_checkout_before_the_id_check() -> None:
    account = kiosk()
    now = timezone.now()
    member = member_with_pin(
        home_branch=account.branch,
        preferred_language="nl",
        signed_up_online_at=now,
        email_verified_at=now,
    )
    item = make_item(home_branch=account.branch)

    status = send(account, patron_information(member.card_number))
    response = send(account, checkout(member.card_number, item.barcode))

    assert status.fixed[:4] == "Y   "  # may not borrow; may renew and reserve
    assert response.command == "12"
    assert response.fixed[:1] == "0"
    assert "identiteitsbewijs" in (field(response, "AF") or "")
    assert not Loan.objects.exists()
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE
