"""A copy declared lost: its replacement price charged; brought back in time, taken back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from kaft.billing.models import Charge, ChargeEventKind, ChargeKind, PaymentMethod
from kaft.billing.selectors.charges import charge_owed, charge_paid, member_owed
from kaft.billing.services.payments import payment_take
from kaft.catalog.models import Branch, ItemStatus
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Loan, LoanRule, LoanStatus
from kaft.circulation.services import loan_checkin, loan_checkout, loan_declare_lost
from kaft.members.models import Member
from tests.factories_circulation import AMSTERDAM, NOW, assert_refused, make_item

D = Decimal


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 11, 0, tzinfo=AMSTERDAM)


LOST_ON = dt.date(2026, 3, 26)  # three days late: a fine of € 0.60


def lose(member: Member, branch: Branch, price: str = "19.95") -> Loan:
    item = make_item(home_branch=branch, replacement_price=D(price))
    loan = loan_checkout(item=item, member=member, staff=None, branch=branch, now=NOW)
    return loan_declare_lost(loan=loan, staff=None, now=at(LOST_ON))


def charge(loan: Loan, kind: ChargeKind) -> Charge:
    return Charge.objects.get(loan_id=loan.pk, kind=kind)


def test_declaring_lost_ends_the_fine_and_charges_the_replacement_price(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lose(member, central)

    loan.refresh_from_db()
    assert loan.status == LoanStatus.LOST
    assert loan.item.status == ItemStatus.LOST
    lost = charge(loan, ChargeKind.LOST)
    assert (charge_owed(lost), lost.item_id) == (D("19.95"), loan.item_id)
    fine = charge(loan, ChargeKind.OVERDUE_FINE)
    assert (fine.accruing, charge_owed(fine)) == (False, D("0.60"))
    assert member_owed(member) == D("20.55")
    # declaring it lost again is refused, and writes nothing
    assert_refused(
        lambda: loan_declare_lost(loan=loan, staff=None, now=at(LOST_ON)),
        CirculationErrorCode.NOT_ON_LOAN,
        "This item is not on loan.",
    )
    assert Charge.objects.count() == 2


def test_an_unknown_price_charges_nothing_for_the_copy(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lose(member, central, price="0")
    assert not Charge.objects.filter(loan_id=loan.pk, kind=ChargeKind.LOST).exists()


def test_found_in_time_unpaid_the_replacement_is_cancelled_the_fine_kept(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lose(member, central)

    back = loan_checkin(item=loan.item, branch=central, staff=None, now=at(dt.date(2026, 4, 20)))

    loan.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED and loan.returned_at is not None
    assert back.item.status == ItemStatus.AVAILABLE
    lost = charge(loan, ChargeKind.LOST)
    assert charge_owed(lost) == D("0.00")
    assert list(lost.events.values_list("kind", flat=True)) == [
        ChargeEventKind.CHARGED,
        ChargeEventKind.CANCELLED,
    ]
    assert charge_owed(charge(loan, ChargeKind.OVERDUE_FINE)) == D("0.60")
    assert member_owed(member) == D("0.60")


def test_found_in_time_paid_the_replacement_is_refunded_by_how_it_was_paid(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lose(member, central)
    lost = charge(loan, ChargeKind.LOST)
    payment_take(member=member, amount=D("19.95"), method=PaymentMethod.PIN, charges=[lost])

    loan_checkin(item=loan.item, branch=central, staff=None, now=at(dt.date(2026, 4, 20)))

    refund = lost.events.get(kind=ChargeEventKind.REFUNDED)
    assert (refund.amount, refund.method) == (D("19.95"), PaymentMethod.PIN)
    assert charge_owed(lost) == D("0.00")
    assert charge_paid(lost) == D("0.00")
    assert member_owed(member) == D("0.60")


@override_settings(KAFT_LOST_FOUND_KEEP_FINES=False)
def test_the_library_may_cancel_the_fine_too(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lose(member, central)
    loan_checkin(item=loan.item, branch=central, staff=None, now=at(dt.date(2026, 4, 20)))
    assert charge_owed(charge(loan, ChargeKind.OVERDUE_FINE)) == D("0.00")
    assert member_owed(member) == D("0.00")


@pytest.mark.parametrize(("days", "owed"), [(90, "0.60"), (91, "20.55")])
def test_after_the_period_nothing_changes(
    fine_rule: LoanRule, central: Branch, member: Member, days: int, owed: str
) -> None:
    loan = lose(member, central)
    found = LOST_ON + dt.timedelta(days=days)

    loan_checkin(item=loan.item, branch=central, staff=None, now=at(found))

    loan.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED  # the copy is back on the shelf either way
    assert member_owed(member) == D(owed)


@override_settings(KAFT_LOST_REFUND_DAYS=10)
def test_the_period_is_the_library_s(fine_rule: LoanRule, central: Branch, member: Member) -> None:
    loan = lose(member, central)
    loan_checkin(
        item=loan.item, branch=central, staff=None, now=at(LOST_ON + dt.timedelta(days=11))
    )
    assert charge_owed(charge(loan, ChargeKind.LOST)) == D("19.95")
