"""The API lends nothing to someone who joined online until the desk checked their ID: the
circulation service's refusal, with its code and the member's message, and nothing written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.models import Loan
from kaft.privacy.models import AccessLogEntry
from tests.factories import BranchFactory, ItemFactory, LoanRuleFactory, MemberFactory
from tests.factories_api import api_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(db: None) -> Branch:
    LoanRuleFactory.create()
    return BranchFactory.create(code="centrum", isil="NL-KaftC", name="Centrum")


def test_an_api_checkout_before_the_id_check_is_refused(branch: Branch) -> None:
    now = timezone.now()
    member = MemberFactory.create(
        home_branch=branch, signed_up_online_at=now, email_verified_at=now
    )
    item = ItemFactory.create(home_branch=branch)
    token = api_token("circulation:write", name="Uitleenzuil-app")

    answer = Client().post(
        "/api/v1/circulation/checkout",
        {"barcode": item.barcode, "card_number": member.card_number, "branch": "centrum"},
        content_type="application/json",
        headers={**token.headers, "Accept-Language": "nl"},
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "member_id_not_checked"
    assert "identiteitsbewijs" in answer.json()["message"]
    assert (Loan.objects.count(), AccessLogEntry.objects.count()) == (0, 0)
    assert Item.objects.get(pk=item.pk).status == ItemStatus.AVAILABLE
