"""The transition tables, and that nothing outside lifecycle.py assigns a status."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kaft.catalog.models import Branch
from kaft.circulation.lifecycle import HOLD_TRANSITIONS, LOAN_TRANSITIONS, hold_apply, loan_apply
from kaft.circulation.models import HoldAction, HoldStatus, LoanAction, LoanStatus
from kaft.circulation.services import hold_cancel, hold_place, loan_checkin, loan_checkout
from kaft.core.lifecycle import TransitionNotAllowed, allowed_actions
from kaft.members.models import Member
from tests.factories_circulation import NOW, make_item

APP = Path(__file__).resolve().parent.parent


def test_the_tables() -> None:
    assert allowed_actions(LOAN_TRANSITIONS, LoanStatus.OPEN) == [
        LoanAction.RENEW,
        LoanAction.DUE_DATE_SET,
        LoanAction.RETURN,
        LoanAction.DECLARE_LOST,
    ]
    assert allowed_actions(LOAN_TRANSITIONS, LoanStatus.RETURNED) == []
    assert allowed_actions(HOLD_TRANSITIONS, HoldStatus.READY) == [
        HoldAction.FULFIL,
        HoldAction.CANCEL,
        HoldAction.EXPIRE,
        HoldAction.SEND,
    ]
    for closed in (HoldStatus.FULFILLED, HoldStatus.CANCELLED, HoldStatus.EXPIRED):
        assert allowed_actions(HOLD_TRANSITIONS, closed) == []


def test_a_move_outside_the_table_is_refused(central: Branch, member: Member) -> None:
    item = make_item(home_branch=central)
    loan = loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW)
    loan_checkin(item=item, branch=central, staff=None, now=NOW)
    loan.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        loan_apply(
            loan=loan, action=LoanAction.RETURN, at=NOW, branch=central, staff=None, via="desk"
        )
    hold = hold_place(record=item.record, member=member, pickup_branch=central, staff=None)
    hold_cancel(hold=hold, staff=None)
    hold.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        hold_apply(hold=hold, action=HoldAction.EXPIRE, at=NOW, staff=None)


def test_only_lifecycle_assigns_statuses() -> None:
    assignment = re.compile(r"\.status\s*=(?!=)")
    offenders = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name != "lifecycle.py"
        and assignment.search(path.read_text())
    ]
    assert offenders == []
