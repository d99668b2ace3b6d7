"""An interlibrary request unlinked from its member keeps nothing that leads back to them: not
the link to the fee (which keeps the member for the fiscal years), not what the member typed;
and a request that never closed is unlinked too, after its own period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kaft.billing.models import ChargeKind
from kaft.billing.services.charges import charge_create, charge_waive
from kaft.interlibrary.models import IllRole, IllStatus, InterlibraryRequest
from kaft.members.models import StaffRole
from kaft.privacy.services.erasure import member_erase
from kaft.privacy.services.retention import retention_apply
from tests.factories import BranchFactory, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _request(*, closed: bool, days_ago: int) -> InterlibraryRequest:
    member = MemberFactory.create()
    made = timezone.now() - dt.timedelta(days=days_ago)
    charge = charge_create(member=member, kind=ChargeKind.INTERLIBRARY, amount=Decimal("2.50"))
    return InterlibraryRequest.objects.create(
        role=IllRole.REQUESTING,
        status=IllStatus.LOAN_COMPLETED if closed else IllStatus.LOANED,
        branch=BranchFactory.create(),
        member=member,
        requesting_id=f"NL-X-{days_ago}-{closed}",
        title="Atlas",
        description="voor mijn zieke moeder",
        charge=charge,
        created_at=made,
        closed_at=made + dt.timedelta(days=1) if closed else None,
    )


def test_the_retention_job_unlinks_the_fee_and_the_members_words_with_the_member() -> None:
    closed_long_ago = _request(closed=True, days_ago=200)
    open_for_years = _request(closed=False, days_ago=800)
    open_recent = _request(closed=False, days_ago=40)

    retention_apply()

    for gone in (closed_long_ago, open_for_years):
        gone.refresh_from_db()
        assert (gone.member_id, gone.charge_id, gone.description) == (None, None, "")
        assert gone.title == "Atlas"  # the bibliographic data stays, for the statistics
    open_recent.refresh_from_db()
    assert open_recent.member_id is not None and open_recent.charge_id is not None


def test_erasure_unlinks_the_same() -> None:
    request = _request(closed=False, days_ago=3)
    assert request.member is not None and request.charge is not None
    finance = StaffFactory.create(profile__role=StaffRole.FINANCE)
    charge_waive(charge=request.charge, staff=finance, reason="kwijtgescholden")  # nothing owed
    member_erase(member=request.member)
    request.refresh_from_db()
    assert (request.member_id, request.charge_id, request.description) == (None, None, "")
