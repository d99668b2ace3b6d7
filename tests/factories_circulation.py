"""Typed helpers for circulation tests: build rows with the shared factories, plus a database
snapshot to prove that a refused action changed nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kaft.catalog.models import Branch, ClosedDay, Item, ItemStatus, ItemType, Record
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import Hold, HoldEvent, Loan, LoanEvent, LoanRule, Transfer
from kaft.members.models import Member, MemberCategory, User
from tests.factories import (
    BranchFactory,
    ItemFactory,
    LoanRuleFactory,
    MemberCategoryFactory,
    MemberFactory,
    RecordFactory,
    StaffFactory,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Monday 2 March 2026, 10:00 in Amsterdam: the clock every circulation test runs on.
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)
TODAY = NOW.date()


def make_branch(**kwargs: Any) -> Branch:
    return cast(Branch, BranchFactory(**kwargs))


def make_record(**kwargs: Any) -> Record:
    return cast(Record, RecordFactory(**kwargs))


def make_item(**kwargs: Any) -> Item:
    return cast(Item, ItemFactory(**kwargs))


def make_category(**kwargs: Any) -> MemberCategory:
    return cast(MemberCategory, MemberCategoryFactory(**kwargs))


def make_member(**kwargs: Any) -> Member:
    return cast(Member, MemberFactory(**kwargs))


def make_staff(**kwargs: Any) -> User:
    return cast(User, StaffFactory(**kwargs))


def make_rule(**kwargs: Any) -> LoanRule:
    return cast(LoanRule, LoanRuleFactory(**kwargs))


def bulk_open_loans(
    member: Member,
    count: int,
    *,
    branches: Sequence[Branch],
    item_types: Sequence[str] = (ItemType.BOOK,),
    due_in_days: Sequence[int] = (0,),
    renewals: Sequence[int] = (0,),
) -> list[Loan]:
    """``count`` open loans of ``member`` in two bulk inserts, for query-count tests.

    Loan n takes the n-th value of ``branches``, ``item_types``, ``due_in_days`` (from TODAY)
    and ``renewals``, each cycling; all copies belong to one new record.
    """
    record = make_record()

    def nth(values: Sequence[Any], n: int) -> Any:
        return values[n % len(values)]

    items = Item.objects.bulk_create(
        Item(
            barcode=f"7{member.pk:05d}{n:06d}",
            record=record,
            home_branch=nth(branches, n),
            current_branch=nth(branches, n),
            item_type=nth(item_types, n),
            status=ItemStatus.ON_LOAN,
        )
        for n in range(count)
    )
    return Loan.objects.bulk_create(
        Loan(
            item=item,
            member=member,
            checked_out_at=NOW,
            due_date=TODAY + dt.timedelta(days=nth(due_in_days, n)),
            renewals=nth(renewals, n),
            record=record,
            branch=nth(branches, n),
        )
        for n, item in enumerate(items)
    )


def close_day(branch: Branch, day: dt.date) -> ClosedDay:
    return ClosedDay.objects.create(branch=branch, date=day, reason="Feestdag")


def db_state() -> dict[str, object]:
    """Everything circulation writes, to compare before and after a refused action."""
    return {
        "loans": list(
            Loan.objects.order_by("pk").values_list("pk", "status", "due_date", "renewals")
        ),
        "holds": list(Hold.objects.order_by("pk").values_list("pk", "status", "item_id")),
        "items": list(Item.objects.order_by("pk").values_list("pk", "status", "current_branch_id")),
        "transfers": list(Transfer.objects.order_by("pk").values_list("pk", "status")),
        "loan_events": LoanEvent.objects.count(),
        "hold_events": HoldEvent.objects.count(),
    }


def assert_refused(
    action: Callable[[], object], code: CirculationErrorCode, english: str
) -> CirculationError:
    """``action`` raises ``code`` with the English message ``english`` and changes nothing."""
    before = db_state()
    with pytest.raises(CirculationError) as excinfo:
        action()
    error = excinfo.value
    assert error.code == code
    with translation.override("en"):
        assert error.message == english
    assert db_state() == before
    return error
