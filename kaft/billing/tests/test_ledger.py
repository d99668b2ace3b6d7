"""The ledger: what is owed is the sum of the events; every refusal writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaft.billing.errors import BillingError, BillingErrorCode
from kaft.billing.models import ChargeEvent, ChargeKind, Payment, PaymentMethod
from kaft.billing.selectors.charges import (
    charge_owed,
    member_money_block,
    member_open_charges,
    member_owed,
    members_owing,
)
from kaft.billing.services.charges import (
    charge_cancel,
    charge_create,
    charge_refund,
    charge_set_total,
    charge_waive,
)
from kaft.billing.services.payments import payment_take
from kaft.core.money import Euros
from kaft.members.models import StaffRole
from kaft.privacy.services.owed import amount_owed
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

D = Decimal


def test_owed_is_the_sum_of_charges_less_payments_oldest_first() -> None:
    member = MemberFactory.create()
    first = charge_create(member=member, kind=ChargeKind.ADMINISTRATION, amount=D("2.50"))
    second = charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D("4.00"))
    assert member_owed(member) == D("6.50")

    payment = payment_take(member=member, amount=D("3.00"), method=PaymentMethod.CASH)

    assert payment.amount == D("3.00")
    assert charge_owed(first) == D("0.00")
    assert charge_owed(second) == D("3.50")
    assert member_owed(member) == D("3.50")
    assert [c.pk for c in member_open_charges(member)] == [second.pk]
    assert amount_owed(member) == D("3.50")  # erasure asks the ledger through privacy
    assert list(members_owing()) == [member]


def test_paying_more_than_is_owed_is_refused_and_writes_nothing() -> None:
    member = MemberFactory.create()
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D("4.00"))
    events = ChargeEvent.objects.count()

    with pytest.raises(BillingError) as refused:
        payment_take(member=member, amount=D("4.01"), method=PaymentMethod.PIN)

    assert refused.value.code == BillingErrorCode.AMOUNT_TOO_LARGE
    assert refused.value.params == {"owed": Euros(D("4.00"))}
    assert ChargeEvent.objects.count() == events
    assert not Payment.objects.exists()


def test_paying_another_members_charge_is_refused() -> None:
    member, other = MemberFactory.create(), MemberFactory.create()
    theirs = charge_create(member=other, kind=ChargeKind.DAMAGE, amount=D("4.00"))
    with pytest.raises(BillingError) as refused:
        payment_take(member=member, amount=D("4.00"), method=PaymentMethod.CASH, charges=[theirs])
    assert refused.value.code == BillingErrorCode.OTHER_MEMBER
    assert member_owed(other) == D("4.00")


def test_a_growing_fine_is_brought_to_its_total_once() -> None:
    member = MemberFactory.create()
    fine = charge_create(
        member=member, kind=ChargeKind.OVERDUE_FINE, amount=D("0.15"), accruing=True
    )
    assert charge_set_total(charge=fine, total=D("0.45")) == D("0.30")
    assert charge_set_total(charge=fine, total=D("0.45")) == D("0.00")  # rerun: nothing
    assert charge_owed(fine) == D("0.45")
    assert charge_set_total(charge=fine, total=D("0.30")) == D("-0.15")  # a closed day found
    assert charge_owed(fine) == D("0.30")


def test_only_a_granted_role_may_waive_and_only_with_a_reason() -> None:
    member = MemberFactory.create()
    charge = charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D("4.00"))
    desk = StaffFactory.create()
    finance = StaffFactory.create(profile__role=StaffRole.FINANCE)

    with pytest.raises(BillingError) as refused:
        charge_waive(charge=charge, staff=desk, reason="Goodwill")
    assert refused.value.code == BillingErrorCode.NOT_ALLOWED
    with pytest.raises(BillingError) as refused:
        charge_waive(charge=charge, staff=finance, reason="  ")
    assert refused.value.code == BillingErrorCode.REASON_REQUIRED
    assert charge_owed(charge) == D("4.00")

    event = charge_waive(charge=charge, staff=finance, reason="Goodwill", amount=D("1.00"))

    assert (event.kind, event.amount, event.reason, event.staff) == (
        "waived",
        D("1.00"),
        "Goodwill",
        finance,
    )
    assert charge_owed(charge) == D("3.00")


def test_a_refund_gives_back_what_was_paid_and_leaves_nothing_owed() -> None:
    member = MemberFactory.create()
    lost = charge_create(member=member, kind=ChargeKind.LOST, amount=D("19.95"))
    payment_take(member=member, amount=D("19.95"), method=PaymentMethod.PIN)

    event = charge_refund(charge=lost, method=PaymentMethod.CASH, reason="Found")

    assert event.amount == D("19.95")
    assert charge_owed(lost) == D("0.00")
    assert member_owed(member) == D("0.00")
    with pytest.raises(BillingError) as refused:
        charge_refund(charge=lost, method=PaymentMethod.CASH, reason="Again")
    assert refused.value.code == BillingErrorCode.NOTHING_TO_REFUND


def test_cancel_ends_what_is_owed() -> None:
    member = MemberFactory.create()
    charge = charge_create(member=member, kind=ChargeKind.HOLD, amount=D("1.00"))
    assert charge_cancel(charge=charge, reason="Not ours") is not None
    assert charge_cancel(charge=charge, reason="Again") is None
    assert member_owed(member) == D("0.00")


def test_money_blocks_over_the_threshold_and_unblocks_when_paid(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KAFT_BLOCK_OWED_THRESHOLD = D("10.00")
    member = MemberFactory.create()
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D("10.00"))
    assert member_money_block(member) is None  # at the threshold: not over it
    charge_create(member=member, kind=ChargeKind.ADMINISTRATION, amount=D("0.01"))
    block = member_money_block(member)
    assert block is not None and block.code == "owed_over_threshold"
    assert block.owed == D("10.01")
    assert "10,01" in block.message  # the amount written the Dutch way

    payment_take(member=member, amount=D("0.01"), method=PaymentMethod.CASH)

    assert member_money_block(member) is None


def test_no_amount_pays_everything_owed_on_the_charges_chosen() -> None:
    member = MemberFactory.create()
    first = charge_create(member=member, kind=ChargeKind.ADMINISTRATION, amount=D("2.50"))
    second = charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D("4.00"))

    payment = payment_take(member=member, amount=None, method=PaymentMethod.CASH, charges=[second])

    assert payment.amount == D("4.00")
    assert (charge_owed(first), charge_owed(second)) == (D("2.50"), D("0.00"))
    payment_take(member=member, amount=None, method=PaymentMethod.PIN)
    assert member_owed(member) == D("0.00")
    with pytest.raises(BillingError) as refused:
        payment_take(member=member, amount=None, method=PaymentMethod.PIN)
    assert refused.value.code == BillingErrorCode.NOTHING_OWED
    assert Payment.objects.count() == 2
