"""A book another library lent us for a member: the member's loan of it follows the lender.

The member's loan follows the lender (:func:`follow_lender`): it is due
``KAFT_ILL_SHIPPING_DAYS`` before the lender's due date (or earlier, by our own lending rule);
the member cannot renew it (circulation refuses ``RENEWAL_BY_LENDER``: the desk asks the lender,
``requesting.request_renew_ask``); a lender's later due date gives the member the same extra
time, and a recall brings the member's due date forward to at most ``KAFT_ILL_RECALL_DAYS`` from
today. Each change of the member's due date is a message to the member. A loan already late is
not moved.
The temporary copy has its own item type (``interlibrary``): nobody else can reserve it and its
title is not in the public catalogue.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kaft.circulation.models import Loan, LoanStatus
from kaft.circulation.services.due_dates import loan_due_date_set
from kaft.interlibrary.models import InterlibraryRequest
from kaft.notices.services.interlibrary import notice_queue_ill_due_changed


def member_due(lender_due: dt.date | None) -> dt.date | None:
    """The member's due date for a book due back at its lender on ``lender_due``."""
    if lender_due is None:
        return None
    return lender_due - dt.timedelta(days=settings.KAFT_ILL_SHIPPING_DAYS)


def follow_lender(request: InterlibraryRequest, *, recalled: bool, now: dt.datetime) -> None:
    """The lender recalled the book or gave it a new due date: move our member's loan of the
    temporary copy to match, and tell the member (in the caller's transaction). Nothing when
    the book is not (or no longer) lent to the member, or the loan is already late."""
    if request.member is None or request.item_id is None:
        return
    loan = (
        Loan.objects.filter(item_id=request.item_id, status=LoanStatus.OPEN)
        .only("pk", "due_date")
        .first()
    )
    if loan is None:
        return
    target = member_due(request.due_date)
    if recalled:
        soon = timezone.localdate(now) + dt.timedelta(days=settings.KAFT_ILL_RECALL_DAYS)
        target = min(d for d in (loan.due_date, soon, target) if d is not None)
    if target is None:
        return
    previous = loan.due_date
    moved = loan_due_date_set(loan_id=loan.pk, due_date=target, staff=None, now=now)
    if moved is None:
        return
    notice_queue_ill_due_changed(
        member=request.member,
        request_id=request.pk,
        title=request.title or request.isbn or _("A book from another library"),
        partner_name=request.partner.name if request.partner else "",
        due_date=moved.due_date,
        previous_due_date=previous,
        recalled=moved.due_date < previous,
        now=now,
    )
