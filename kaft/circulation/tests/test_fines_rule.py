"""The fine of a late loan on a given day: grace days, closed days, cap, replacement price,
exempt categories. Exact values, around each edge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaft.catalog.models import Branch, ItemType
from kaft.circulation.models import Loan
from kaft.circulation.selectors.fines import Closures, FineTerms, fine_on, loan_fine_on
from kaft.circulation.services import loan_checkout
from tests.factories_circulation import (
    NOW,
    close_day,
    make_category,
    make_item,
    make_member,
    make_rule,
)

D = Decimal
DUE = dt.date(2026, 3, 2)  # a Monday
OPEN = Closures()


def day(n: int) -> dt.date:
    return DUE + dt.timedelta(days=n)


def fine(n: int, terms: FineTerms, closures: Closures = OPEN) -> Decimal:
    return fine_on(due_date=DUE, day=day(n), terms=terms, closures=closures)


def test_each_late_day_costs_the_fine_per_day() -> None:
    terms = FineTerms(per_day=D("0.15"))
    assert fine(-3, terms) == D("0.00")
    assert fine(0, terms) == D("0.00")  # back on the due date
    assert fine(1, terms) == D("0.15")
    assert fine(10, terms) == D("1.50")


def test_grace_days_are_free_and_the_day_after_them_is_the_first_charged() -> None:
    terms = FineTerms(per_day=D("0.15"), grace_days=3)
    assert fine(3, terms) == D("0.00")
    assert fine(4, terms) == D("0.15")
    assert fine(10, terms) == D("1.05")  # days 4 to 10


def test_days_the_branch_is_closed_cost_nothing() -> None:
    terms = FineTerms(per_day=D("0.15"))
    sundays = Closures(weekdays=frozenset({6}))
    assert fine(6, terms, sundays) == D("0.75")  # Tue 3 .. Sun 8: the Sunday is free
    assert fine(13, terms, sundays) == D("1.65")  # 13 days, two Sundays
    holiday = Closures(
        weekdays=frozenset({6}),
        # Thursday 5 March closed; Sunday 8 March also listed: counted once
        dates=frozenset({dt.date(2026, 3, 5), dt.date(2026, 3, 8), dt.date(2026, 4, 1)}),
    )
    assert fine(8, terms, holiday) == D("0.90")  # 8 days less Thu 5 and Sun 8
    assert holiday.closed_days_between(day(1), day(8)) == 2
    assert holiday.closed_days_between(day(8), day(1)) == 0


def test_the_cap_and_the_replacement_price_stop_the_fine() -> None:
    capped = FineTerms(per_day=D("0.15"), cap=D("5.00"))
    assert fine(33, capped) == D("4.95")
    assert fine(34, capped) == D("5.00")  # 5.10 capped
    assert fine(400, capped) == D("5.00")
    cheap_copy = FineTerms(per_day=D("0.15"), cap=D("5.00"), replacement_price=D("3.00"))
    assert fine(19, cheap_copy) == D("2.85")
    assert fine(20, cheap_copy) == D("3.00")
    assert fine(21, cheap_copy) == D("3.00")
    unknown_price = FineTerms(per_day=D("0.15"), cap=D("5.00"), replacement_price=D("0"))
    assert fine(100, unknown_price) == D("5.00")
    no_cap = FineTerms(per_day=D("0.15"), replacement_price=D("0"))
    assert fine(100, no_cap) == D("15.00")


def test_an_exempt_category_and_a_rule_without_fine_pay_nothing() -> None:
    assert fine(30, FineTerms(per_day=D("0.15"), exempt=True)) == D("0.00")
    assert fine(30, FineTerms(per_day=D("0"))) == D("0.00")


@pytest.mark.django_db
def test_a_loan_reads_its_rule_its_copy_its_category_and_its_branch(central: Branch) -> None:
    # given: a general rule without fines, a more specific one for books at this branch
    make_rule(fine_per_day=D("0"))
    make_rule(
        branch=central,
        item_type=ItemType.BOOK,
        fine_per_day=D("0.20"),
        fine_grace_days=2,
        fine_cap=D("4.00"),
    )
    close_day(central, dt.date(2026, 3, 27))  # a Friday
    adult = make_member(home_branch=central)
    child = make_member(
        home_branch=central, category=make_category(code="jeugd", charges_no_fines=True)
    )
    book = make_item(home_branch=central, replacement_price=D("3.50"))
    loan = loan_checkout(item=book, member=adult, staff=None, branch=central, now=NOW)
    assert loan.due_date == dt.date(2026, 3, 23)

    # when / then: 24 and 25 March are free, 26 costs, 27 is closed, 28 costs
    assert loan_fine_on(loan, dt.date(2026, 3, 25)) == D("0.00")
    assert loan_fine_on(loan, dt.date(2026, 3, 26)) == D("0.20")
    assert loan_fine_on(loan, dt.date(2026, 3, 28)) == D("0.40")
    assert loan_fine_on(loan, dt.date(2026, 4, 30)) == D("3.50")  # the copy's price
    # another due date (before a renewal)
    assert loan_fine_on(loan, dt.date(2026, 3, 26), due_date=dt.date(2026, 3, 20)) == D("0.80")

    dvd = make_item(home_branch=central, item_type=ItemType.AUDIOVISUAL)
    other = loan_checkout(item=dvd, member=adult, staff=None, branch=central, now=NOW)
    assert loan_fine_on(other, dt.date(2026, 4, 30)) == D("0.00")  # the general rule: none

    child_loan = loan_checkout(
        item=make_item(home_branch=central), member=child, staff=None, branch=central, now=NOW
    )
    assert loan_fine_on(child_loan, dt.date(2026, 4, 30)) == D("0.00")
    assert Loan.objects.count() == 3
