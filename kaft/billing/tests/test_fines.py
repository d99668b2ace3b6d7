"""Late fees in the ledger: one charge per loan, grown by the daily job, ended at checkin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.billing.models import Charge, ChargeEvent, ChargeKind
from kaft.billing.selectors.charges import charge_owed, member_owed
from kaft.billing.services.charges import charge_waive
from kaft.billing.services.fines import fines_update
from kaft.catalog.models import Branch
from kaft.circulation.models import Loan, LoanRule
from kaft.circulation.services import loan_checkin, loan_checkout, loan_renew
from kaft.members.models import Member, StaffRole
from tests.factories import StaffFactory
from tests.factories_circulation import (
    AMSTERDAM,
    NOW,
    bulk_open_loans,
    close_day,
    make_category,
    make_item,
    make_member,
)

D = Decimal
DUE = dt.date(2026, 3, 23)  # NOW + 21 days, a Monday


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 11, 0, tzinfo=AMSTERDAM)


def lend(member: Member, branch: Branch, price: str = "19.95") -> Loan:
    item = make_item(home_branch=branch, replacement_price=D(price))
    loan = loan_checkout(item=item, member=member, staff=None, branch=branch, now=NOW)
    assert loan.due_date == DUE
    return loan


def fine_of(loan: Loan) -> Charge:
    return Charge.objects.get(loan_id=loan.pk, kind=ChargeKind.OVERDUE_FINE)


def test_the_job_grows_one_charge_per_loan_and_a_rerun_writes_nothing(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lend(member, central)

    assert fines_update(today=DUE).events == 0  # due today: not late
    run = fines_update(today=dt.date(2026, 3, 26))  # 24, 25, 26 March
    assert (run.loans, run.created, run.events) == (1, 1, 1)
    charge = fine_of(loan)
    assert charge.accruing and charge.member == member and charge.item_id == loan.item_id
    assert charge_owed(charge) == D("0.60")

    again = fines_update(today=dt.date(2026, 3, 26))
    assert (again.created, again.events) == (0, 0)

    # days missed are caught up: the total is computed, not added to
    fines_update(today=dt.date(2026, 3, 30))
    assert charge_owed(fine_of(loan)) == D("1.40")
    assert Charge.objects.filter(loan_id=loan.pk).count() == 1
    assert list(ChargeEvent.objects.filter(charge=charge).values_list("amount", flat=True)) == [
        D("0.60"),
        D("0.80"),
    ]

    # the cap
    fines_update(today=dt.date(2026, 6, 1))
    assert charge_owed(fine_of(loan)) == D("5.00")
    assert fines_update(today=dt.date(2026, 6, 2)).events == 0


def test_a_closed_day_found_later_takes_its_fee_back(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lend(member, central)
    fines_update(today=dt.date(2026, 3, 26))
    close_day(central, dt.date(2026, 3, 25))

    run = fines_update(today=dt.date(2026, 3, 26))

    assert run.events == 1
    assert charge_owed(fine_of(loan)) == D("0.40")


def test_checkin_ends_the_fine_at_the_return_day(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lend(member, central)
    fines_update(today=dt.date(2026, 3, 26))

    result = loan_checkin(item=loan.item, branch=central, staff=None, now=at(dt.date(2026, 3, 28)))

    assert result.returned_late
    charge = fine_of(loan)
    assert not charge.accruing
    assert charge_owed(charge) == D("1.00")  # five days
    assert fines_update(today=dt.date(2026, 4, 10)).events == 0
    assert charge_owed(fine_of(loan)) == D("1.00")


def test_checkin_of_a_late_loan_the_job_never_saw_charges_it_once(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lend(member, central)

    loan_checkin(item=loan.item, branch=central, staff=None, now=at(dt.date(2026, 3, 25)))

    charge = fine_of(loan)
    assert (charge.accruing, charge_owed(charge)) == (False, D("0.40"))
    assert member_owed(member) == D("0.40")


def test_on_time_no_fine_and_no_query_spent_on_one(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lend(member, central)
    with CaptureQueriesContext(connection) as back:
        loan_checkin(item=loan.item, branch=central, staff=None, now=at(DUE))
    assert not Charge.objects.exists()
    assert not any("billing_charge" in q["sql"] for q in back.captured_queries)


def test_an_exempt_category_gets_no_fine(fine_rule: LoanRule, central: Branch) -> None:
    child = make_member(
        home_branch=central, category=make_category(code="jeugd", charges_no_fines=True)
    )
    loan = lend(child, central)

    assert fines_update(today=dt.date(2026, 4, 20)).loans == 1
    loan_checkin(item=loan.item, branch=central, staff=None, now=at(dt.date(2026, 4, 20)))

    assert not Charge.objects.exists()


def test_a_waived_fine_no_longer_grows(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lend(member, central)
    fines_update(today=dt.date(2026, 3, 26))
    finance = StaffFactory.create(profile__role=StaffRole.FINANCE)
    charge_waive(charge=fine_of(loan), staff=finance, reason="Ziek geweest")

    assert fines_update(today=dt.date(2026, 4, 10)).events == 0
    loan_checkin(item=loan.item, branch=central, staff=None, now=at(dt.date(2026, 4, 10)))

    assert charge_owed(fine_of(loan)) == D("0.00")
    assert ChargeEvent.objects.filter(charge__loan_id=loan.pk).count() == 2  # charged, waived


def test_a_late_renewal_keeps_the_fine_so_far_and_starts_afresh(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lend(member, central)

    renewed = loan_renew(loan=loan, staff=None, now=at(dt.date(2026, 3, 26)))

    assert renewed.due_date == dt.date(2026, 4, 16)
    charge = fine_of(loan)
    assert (charge.accruing, charge.fine_earlier, charge_owed(charge)) == (
        True,
        D("0.60"),
        D("0.60"),
    )
    assert fines_update(today=dt.date(2026, 4, 10)).events == 0  # not late now
    fines_update(today=dt.date(2026, 4, 18))  # two days late again
    assert charge_owed(fine_of(loan)) == D("1.00")

    loan_checkin(item=loan.item, branch=central, staff=None, now=at(dt.date(2026, 4, 19)))

    charge = fine_of(loan)
    assert (charge.accruing, charge_owed(charge)) == (False, D("1.20"))
    assert Charge.objects.count() == 1


def test_an_on_time_renewal_charges_nothing(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    loan = lend(member, central)
    loan_renew(loan=loan, staff=None, now=at(dt.date(2026, 3, 20)))
    loan_checkin(item=loan.item, branch=central, staff=None, now=at(dt.date(2026, 3, 21)))
    assert not Charge.objects.exists()


def _run_queries(today: dt.date, chunk_size: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        fines_update(today=today, chunk_size=chunk_size)
    return len(queries)


@pytest.mark.parametrize("count", [3, 40])
def test_statements_per_chunk_do_not_depend_on_its_size(
    fine_rule: LoanRule, central: Branch, member: Member, count: int
) -> None:
    # given overdue loans (due 5 days before 2 March), one of them without a fine yet
    bulk_open_loans(member, count, branches=[central], due_in_days=(-5,))
    today = dt.date(2026, 3, 2)

    # a chunk creating fines: select loans, branches, closed days, fines, insert fines, insert
    # events; then the empty select that ends the run (each chunk is a SAVEPOINT pair here)
    assert _run_queries(today, chunk_size=100) == (2 + 6) + (2 + 1)
    assert Charge.objects.count() == count
    assert member_owed(member) == D("1.00") * count
    # a rerun writes nothing: the four reads only
    assert _run_queries(today, chunk_size=100) == (2 + 4) + (2 + 1)
    # a day later, in chunks of 10: one insert of events per chunk
    chunks = -(-count // 10)
    assert _run_queries(today + dt.timedelta(days=1), chunk_size=10) == chunks * (2 + 5) + 3
    assert member_owed(member) == D("1.20") * count
    assert Charge.objects.count() == count


def test_the_daily_task_runs_the_job_and_is_in_the_beat_schedule(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    from django.conf import settings

    from kaft.billing.tasks import update_fines

    bulk_open_loans(member, 2, branches=[central], due_in_days=(-30,))

    assert update_fines() == 2  # two fines charged (today's date: long overdue, capped)
    assert update_fines() == 0
    assert member_owed(member) == D("10.00")
    entry = settings.CELERY_BEAT_SCHEDULE["update-fines"]
    assert entry["task"] == "kaft.billing.tasks.update_fines"
