"""loan_renew: new due date, and the reasons a renewal is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from kaft.catalog.models import Branch
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Hold, Loan, LoanEvent
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout, loan_renew
from kaft.members.models import Member, MemberStatus
from tests.factories_circulation import NOW, assert_refused, make_item, make_rule


@pytest.fixture
def loan(central: Branch, member: Member) -> Loan:
    item = make_item(home_branch=central)
    return loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW)


def test_renewal_adds_the_loan_period_to_the_current_due_date(loan: Loan) -> None:
    renewed = loan_renew(loan=loan, staff=None, via="portal", now=NOW + dt.timedelta(days=5))

    assert (renewed.due_date, renewed.renewals) == (dt.date(2026, 4, 13), 1)  # 23 March + 21
    event = LoanEvent.objects.filter(loan=loan).latest("pk")
    assert (event.action, event.via) == ("renew", "portal")


def test_an_overdue_loan_is_renewed_from_today_to_an_open_day(loan: Loan, central: Branch) -> None:
    central.closed_weekdays = [2]  # Wednesdays
    central.save()
    later = dt.datetime(2026, 4, 1, 12, 0, tzinfo=NOW.tzinfo)  # due date 23 March has passed

    renewed = loan_renew(loan=loan, staff=None, now=later)

    assert renewed.due_date == dt.date(2026, 4, 23)  # 22 April is a Wednesday


def test_a_waiting_hold_of_another_member_blocks_renewal(
    loan: Loan, central: Branch, other_member: Member
) -> None:
    hold_place(record=loan.record, member=other_member, pickup_branch=central, staff=None, now=NOW)
    assert_refused(
        lambda: loan_renew(loan=loan, staff=None, now=NOW),
        CirculationErrorCode.RENEWAL_RESERVED,
        "This item cannot be renewed: another member has reserved it.",
    )


def test_a_hold_already_served_by_another_copy_does_not_block(
    loan: Loan, central: Branch, other_member: Member
) -> None:
    hold_place(record=loan.record, member=other_member, pickup_branch=central, staff=None, now=NOW)
    other_copy = make_item(record=loan.record, home_branch=central)
    loan_checkin(item=other_copy, branch=central, staff=None, now=NOW)  # READY for other_member

    assert loan_renew(loan=loan, staff=None, now=NOW).renewals == 1


def test_no_renewals_left(loan: Loan) -> None:
    make_rule(renewals_allowed=1)
    loan_renew(loan=loan, staff=None, now=NOW)
    assert_refused(
        lambda: loan_renew(loan=loan, staff=None, now=NOW),
        CirculationErrorCode.NO_RENEWALS_LEFT,
        "This item cannot be renewed again.",
    )


def test_blocked_member_cannot_renew(loan: Loan, member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.BLOCKED)
    assert_refused(
        lambda: loan_renew(loan=loan, staff=None, now=NOW),
        CirculationErrorCode.MEMBER_BLOCKED,
        "This membership is blocked. Please ask at the desk.",
    )


def test_expired_member_cannot_renew(loan: Loan, member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(membership_end=dt.date(2026, 3, 1))
    assert_refused(
        lambda: loan_renew(loan=loan, staff=None, now=NOW),
        CirculationErrorCode.MEMBER_EXPIRED,
        "This membership has expired. Please renew it at the desk.",
    )


def test_a_returned_loan_cannot_be_renewed(loan: Loan, central: Branch) -> None:
    loan_checkin(item=loan.item, branch=central, staff=None, now=NOW)
    assert_refused(
        lambda: loan_renew(loan=loan, staff=None, now=NOW),
        CirculationErrorCode.NOT_ON_LOAN,
        "This item is not on loan.",
    )


def test_the_members_own_waiting_hold_does_not_count(
    loan: Loan, central: Branch, member: Member
) -> None:
    # (hold_place refuses this while the member borrows the title; a row made otherwise is ignored)
    Hold.objects.create(record=loan.record, member=member, pickup_branch=central, placed_at=NOW)

    assert loan_renew(loan=loan, staff=None, now=NOW).renewals == 1
