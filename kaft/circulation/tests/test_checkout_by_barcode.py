"""loan_checkout given the scanned barcode (the desk's scan) and a ``then``: the copy is found by
its lock, and ``then`` is called with the loan and the facts in the loan's transaction, never
after a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Loan, LoanStatus
from kaft.circulation.selectors.loans import CheckoutFacts
from kaft.circulation.services import hold_place, loan_checkout
from kaft.members.models import Member
from tests.factories_circulation import NOW, TODAY, assert_refused, make_item, make_rule

Called = list[tuple[Loan, CheckoutFacts]]


def _by_barcode(barcode: str, member: Member, branch: Branch, called: Called) -> Loan:
    def then(loan: Loan, facts: CheckoutFacts) -> None:
        called.append((loan, facts))

    return loan_checkout(
        barcode=barcode, member=member, staff=None, branch=branch, now=NOW, then=then
    )


def test_a_copy_is_lent_by_its_barcode_and_then_is_told_the_facts(
    central: Branch, member: Member, django_assert_num_queries: Any
) -> None:
    # Given a copy on the shelf, a rule with 3 renewals, and the member with one loan already
    make_rule(branch=central, renewals_allowed=3)
    make_item(home_branch=central, barcode="30000000000051")
    first = make_item(home_branch=central, barcode="30000000000052")
    loan_checkout(item=first, member=member, staff=None, branch=central, now=NOW)
    called: Called = []

    # When the copy is lent by its barcode (spaces around it, as scanned)
    loan = _by_barcode(" 30000000000051 ", member, central, called)

    # Then it is lent, the copy with its record came with the lock, and then had the facts
    item = Item.objects.select_related("record").get(barcode="30000000000051")
    assert (loan.item_id, loan.member_id, loan.status) == (item.pk, member.pk, LoanStatus.OPEN)
    assert item.status == ItemStatus.ON_LOAN
    with django_assert_num_queries(0):
        assert loan.item.record.title == item.record.title
    [(told, facts)] = called
    assert told is loan
    assert (facts.open_loans, facts.rule.renewals_allowed, facts.has_active_hold) == (1, 3, False)


def test_a_lend_that_fulfils_the_members_hold_says_so(central: Branch, member: Member) -> None:
    # Given the member waits for the title of a copy on the shelf
    item = make_item(home_branch=central, barcode="30000000000051")
    hold_place(record=item.record, member=member, pickup_branch=central, staff=None, now=NOW)
    called: Called = []

    # When the copy is lent by its barcode
    _by_barcode("30000000000051", member, central, called)

    # Then then is told the loan fulfils the member's hold
    [(_loan, facts)] = called
    assert facts.has_active_hold is True


@pytest.mark.parametrize("barcode", ["30000000000069", "", "3000 0000"])
def test_an_unknown_barcode_is_refused_and_nothing_is_called(
    central: Branch, member: Member, barcode: str
) -> None:
    # Given a copy with another barcode
    make_item(home_branch=central, barcode="30000000000051")
    called: Called = []

    # When a barcode no copy has (or no barcode at all) is lent, then it is refused as unknown
    assert_refused(
        lambda: _by_barcode(barcode, member, central, called),
        CirculationErrorCode.UNKNOWN_BARCODE,
        "No item has this barcode.",
    )
    assert called == []


def test_a_copy_on_loan_is_refused_by_its_barcode_and_nothing_is_called(
    central: Branch, member: Member, other_member: Member
) -> None:
    # Given a copy lent to another member
    item = make_item(home_branch=central, barcode="30000000000051")
    loan_checkout(item=item, member=other_member, staff=None, branch=central, now=NOW)
    called: Called = []

    # When it is lent to the member by its barcode, then it is refused and nothing is called
    assert_refused(
        lambda: _by_barcode("30000000000051", member, central, called),
        CirculationErrorCode.ITEM_ON_LOAN,
        "This item is already on loan.",
    )
    assert called == []
    assert Loan.objects.get(item=item).due_date > TODAY
