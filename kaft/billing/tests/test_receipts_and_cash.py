"""What a receipt says a payment settled, what a member's history lists, and which day and
branch the cash report counts a payment in (the library's own day, not UTC's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from kaft.billing.models import ChargeKind, PaymentMethod
from kaft.billing.selectors.cash import cash_day
from kaft.billing.selectors.payments import (
    charge_subject,
    member_charge_history,
    member_payment,
    payment_receipt,
)
from kaft.billing.services.charges import charge_create, charge_waive
from kaft.billing.services.payments import payment_take
from kaft.members.models import StaffRole
from tests.factories import BranchFactory, ItemFactory, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_receipt_lists_each_charge_the_payment_settled_with_its_part() -> None:
    branch = BranchFactory.create(name="Vestiging Noord")
    member = MemberFactory.create(card_number="21000000001234")
    book = ItemFactory.create(record__title="Het diner")
    lost = charge_create(member=member, kind=ChargeKind.LOST, amount=D("15.00"), item=book)
    fee = charge_create(
        member=member,
        kind=ChargeKind.MEMBERSHIP,
        amount=D("42.00"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    payment = payment_take(
        member=member, amount=D("20.00"), method=PaymentMethod.CASH, branch=branch
    )

    with translation.override("nl"):
        receipt = payment_receipt(payment, owed_after=D("37.00"))
        subjects = (charge_subject(lost), charge_subject(fee))

    assert [(line.subject, line.amount) for line in receipt.lines] == [
        ("Vervanging van een verloren exemplaar: Het diner", D("15.00")),
        ("Contributie: 01-01-2026 – 31-12-2026", D("5.00")),
    ]
    assert (receipt.amount, receipt.method, receipt.branch) == (
        D("20.00"),
        "Contant",
        "Vestiging Noord",
    )
    assert receipt.card_hint == "…1234"
    assert receipt.number == payment.receipt_number
    assert subjects == (
        "Vervanging van een verloren exemplaar: Het diner",
        "Contributie: 01-01-2026 – 31-12-2026",
    )


def test_the_history_lists_payments_and_waivers_newest_first_and_only_the_members_own() -> None:
    member, other = MemberFactory.create(), MemberFactory.create()
    kas = StaffFactory.create(profile__role=StaffRole.FINANCE)
    charge = charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D("6.00"))
    now = timezone.now()
    payment_take(member=member, amount=D("2.00"), method=PaymentMethod.PIN, now=now)
    charge_waive(charge=charge, staff=kas, reason="Coulance", now=now + dt.timedelta(minutes=1))
    charge_create(member=other, kind=ChargeKind.DAMAGE, amount=D("1.00"))
    theirs = payment_take(member=other, amount=D("1.00"), method=PaymentMethod.CASH)

    history = [(e.kind, e.amount, e.reason) for e in member_charge_history(member)]

    assert history == [("waived", D("4.00"), "Coulance"), ("paid", D("2.00"), "")]
    assert member_payment(member, theirs.pk) is None
    assert member_payment(other, theirs.pk) == theirs


def test_the_cash_report_counts_a_payment_on_the_librarys_own_day_and_branch() -> None:
    noord, zuid = BranchFactory.create(), BranchFactory.create()
    member = MemberFactory.create()
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D("10.00"))
    late = timezone.make_aware(dt.datetime(2026, 12, 3, 23, 30))  # 22:30 UTC
    early = timezone.make_aware(dt.datetime(2026, 12, 4, 0, 30))  # still 3 December in UTC
    payment_take(member=member, amount=D("1.00"), method=PaymentMethod.CASH, branch=noord, now=late)
    payment_take(member=member, amount=D("2.00"), method=PaymentMethod.PIN, branch=noord, now=early)
    payment_take(member=member, amount=D("4.00"), method=PaymentMethod.CASH, branch=zuid, now=late)

    third = cash_day(branch=noord, day=dt.date(2026, 12, 3))
    fourth = cash_day(branch=noord, day=dt.date(2026, 12, 4))

    assert [(t.method, t.count, t.amount) for t in third.totals] == [
        ("cash", 1, D("1.00")),
        ("pin", 0, D("0.00")),
    ]
    assert third.total == D("1.00")
    assert fourth.total == D("2.00")
    assert (third.waivers, third.refunds) == ((), ())
