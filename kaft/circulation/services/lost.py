"""A member lost a copy: the loan ends as lost and the copy leaves circulation.

Locks the item row, then the loan (the order of ``kaft.circulation.locks``). The registered loan
steps run in the same transaction: billing ends the fine (what it reached today) and charges
the copy's replacement price. When the copy turns up again, :func:`loan_checkin` closes the lost
loan as returned and the steps decide about the money.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from kaft.catalog.models import ItemStatus
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.lifecycle import item_set_status, loan_apply
from kaft.circulation.locks import item_for_update, loan_for_update
from kaft.circulation.models import Loan, LoanAction, LoanStatus
from kaft.circulation.services._common import clock
from kaft.circulation.services.loan_steps import LoanStep, LoanStepKind, loan_steps_run
from kaft.members.models import User


@transaction.atomic
def loan_declare_lost(
    *, loan: Loan, staff: User | None, via: str = "desk", now: dt.datetime | None = None
) -> Loan:
    """Declare the copy of the open ``loan`` lost: the loan becomes ``lost``, the copy too.
    Refuses a loan that is not open (NOT_ON_LOAN; nothing is written)."""
    now, today = clock(now)
    item = item_for_update(loan.item_id)
    locked = loan_for_update(loan.pk)
    if locked.status != LoanStatus.OPEN:
        raise CirculationError(CirculationErrorCode.NOT_ON_LOAN)
    loan_apply(
        loan=locked, action=LoanAction.DECLARE_LOST, at=now, branch=None, staff=staff, via=via
    )
    item_set_status(item, ItemStatus.LOST)
    loan_steps_run(LoanStep(LoanStepKind.DECLARED_LOST, locked, now, today, None, staff))
    return locked
