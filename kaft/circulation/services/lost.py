"""Loans that end as lost: the copy did not come back (the reminder schedule's last step, or
staff at the desk).

What a lost copy costs is not circulation's business: billing charges the replacement price (the
reminder schedule does it at its invoice step). Circulation only ends the loan and marks the copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.lifecycle import items_set_status, loans_apply
from kaft.circulation.models import Loan, LoanAction, LoanStatus
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
    declared lost now. A fixed number of statements however many loans: lock the copies, lock
    the loans, update the loans, insert their events, update the copies.

    Locks: the copies first, then the loans, each in primary-key order (``locks.py``'s order), so
    a checkin of one of these copies at the same moment waits, and is then a return of a lost
    loan (or this call finds the loan returned and skips it).
    """
    if not loan_ids:
        return []
    now = now or timezone.now()
    item_ids = list(
        Loan.objects.filter(pk__in=loan_ids, status=LoanStatus.OPEN).values_list(
            "item_id", flat=True
        )
    )
    list(Item.objects.select_for_update().filter(pk__in=item_ids).order_by("pk").values("pk"))
    loans = list(
        Loan.objects.select_for_update()
        .filter(pk__in=loan_ids, status=LoanStatus.OPEN)
        .order_by("pk")
    )
    if not loans:
        return []
    loans_apply(
        loans=loans, action=LoanAction.DECLARE_LOST, at=now, branch=branch, staff=staff, via=via
    )
    items_set_status([loan.item_id for loan in loans], ItemStatus.LOST)
    return loans


def loan_declare_lost(
    *,
    loan: Loan,
    now: dt.datetime | None = None,
    staff: User | None = None,
    branch: Branch | None = None,
    via: str = "desk",
) -> bool:
    """End one open loan as lost (see :func:`loans_declare_lost`); False when it was not open."""
    return bool(
        loans_declare_lost(loan_ids=[loan.pk], now=now, staff=staff, branch=branch, via=via)
    )
