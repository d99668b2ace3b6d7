"""The life of an interlibrary request, as one table plus one function applying it.

Both roles share the table: the supplier makes a move and tells the requester the new ISO 18626
status; the requester applies the same move when the message arrives. ``New`` is Kaft's own
state before a supplier confirmed a request::

    New --send--> RequestReceived --expect--> ExpectToSupply --will_supply--> WillSupply
    RequestReceived | ExpectToSupply | WillSupply --ship--> Loaned
    RequestReceived | ExpectToSupply | WillSupply | RetryPossible --unfill--> Unfilled
    RequestReceived | ExpectToSupply --retry--> RetryPossible
    Unfilled | RetryPossible --next_partner--> New          (the rota asks the next library)
    RequestReceived | ExpectToSupply | WillSupply --copy_done--> CopyCompleted
    New | RequestReceived | ExpectToSupply | WillSupply | RetryPossible --cancel--> Cancelled
    Loaned --overdue--> Overdue
    Loaned | Overdue --recall--> Recalled
    Loaned | Overdue | Recalled --renew--> Loaned           (a renewal granted: a new due date)
    Loaned | Overdue | Recalled --receive | ship_return--> (same)   (requester: at the desk, back)
    Loaned | Overdue | Recalled --check_in--> LoanCompleted
    Loaned | Overdue | Recalled --write_off--> CompletedWithoutReturn

Nothing but :func:`request_apply` changes ``InterlibraryRequest.status``; it writes the event.
Callers hold the request's lock (:func:`kaft.interlibrary.locks.request_for_update`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaft.core.actor import stored_login
from kaft.core.lifecycle import TransitionNotAllowed, next_state
from kaft.interlibrary.errors import IllError, IllErrorCode
from kaft.interlibrary.models import (
    CLOSED_STATUSES,
    IllAction,
    IllStatus,
    InterlibraryEvent,
    InterlibraryRequest,
)

S, A = IllStatus, IllAction
_OPEN_BEFORE_SHIPPING = (S.REQUEST_RECEIVED, S.EXPECT_TO_SUPPLY, S.WILL_SUPPLY)
_OUT = (S.LOANED, S.OVERDUE, S.RECALLED)

REQUEST_TRANSITIONS: dict[tuple[IllStatus, IllAction], IllStatus] = {
    (S.NEW, A.SEND): S.REQUEST_RECEIVED,
    (S.REQUEST_RECEIVED, A.EXPECT): S.EXPECT_TO_SUPPLY,
    (S.REQUEST_RECEIVED, A.WILL_SUPPLY): S.WILL_SUPPLY,
    (S.EXPECT_TO_SUPPLY, A.WILL_SUPPLY): S.WILL_SUPPLY,
    **{(state, A.SHIP): S.LOANED for state in _OPEN_BEFORE_SHIPPING},
    **{(state, A.COPY_DONE): S.COPY_COMPLETED for state in _OPEN_BEFORE_SHIPPING},
    **{(state, A.UNFILL): S.UNFILLED for state in (*_OPEN_BEFORE_SHIPPING, S.RETRY_POSSIBLE)},
    (S.REQUEST_RECEIVED, A.RETRY): S.RETRY_POSSIBLE,
    (S.EXPECT_TO_SUPPLY, A.RETRY): S.RETRY_POSSIBLE,
    (S.UNFILLED, A.NEXT_PARTNER): S.NEW,
    (S.RETRY_POSSIBLE, A.NEXT_PARTNER): S.NEW,
    **{
        (state, A.CANCEL): S.CANCELLED
        for state in (S.NEW, *_OPEN_BEFORE_SHIPPING, S.RETRY_POSSIBLE)
    },
    (S.LOANED, A.OVERDUE): S.OVERDUE,
    (S.LOANED, A.RECALL): S.RECALLED,
    (S.OVERDUE, A.RECALL): S.RECALLED,
    **{(state, A.RENEW): S.LOANED for state in _OUT},
    **{(state, A.RECEIVE): state for state in _OUT},
    **{(state, A.SHIP_RETURN): state for state in _OUT},
    **{(state, A.CHECK_IN): S.LOAN_COMPLETED for state in _OUT},
    **{(state, A.WRITE_OFF): S.COMPLETED_WITHOUT_RETURN for state in _OUT},
}

# The move a supplier's status stands for, when it arrives at the requester.
STATUS_MOVE: dict[IllStatus, IllAction] = {
    S.EXPECT_TO_SUPPLY: A.EXPECT,
    S.WILL_SUPPLY: A.WILL_SUPPLY,
    S.LOANED: A.SHIP,
    S.OVERDUE: A.OVERDUE,
    S.RECALLED: A.RECALL,
    S.RETRY_POSSIBLE: A.RETRY,
    S.UNFILLED: A.UNFILL,
    S.COPY_COMPLETED: A.COPY_DONE,
    S.LOAN_COMPLETED: A.CHECK_IN,
    S.COMPLETED_WITHOUT_RETURN: A.WRITE_OFF,
    S.CANCELLED: A.CANCEL,
}


def move_for_status(before: IllStatus, reported: IllStatus) -> IllAction | None:
    """The move that takes a request from ``before`` to the ``reported`` status; None when the
    status did not change (a message that only tells a new due date, or a repeat)."""
    if reported == before:
        return None
    if reported == S.LOANED and before in (S.OVERDUE, S.RECALLED):
        return A.RENEW
    return STATUS_MOVE.get(reported)


def request_actions(request: InterlibraryRequest) -> list[IllAction]:
    status = IllStatus(request.status)
    return [action for (state, action) in REQUEST_TRANSITIONS if state == status]


def request_apply(
    *,
    request: InterlibraryRequest,
    action: IllAction,
    at: dt.datetime,
    staff: Any = None,
    note: str = "",
) -> InterlibraryEvent:
    """Make the move ``action`` on the locked ``request`` and write its event. A move the table
    does not allow raises :class:`IllError` (``MOVE_NOT_ALLOWED``) and changes nothing."""
    before = IllStatus(request.status)
    try:
        after = next_state(REQUEST_TRANSITIONS, before, action)
    except TransitionNotAllowed:
        raise IllError(
            IllErrorCode.MOVE_NOT_ALLOWED, status=before.label, action=IllAction(action).label
        ) from None
    fields = ["status"]
    request.status = after
    if after in CLOSED_STATUSES and request.closed_at is None:
        request.closed_at = at
        fields.append("closed_at")
    elif after not in CLOSED_STATUSES and request.closed_at is not None:
        request.closed_at = None
        fields.append("closed_at")
    request.save(update_fields=fields)
    return InterlibraryEvent.objects.create(
        request=request,
        action=action,
        status_before=before,
        status_after=after,
        at=at,
        staff=stored_login(staff),
        note=note[:200],
    )
