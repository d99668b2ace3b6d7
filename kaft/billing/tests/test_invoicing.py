"""Charges and invoices in bulk (the reminder job's writes): same ledger, fixed statements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from kaft.billing.errors import BillingError
from kaft.billing.models import Charge, ChargeEvent, ChargeKind
from kaft.billing.selectors.charges import member_owed
from kaft.billing.selectors.invoicing import (
    loans_open_uninvoiced_charges,
    loans_with_replacement_charge,
    members_owed,
)
from kaft.billing.services.charges import charge_create, charge_waive
from kaft.billing.services.invoicing import (
    ChargeDraft,
    charges_create_many,
    charges_put_on_invoices,
    invoices_create_many,
)
from kaft.members.models import StaffRole
from tests.factories import MemberFactory, StaffFactory
from tests.factories_notices import make_open_loan

pytestmark = pytest.mark.django_db

D = Decimal
NOW = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)


def _draft(member, kind=ChargeKind.ADMINISTRATION, amount="2.50", **kwargs) -> ChargeDraft:
    return ChargeDraft(
        member_id=member.pk,
        member_category_id=member.category_id,
        kind=kind,
        amount=D(amount),
        **kwargs,
    )


def test_many_charges_are_two_inserts_and_owed_like_one_by_one() -> None:
    anna, bram = MemberFactory.create(), MemberFactory.create()
    loan = make_open_loan(member=anna)
    drafts = [
        _draft(anna),
        _draft(anna, ChargeKind.LOST, "19.95", loan_id=loan.pk, item_id=loan.item_id),
        _draft(bram, amount="1.00"),
    ]
    with CaptureQueriesContext(connection) as queries:
        charges = charges_create_many(drafts=drafts, now=NOW)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 2
    assert [c.pk is not None for c in charges] == [True, True, True]
    assert (member_owed(anna), member_owed(bram)) == (D("22.45"), D("1.00"))
    assert members_owed([anna.pk, bram.pk]) == {anna.pk: D("22.45"), bram.pk: D("1.00")}
    assert ChargeEvent.objects.filter(charge__member=anna, at=NOW).count() == 2
    assert loans_with_replacement_charge([loan.pk]) == {loan.pk}


def test_a_second_replacement_charge_for_a_loan_writes_nothing() -> None:
    anna = MemberFactory.create()
    loan = make_open_loan(member=anna)
    charge_create(member=anna, kind=ChargeKind.LOST, amount=D("10.00"), loan_id=loan.pk)
    with pytest.raises(IntegrityError):
        charges_create_many(
            drafts=[_draft(anna), _draft(anna, ChargeKind.LOST, "10.00", loan_id=loan.pk)],
            now=NOW,
        )
    assert Charge.objects.count() == 1


def test_a_non_positive_amount_is_refused_and_nothing_written() -> None:
    anna = MemberFactory.create()
    with pytest.raises(BillingError):
        charges_create_many(drafts=[_draft(anna), _draft(anna, amount="0.00")], now=NOW)
    assert not Charge.objects.exists()


def test_open_charges_go_on_an_invoice_and_settled_or_invoiced_ones_stay() -> None:
    anna = MemberFactory.create()
    loan = make_open_loan(member=anna)
    fine = charge_create(
        member=anna, kind=ChargeKind.OVERDUE_FINE, amount=D("3.00"), loan_id=loan.pk
    )
    waived = charge_create(member=anna, kind=ChargeKind.DAMAGE, amount=D("5.00"), loan_id=loan.pk)
    charge_waive(
        charge=waived, staff=StaffFactory.create(profile__role=StaffRole.FINANCE), reason="Coulance"
    )
    [earlier, invoice] = invoices_create_many(
        member_ids=[anna.pk, anna.pk], issued_on=NOW.date(), due_on=NOW.date()
    )
    already = charge_create(
        member=anna, kind=ChargeKind.ADMINISTRATION, amount=D("2.50"), loan_id=loan.pk
    )
    Charge.objects.filter(pk=already.pk).update(invoice=earlier)

    open_charges = loans_open_uninvoiced_charges([loan.pk])

    assert [(c.pk, c.kind, c.owed) for c in open_charges] == [(fine.pk, "fine", D("3.00"))]
    moved = charges_put_on_invoices(charge_ids_by_invoice={invoice.pk: [fine.pk, already.pk]})
    assert moved == 1
    assert dict(Charge.objects.values_list("pk", "invoice_id")) == {
        fine.pk: invoice.pk,
        waived.pk: None,
        already.pk: earlier.pk,
    }
