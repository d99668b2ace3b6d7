"""Loans that end as lost: the copy did not come back (staff at the desk, or the reminder
schedule's last step, many loans at once).

What a lost copy costs is not circulation's business. The registered steps for lost loans run
in the same transaction, for all the loans at once (``kaft.circulation.services.loan_steps``):
billing ends each fine at what it reached and charges the copy's replacement price, once per
loan (the reminder schedule may have charged it already at its invoice step). When the copy turns up again,
:func:`loan_checkin` closes the lost loan as returned and the steps decide about the money.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.lifecycle import items_set_status, loans_apply
from kaft.circulation.models import Loan, LoanAction, LoanStatus
from kaft.circulation.services._common import clock
from kaft.circulation.services.loan_steps import LoansLost, loans_lost_steps_run
from kaft.members.models import User


@transaction.atomic
def loans_declare_lost(
    *,
    loan_ids: Sequence[int],
    now: dt.datetime | None = None,
    staff: User | None = None,
    branch: Branch | None = None,
    via: str = "system",
) -> list[Loan]:
    """End each still-open loan of ``loan_ids`` as lost and mark its copy lost.

    A loan that was returned (or declared lost) in the meantime is left alone. Returns the loans
    declared lost now. A fixed number of statements however many loans (lock the copies, lock
    the loans, update the loans, insert their events, update the copies), and the registered
    steps for lost loans, each for all of them at once.

    Locks: the copies first, then the loans, each in primary-key order (``locks.py``'s order), so
    a checkin of one of these copies at the same moment waits, and is then a return of a lost
    loan (or this call finds the loan returned and skips it).
    """
    if not loan_ids:
        return []
    now, today = clock(now)
    item_ids = list(
        Loan.objects.filter(pk__in=loan_ids, status=LoanStatus.OPEN).values_list(
            "item_id", flat=True
        )
    )
    list(Item.objects.select_for_update().filter(pk__in=item_ids).order_by("pk").values("pk"))
    loans = list(
        Loan.objects.select_for_update()
        .filter(pk__in=loan_ids, status=LoanStatus.OPEN)
        .select_related("item")
        .order_by("pk")
    )
    if not loans:
        return []
    loans_apply(
        loans=loans, action=LoanAction.DECLARE_LOST, at=now, branch=branch, staff=staff, via=via
    )
    items_set_status([loan.item_id for loan in loans], ItemStatus.LOST)
    loans_lost_steps_run(LoansLost(loans, now, today, branch, staff))
    return loans


def loan_declare_lost(
    *,
    loan: Loan,
    staff: User | None,
    via: str = "desk",
    now: dt.datetime | None = None,
    branch: Branch | None = None,
) -> Loan:
    """Declare the copy of the open ``loan`` lost: the loan becomes ``lost``, the copy too.
    Refuses a loan that is not open (NOT_ON_LOAN; nothing is written)."""
    declared = loans_declare_lost(loan_ids=[loan.pk], now=now, staff=staff, branch=branch, via=via)
    if not declared:
        raise CirculationError(CirculationErrorCode.NOT_ON_LOAN)
    return declared[0]
