"""The fines job locks each chunk's loans and their fines (PostgreSQL: row locks), so a checkin
of the same loan waits for it and then sees the fine instead of making a second one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaft.billing.models import Charge
from kaft.billing.services.fines import fines_update
from kaft.catalog.models import Branch
from kaft.circulation.models import Loan, LoanRule
from kaft.members.models import Member
from tests.factories_circulation import bulk_open_loans
from tests.locking import POSTGRESQL_ONLY, assert_locks_row

pytestmark = [POSTGRESQL_ONLY, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_a_chunk_holds_its_loans_and_fines_until_it_commits(
    fine_rule: LoanRule, central: Branch, member: Member
) -> None:
    (loan,) = bulk_open_loans(member, 1, branches=[central], due_in_days=(-5,))
    today = dt.date(2026, 3, 2)

    assert_locks_row(Loan, loan.pk, lambda: fines_update(today=today))
    charge = Charge.objects.get(loan_id=loan.pk)
    assert_locks_row(Charge, charge.pk, lambda: fines_update(today=today + dt.timedelta(days=1)))
    assert Charge.objects.get(pk=charge.pk).events.count() == 2
    assert sum(e.amount for e in charge.events.all()) == Decimal("1.20")
