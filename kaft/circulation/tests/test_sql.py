"""The hand-written hot-path SQL (kaft.circulation.sql) gives what the ORM gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Model
from django.db.transaction import TransactionManagementError

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType
from kaft.circulation import sql
from kaft.circulation.models import (
    HoldStatus,
    Loan,
    LoanRule,
    LoanStatus,
    Transfer,
    TransferReason,
    TransferStatus,
)
from kaft.circulation.selectors.holds import item_routing_facts
from kaft.circulation.selectors.loans import checkout_facts, rule_for
from kaft.circulation.services import hold_place
from kaft.members.models import Member
from tests.factories_circulation import (
    NOW,
    TODAY,
    close_day,
    make_item,
    make_member,
    make_record,
    make_rule,
)


def _field_values(obj: object, model: type[Model]) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}


def test_lock_one_reads_the_same_row_as_the_orm(central: Branch, member: Member) -> None:
    item = make_item(home_branch=central, status=ItemStatus.ON_LOAN)
    loan = Loan.objects.create(
        item=item,
        member=member,
        checked_out_at=NOW,
        due_date=TODAY,
        record=item.record,
        branch=central,
    )

    with transaction.atomic():
        locked_item = sql.lock_one(Item, pk=item.pk)
        locked_member = sql.lock_one(Member, pk=member.pk)
        locked_loan = sql.lock_one(Loan, item=item.pk, status=LoanStatus.OPEN)
        missing = sql.lock_one(Loan, item=item.pk, status=LoanStatus.RETURNED)

    assert _field_values(locked_item, Item) == _field_values(Item.objects.get(pk=item.pk), Item)
    assert _field_values(locked_member, Member) == _field_values(
        Member.objects.get(pk=member.pk), Member
    )
    assert _field_values(locked_loan, Loan) == _field_values(Loan.objects.get(pk=loan.pk), Loan)
    assert missing is None
    assert locked_item is not None and locked_item._state.adding is False


def test_lock_one_refuses_to_run_outside_a_transaction(
    central: Branch, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = make_item(home_branch=central)
    monkeypatch.setattr(connection, "get_autocommit", lambda: True)  # as outside any atomic
    with pytest.raises(TransactionManagementError):
        sql.lock_one(Item, pk=item.pk)


def test_the_copy_locked_by_barcode_is_the_orms_with_its_record(central: Branch) -> None:
    # Given a copy on loan and its record
    item = make_item(home_branch=central, status=ItemStatus.ON_LOAN, barcode="30000000000021")
    item = Item.objects.select_related("record").get(pk=item.pk)

    # When it is locked by its barcode, and an unknown barcode is
    with transaction.atomic():
        locked = sql.lock_item_with_record("30000000000021")
        missing = sql.lock_item_with_record("30000000000039")

    # Then it is the row the ORM reads, its record loaded (no query), and nothing for the other
    assert locked is not None and missing is None
    assert _field_values(locked, Item) == _field_values(item, Item)
    assert Item.record.is_cached(locked)  # type: ignore[attr-defined]
    assert _field_values(locked.record, type(item.record)) == _field_values(
        item.record, type(item.record)
    )


def test_the_copy_lock_by_barcode_refuses_to_run_outside_a_transaction(
    central: Branch, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_item(home_branch=central, barcode="30000000000021")
    monkeypatch.setattr(connection, "get_autocommit", lambda: True)  # as outside any atomic
    with pytest.raises(TransactionManagementError):
        sql.lock_item_with_record("30000000000021")


def test_checkout_facts_count_open_loans_only(central: Branch, member: Member) -> None:
    record = make_record()
    for status in (LoanStatus.OPEN, LoanStatus.OPEN, LoanStatus.RETURNED, LoanStatus.LOST):
        copy = make_item(record=record, home_branch=central)
        Loan.objects.create(
            item=copy,
            member=member,
            status=status,
            checked_out_at=NOW,
            due_date=TODAY,
            record=record,
            branch=central,
        )
    Loan.objects.create(
        item=make_item(home_branch=central),
        member=make_member(),
        checked_out_at=NOW,
        due_date=TODAY,
        record=record,
        branch=central,
    )
    item = make_item(home_branch=central)

    facts = checkout_facts(member=member, item=item, branch=central, today=TODAY)

    assert (facts.open_loans, facts.has_active_hold, facts.due_day_closed) == (2, False, False)
    assert facts.rule.pk is None and facts.rule.loan_days == 21  # the built-in default


def test_checkout_facts_find_the_rule_the_own_hold_and_a_closed_due_date(
    central: Branch, west: Branch, member: Member
) -> None:
    make_rule(loan_days=21)
    rule = make_rule(
        branch=central,
        category=member.category,
        item_type=ItemType.BOOK,
        loan_days=14,
        fine_per_day=Decimal("0.25"),
    )
    rule.refresh_from_db()
    make_rule(branch=west, category=member.category, item_type=ItemType.BOOK, loan_days=7)
    item = make_item(home_branch=central, item_type=ItemType.BOOK)
    hold_place(record=item.record, member=member, pickup_branch=central, staff=None, now=NOW)
    close_day(central, TODAY + dt.timedelta(days=14))
    close_day(west, TODAY + dt.timedelta(days=21))

    facts = checkout_facts(member=member, item=item, branch=central, today=TODAY)

    assert _field_values(facts.rule, LoanRule) == _field_values(rule, LoanRule)
    assert facts.rule.fine_per_day == Decimal("0.25") and facts.rule.loan_days == 14
    assert _field_values(
        rule_for(branch=central, category=member.category, item_type=ItemType.BOOK), LoanRule
    ) == _field_values(rule, LoanRule)
    assert (facts.open_loans, facts.has_active_hold, facts.due_day_closed) == (0, True, True)


def test_checkout_facts_ignore_closed_holds_and_other_days(central: Branch, member: Member) -> None:
    item = make_item(home_branch=central)
    hold = hold_place(record=item.record, member=member, pickup_branch=central, staff=None, now=NOW)
    hold.status = HoldStatus.CANCELLED  # a closed hold does not count
    hold.save(update_fields=["status"])
    close_day(central, TODAY + dt.timedelta(days=20))

    facts = checkout_facts(member=member, item=item, branch=central, today=TODAY)

    assert (facts.has_active_hold, facts.due_day_closed) == (False, False)


def test_routing_facts(central: Branch, west: Branch, member: Member) -> None:
    item = make_item(home_branch=central, status=ItemStatus.IN_TRANSIT)
    facts = item_routing_facts(item_id=item.pk, record_id=item.record_id)
    assert (facts.in_transit, facts.set_aside, facts.queue) == (False, False, False)

    hold = hold_place(record=item.record, member=member, pickup_branch=west, staff=None, now=NOW)
    facts = item_routing_facts(item_id=item.pk, record_id=item.record_id)
    assert (facts.in_transit, facts.set_aside, facts.queue) == (False, False, True)

    hold.status, hold.item = HoldStatus.IN_TRANSIT, item
    hold.save(update_fields=["status", "item"])
    Transfer.objects.create(
        item=item,
        from_branch=central,
        to_branch=west,
        reason=TransferReason.HOLD,
        hold=hold,
        status=TransferStatus.IN_TRANSIT,
        sent_at=NOW,
    )
    facts = item_routing_facts(item_id=item.pk, record_id=item.record_id)
    assert (facts.in_transit, facts.set_aside, facts.queue) == (True, True, False)
