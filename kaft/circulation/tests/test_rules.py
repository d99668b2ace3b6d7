"""rule_for: the most specific matching lending rule wins, in one query."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from kaft.catalog.models import Branch, ItemType
from kaft.circulation.selectors.loans import rule_for
from kaft.members.models import MemberCategory
from tests.factories_circulation import make_category, make_rule


@pytest.fixture
def youth(db: None) -> MemberCategory:
    return make_category(code="youth", name="Jeugd", annual_fee=0)


def test_without_rules_the_built_in_default(central: Branch, youth: MemberCategory) -> None:
    rule = rule_for(branch=central, category=youth, item_type=ItemType.BOOK)
    assert rule.pk is None
    assert (rule.loan_days, rule.renewals_allowed, rule.max_loans, rule.max_holds) == (
        21,
        2,
        20,
        10,
    )
    assert rule.hold_shelf_days == 7


def test_specificity_order(central: Branch, west: Branch, youth: MemberCategory) -> None:
    adult = make_category()
    book = ItemType.BOOK
    # every combination, loan_days tells them apart: branch 4, category 2, item type 1
    for weight in range(8):
        make_rule(
            branch=central if weight & 4 else None,
            category=youth if weight & 2 else None,
            item_type=book if weight & 1 else "",
            loan_days=weight,
        )
    assert rule_for(branch=central, category=youth, item_type=book).loan_days == 7
    assert rule_for(branch=central, category=youth, item_type=ItemType.GAME).loan_days == 6
    assert rule_for(branch=central, category=adult, item_type=book).loan_days == 5
    assert rule_for(branch=central, category=adult, item_type=ItemType.GAME).loan_days == 4
    assert rule_for(branch=west, category=youth, item_type=book).loan_days == 3
    assert rule_for(branch=west, category=youth, item_type=ItemType.GAME).loan_days == 2
    assert rule_for(branch=west, category=adult, item_type=book).loan_days == 1
    assert rule_for(branch=west, category=adult, item_type=ItemType.GAME).loan_days == 0


def test_a_rule_for_another_branch_does_not_apply(
    central: Branch, west: Branch, youth: MemberCategory
) -> None:
    make_rule(branch=west, loan_days=14)
    assert rule_for(branch=central, category=youth, item_type=ItemType.BOOK).pk is None


def test_one_query_and_nothing_cached(
    central: Branch,
    youth: MemberCategory,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    rule = make_rule(loan_days=14)
    with django_assert_num_queries(1):
        assert rule_for(branch=central, category=youth, item_type=ItemType.BOOK).loan_days == 14
    rule.loan_days = 28
    rule.save()
    assert rule_for(branch=central, category=youth, item_type=ItemType.BOOK).loan_days == 28
