"""A due date moved without a renewal: the lending library of an interlibrary copy recalled it
or gave more time (``kaft/interlibrary/services/lender_dates.py``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from kaft.circulation.lifecycle import loan_apply
from kaft.circulation.locks import item_for_update, loan_for_update
from kaft.circulation.models import Loan, LoanAction, LoanStatus
from kaft.circulation.services._common import clock
from kaft.circulation.services.loan_steps import LoanStep, LoanStepKind, loan_steps_run
from kaft.members.models import User


@transaction.atomic
def loan_due_date_set(
    *,
    loan_id: int,
    due_date: dt.date,
    staff: User | None,
    via: str = "system",
    now: dt.datetime | None = None,
) -> Loan | None:
    """Move the due date of an open loan that is not late, without counting a renewal: the
    lending library of an interlibrary copy recalled it (earlier) or gave more time (later).
    Locks the item row, then the loan row; writes a ``due_set`` event and runs the loan steps.

    Nothing is moved (None) when the loan is no longer open, is already late (its lateness and
    fine stay as they are: the member is asked to bring it back), or already has that date. A
    date before today is taken as today.
    """
    now, today = clock(now)
    item_id = Loan.objects.filter(pk=loan_id).values_list("item_id", flat=True).first()
    if item_id is None:
        return None
    item_for_update(item_id)
    locked = loan_for_update(loan_id)
    due = max(due_date, today)
    if locked.status != LoanStatus.OPEN or locked.due_date < today or locked.due_date == due:
        return None
    return loan_due_move(
        loan=locked, due_date=due, renewal=False, staff=staff, via=via, now=now, today=today
    )


def loan_due_move(
    *,
    loan: Loan,
    due_date: dt.date,
    renewal: bool,
    staff: User | None,
    via: str,
    now: dt.datetime,
    today: dt.date,
) -> Loan:
    """Give the locked, open ``loan`` its new ``due_date`` — a renewal (counted) or a move
    without one — with its event, and run the loan steps told the old date. The callers
    (:func:`~kaft.circulation.services.loans.loan_renew`, :func:`loan_due_date_set`) decide
    whether it may move."""
    previous = loan.due_date
    moved = loan_apply(
        loan=loan,
        action=LoanAction.RENEW if renewal else LoanAction.DUE_DATE_SET,
        at=now,
        branch=None,
        staff=staff,
        via=via,
        due_date=due_date,
    )
    loan_steps_run(
        LoanStep(
            LoanStepKind.RENEWED if renewal else LoanStepKind.DUE_DATE_SET,
            moved,
            now,
            today,
            branch=None,
            staff=staff,
            previous_due_date=previous,
        )
    )
    return moved
