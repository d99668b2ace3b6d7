"""The desk's read of a scanned copy (plain SQL on a hot path) says what the ORM says."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.catalog.models import Branch, ItemType
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.selectors.loans import item_by_barcode, member_open_loan_count, rule_for
from kaft.circulation.selectors.scan import item_to_lend
from kaft.circulation.services import hold_place, loan_checkout
from tests.factories_circulation import make_category, make_item, make_member, make_rule


def test_the_scanned_copy_and_its_facts_match_the_orm(central: Branch, west: Branch) -> None:
    # Given a member with two loans and a hold on one title, rules by branch and item type
    category = make_category()
    member = make_member(category=category)
    make_rule(renewals_allowed=2)
    make_rule(branch=west, category=category, item_type=ItemType.AUDIOVISUAL, renewals_allowed=0)
    for _ in range(2):
        loan_checkout(
            item=make_item(home_branch=central), member=member, staff=None, branch=central
        )
    held = make_item(home_branch=west, barcode="30000000000011", item_type=ItemType.AUDIOVISUAL)
    hold_place(record=held.record, member=member, pickup_branch=west, staff=None)
    plain = make_item(home_branch=west, barcode="30000000000012")

    # When both copies are read for lending at West, in one statement each
    with CaptureQueriesContext(connection) as queries:
        first = item_to_lend("30000000000011", member, west)
        second = item_to_lend(" 30000000000012 ", member, west)

    # Then the copies, titles and facts are the ORM's
    assert len(queries) == 2
    assert first.item == item_by_barcode("30000000000011") and first.item.pk == held.pk
    assert first.item.record.title == held.record.title
    assert first.item.status == held.status and first.item.item_type == ItemType.AUDIOVISUAL
    assert (first.member_holds_title, first.member_loans_before) == (True, 2)
    assert first.member_loans_before == member_open_loan_count(member.pk)
    av_rule = rule_for(branch=west, category=category, item_type=ItemType.AUDIOVISUAL)
    assert first.renewals_allowed == av_rule.renewals_allowed == 0
    assert second.item.pk == plain.pk
    assert (second.member_holds_title, second.member_loans_before) == (False, 2)
    book_rule = rule_for(branch=west, category=category, item_type=plain.item_type)
    assert second.renewals_allowed == book_rule.renewals_allowed == 2


@pytest.mark.parametrize("barcode", ["30000000000099", "not a barcode"])
def test_an_unknown_barcode_is_refused_as_the_orm_refuses_it(central: Branch, barcode: str) -> None:
    member = make_member()

    with pytest.raises(CirculationError) as raised:
        item_to_lend(barcode, member, central)

    assert raised.value.code == CirculationErrorCode.UNKNOWN_BARCODE
