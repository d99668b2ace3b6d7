"""Blocks follow money: owing more than the limit, or an open invoice, refuses checkout, renewal
and reservations, with the amount; paying unblocks (nothing stored). Checkout reads the rule in
its facts statement: no extra query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kaft.billing.models import Charge, ChargeEvent, ChargeKind, Invoice, PaymentMethod
from kaft.billing.services.charges import charge_create
from kaft.billing.services.payments import payment_take
from kaft.catalog.models import Branch
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Loan
from kaft.circulation.selectors.loans import member_borrow_refusal
from kaft.circulation.services import hold_place, loan_checkout, loan_renew
from kaft.desk.words import member_standing
from kaft.members.models import Member
from tests.factories_circulation import NOW, TODAY, assert_refused, make_item

D = Decimal


def owe(member: Member, amount: str) -> Charge:
    return charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D(amount), now=NOW)


def lend(member: Member, branch: Branch) -> Loan:
    return loan_checkout(
        item=make_item(home_branch=branch), member=member, staff=None, branch=branch, now=NOW
    )


def test_owing_more_than_the_limit_refuses_checkout_renewal_and_reservations(
    central: Branch, member: Member
) -> None:
    loan = lend(member, central)
    owe(member, "10.00")  # the limit itself is allowed
    lend(member, central)
    owe(member, "0.50")
    events = ChargeEvent.objects.count()
    message = "€ 10.50 is still to be paid (the limit is € 10.00). Please pay it at the desk first."

    item = make_item(home_branch=central)
    error = assert_refused(
        lambda: loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW),
        CirculationErrorCode.MEMBER_OWES,
        message,
    )
    assert {key: str(value) for key, value in error.params.items()} == {
        "owed": "10,50",
        "limit": "10,00",
    }
    assert_refused(
        lambda: loan_renew(loan=loan, staff=None, now=NOW),
        CirculationErrorCode.MEMBER_OWES,
        message,
    )
    assert_refused(
        lambda: hold_place(
            record=item.record, member=member, pickup_branch=central, staff=None, now=NOW
        ),
        CirculationErrorCode.MEMBER_OWES,
        message,
    )
    assert ChargeEvent.objects.count() == events
    with translation.override("nl"):
        assert error.message == (
            "Er staat nog € 10,50 open (de grens is € 10,00). Betaal dit eerst aan de balie."
        )

    # paying is unblocking: nothing was stored
    payment_take(member=member, amount=D("0.50"), method=PaymentMethod.CASH)
    assert member_borrow_refusal(member, TODAY) is None
    lend(member, central)


def test_an_open_invoice_refuses_whatever_the_amount(central: Branch, member: Member) -> None:
    charge = owe(member, "2.50")
    invoice = Invoice.objects.create(
        member=member, issued_on=TODAY, due_on=TODAY + dt.timedelta(days=14)
    )
    Charge.objects.filter(pk=charge.pk).update(invoice=invoice)
    item = make_item(home_branch=central)

    assert_refused(
        lambda: loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW),
        CirculationErrorCode.MEMBER_INVOICE_OPEN,
        "An invoice is still open (€ 2.50 to pay). Please pay it first.",
    )
    refusal = member_borrow_refusal(member, TODAY)
    assert refusal is not None and refusal.code == CirculationErrorCode.MEMBER_INVOICE_OPEN

    payment_take(member=member, amount=D("2.50"), method=PaymentMethod.PIN)
    lend(member, central)


def test_a_block_or_an_expiry_comes_before_money(central: Branch, member: Member) -> None:
    owe(member, "50.00")
    member.status = "blocked"
    refusal = member_borrow_refusal(member, TODAY)
    assert refusal is not None and refusal.code == CirculationErrorCode.MEMBER_BLOCKED


def test_checkout_costs_the_same_queries_whatever_is_owed(central: Branch, member: Member) -> None:
    counts = []
    for amount in (None, "3.00", "4.00"):
        if amount:
            owe(member, amount)
        item = make_item(home_branch=central)
        with CaptureQueriesContext(connection) as queries:
            loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW)
        counts.append(len(queries))
    # lock member, lock item, the facts (money included), insert loan, insert event, update item
    assert counts == [2 + 6] * 3


def test_the_desk_standing_says_why_and_how_much(central: Branch, member: Member) -> None:
    owe(member, "12.30")
    with translation.override("en"):
        standing = member_standing(member, TODAY)
    assert (standing.kind, standing.may_borrow) == ("owes", False)
    assert standing.label == "Blocked: money owed"
    assert standing.detail == "€ 12.30 owed, more than the € 10.00 allowed"  # English: a point


def test_the_checkout_facts_and_the_rule_always_agree(central: Branch, member: Member) -> None:
    from kaft.circulation.selectors.loans import checkout_facts

    item = make_item(home_branch=central)

    Answer = tuple[CirculationErrorCode, str] | None

    def both() -> tuple[Answer, Answer]:
        facts = checkout_facts(member=member, item=item, branch=central, today=TODAY)
        rule = member_borrow_refusal(member, TODAY)
        as_facts = (
            None if facts.refusal is None else (facts.refusal.code, str(facts.refusal.message))
        )
        as_rule = None if rule is None else (rule.code, str(rule.message))
        return as_facts, as_rule

    states = []
    states.append(both())  # nothing owed
    small = owe(member, "4.00")
    states.append(both())  # below the limit
    invoice = Invoice.objects.create(member=member, issued_on=TODAY, due_on=TODAY)
    Charge.objects.filter(pk=small.pk).update(invoice=invoice)
    states.append(both())  # an open invoice
    payment_take(member=member, amount=D("4.00"), method=PaymentMethod.CASH)
    states.append(both())  # the invoice paid
    owe(member, "10.01")
    states.append(both())  # over the limit

    assert [facts == rule for facts, rule in states] == [True] * 5
    assert [None if facts is None else facts[0] for facts, _rule in states] == [
        None,
        None,
        CirculationErrorCode.MEMBER_INVOICE_OPEN,
        None,
        CirculationErrorCode.MEMBER_OWES,
    ]
