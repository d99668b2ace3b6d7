"""loan_checkout as the outermost transaction (no caller's transaction around it).

The constraint violation is turned into ITEM_ON_LOAN without a savepoint: the whole checkout
transaction is rolled back and the connection is fit for the next request.
"""

from __future__ import annotations

import pytest
from django.db import connection

from kaft.catalog.models import Item, ItemStatus
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import Loan, LoanEvent, LoanStatus
from kaft.circulation.services import loan_checkout
from kaft.members.models import Member
from tests.factories_circulation import NOW, TODAY, make_branch, make_item, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_constraint_violation_rolls_the_whole_checkout_back() -> None:
    # given a copy whose status missed an open loan, and a member with no loans
    branch = make_branch()
    item = make_item(home_branch=branch)
    other, member = make_member(home_branch=branch), make_member(home_branch=branch)
    Loan.objects.create(
        item=item,
        member=other,
        checked_out_at=NOW,
        due_date=TODAY,
        record=item.record,
        branch=branch,
    )
    assert connection.get_autocommit()  # no transaction around the service

    # when the member tries to borrow it
    with pytest.raises(CirculationError) as refused:
        loan_checkout(item=item, member=member, staff=None, branch=branch, now=NOW)

    # then it is refused, nothing was written, and the connection works on
    assert refused.value.code == CirculationErrorCode.ITEM_ON_LOAN
    assert not connection.in_atomic_block and not connection.needs_rollback
    assert list(Loan.objects.values_list("member_id", "status")) == [(other.pk, LoanStatus.OPEN)]
    assert not LoanEvent.objects.exists()
    assert Item.objects.get(pk=item.pk).status == ItemStatus.AVAILABLE
    assert Member.objects.filter(pk=member.pk).exists()
