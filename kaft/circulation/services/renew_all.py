"""Renewing all of a member's loans at once ("Alles verlengen" in MijnBibliotheek).

Each open loan is decided on its own, under its own locks, by :func:`loan_renew` with
``only_if_later``: a loan is renewed only when that gains something (a later due date, no
waiting reservation of someone else, renewals left, a membership that may borrow). A loan that
would gain nothing is left as it is, and the result says why, per loan. Each renewal is its own
transaction (``loan_renew``'s), so one refused loan never undoes another's renewal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors.loans import member_open_loans
from kaft.circulation.services.loans import loan_renew
from kaft.members.models import Member, User


@dataclass(frozen=True)
class LoanRenewal:
    """What renewing all did with one loan: renewed until ``due_date``, or why not (``code``
    and ``message`` from :class:`~kaft.circulation.errors.CirculationErrorCode`)."""

    loan_id: int
    title: str
    renewed: bool
    due_date: dt.date
    code: str = ""
    message: str = ""


def loans_renew_all(
    *,
    member: Member,
    staff: User | None = None,
    via: str = "portal",
    now: dt.datetime | None = None,
) -> list[LoanRenewal]:
    """Renew every open loan of ``member`` that gains from it; one result per loan, in the order
    of the loans page. Locks per loan as :func:`loan_renew` does (item, then loan)."""
    results = []
    for loan in member_open_loans(member):
        title = loan.item.record.title
        try:
            renewed = loan_renew(loan=loan, staff=staff, via=via, now=now, only_if_later=True)
        except CirculationError as error:
            results.append(
                LoanRenewal(
                    loan_id=loan.pk,
                    title=title,
                    renewed=False,
                    due_date=loan.due_date,
                    code=str(error.code),
                    message=error.message,
                )
            )
        else:
            results.append(
                LoanRenewal(loan_id=loan.pk, title=title, renewed=True, due_date=renewed.due_date)
            )
    return results
