"""Supplying: a partner library asks for a copy of ours.

A ``request`` from a partner becomes a supplying request in ``RequestReceived``
(:func:`supply_on_request`) and shows on the desk's pick list. Staff answer: expect to supply,
will supply, cannot supply (``Unfilled``), retry possible; they lend a copy to the partner
(:func:`supply_ship`: the copy is marked on loan through circulation and the request holds it —
the library is a borrower of its own kind, see ``models``), receive it back
(:func:`supply_check_in`: the ordinary check-in routes the copy, then ``LoanCompleted``), mark it
overdue, recall it, or write it off. Every move tells the partner in a
``supplyingAgencyMessage``. The partner's actions (:func:`supply_on_requester_message`):
``Received`` and ``ShippedReturn`` are noted; ``Renew`` is granted (a new due date: the
partner's loan period from today, so a repeated Renew gives the same date) unless the copy is
recalled;
``Cancel`` is granted until the copy is shipped; ``StatusRequest`` is answered with the status.

Patron data in a partner's request is not stored: the requesting library is responsible for its
member, and we lend to the library.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from kaft.catalog.models import Branch, ItemStatus
from kaft.circulation.lifecycle import item_set_status
from kaft.circulation.locks import item_by_barcode_for_update
from kaft.circulation.services.loans import loan_checkin
from kaft.interlibrary import iso18626
from kaft.interlibrary.errors import IllError, IllErrorCode
from kaft.interlibrary.lifecycle import REQUEST_TRANSITIONS, request_apply
from kaft.interlibrary.locks import request_for_update
from kaft.interlibrary.models import (
    IllAction,
    IllRole,
    IllStatus,
    InterlibraryRequest,
    LibraryPartner,
)
from kaft.interlibrary.services.outbox import header_for, message_queue
from kaft.members.models import User


def supply_on_request(
    *, partner: LibraryPartner, branch: Branch, message: iso18626.Message
) -> InterlibraryRequest:
    """A partner's ``request`` (in the caller's transaction): a new supplying request, or the
    one already made for the same request number (a repeat is answered the same)."""
    header = message.header
    assert header is not None
    existing = InterlibraryRequest.objects.filter(
        role=IllRole.SUPPLYING, requesting_id=header.requesting_request_id, partner=partner
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    fields = message.fields
    request = InterlibraryRequest.objects.create(
        role=IllRole.SUPPLYING,
        status=IllStatus.NEW,
        partner=partner,
        branch=branch,
        requesting_id=header.requesting_request_id[:64],
        supplying_id=f"{branch.isil}-{secrets.token_hex(8)}",
        title=fields.get("title", "")[:500],
        author=fields.get("author", "")[:255],
        isbn=fields.get("isbn", "")[:20],
        description=fields.get("note", "")[:2000],
        created_at=now,
    )
    request_apply(request=request, action=IllAction.SEND, at=now)
    return request


def _tell(
    request: InterlibraryRequest,
    reason: str,
    *,
    answer: str = "",
    note: str = "",
    shipped_at: dt.datetime | None = None,
) -> None:
    body = iso18626.build_supplying_message(
        header=header_for(request),
        reason=reason,
        status=str(request.status),
        answer=answer,
        note=note,
        due_date=request.due_date
        if request.status in (IllStatus.LOANED, IllStatus.OVERDUE, IllStatus.RECALLED)
        else None,
        shipped_at=shipped_at,
        item_id=request.item.barcode if shipped_at is not None and request.item else "",
    )
    message_queue(request=request, kind=f"supplyingAgencyMessage:{reason}", body=body)


def _supplying(request_id: int) -> InterlibraryRequest:
    request = request_for_update(request_id)
    if request.role != IllRole.SUPPLYING:
        raise IllError(IllErrorCode.WRONG_ROLE)
    return request


# The answers staff give without a copy in hand: one service, the move named.
ANSWERS = (IllAction.EXPECT, IllAction.WILL_SUPPLY, IllAction.UNFILL, IllAction.RETRY)


@transaction.atomic
def supply_answer(
    *, request: InterlibraryRequest, action: IllAction, staff: User | None, note: str = ""
) -> InterlibraryRequest:
    """Expect to supply, will supply, cannot supply or retry possible; the partner is told."""
    if action not in ANSWERS:
        raise IllError(IllErrorCode.WRONG_ROLE)
    locked = _supplying(request.pk)
    request_apply(request=locked, action=action, at=timezone.now(), staff=staff, note=note)
    _tell(locked, "RequestResponse", note=note)
    return locked


@transaction.atomic
def supply_ship(
    *, request: InterlibraryRequest, barcode: str, staff: User | None, branch: Branch
) -> InterlibraryRequest:
    """Lend our copy ``barcode`` to the partner library and ship it (``Loaned``, with the due
    date of the partner's loan period). Locks the request, then the copy. Refused: an unknown
    barcode, a copy not on the shelf, a move the table does not allow."""
    locked = _supplying(request.pk)
    if (IllStatus(locked.status), IllAction.SHIP) not in REQUEST_TRANSITIONS:
        raise IllError(
            IllErrorCode.MOVE_NOT_ALLOWED,
            status=IllStatus(locked.status).label,
            action=IllAction.SHIP.label,
        )
    item = item_by_barcode_for_update(barcode.strip())
    if item is None:
        raise IllError(IllErrorCode.ITEM_NOT_THIS_TITLE)
    if item.status != ItemStatus.AVAILABLE:
        raise IllError(IllErrorCode.ITEM_NOT_AVAILABLE)
    now = timezone.now()
    assert locked.partner is not None
    request_apply(request=locked, action=IllAction.SHIP, at=now, staff=staff)
    item_set_status(item, ItemStatus.ON_LOAN, branch=branch)
    locked.item = item
    locked.due_date = timezone.localdate(now) + dt.timedelta(days=locked.partner.loan_days)
    locked.save(update_fields=["item", "due_date"])
    _tell(locked, "StatusChange", shipped_at=now)
    return locked


@transaction.atomic
def supply_check_in(
    *, request: InterlibraryRequest, staff: User | None, branch: Branch
) -> InterlibraryRequest:
    """The copy is back from the partner: checked in (routed like any return), the request
    completed (``LoanCompleted``)."""
    locked = _supplying(request.pk)
    now = timezone.now()
    request_apply(request=locked, action=IllAction.CHECK_IN, at=now, staff=staff)
    if locked.item is not None:
        loan_checkin(item=locked.item, branch=branch, staff=staff, now=now)
    _tell(locked, "StatusChange")
    return locked


@transaction.atomic
def supply_move(
    *, request: InterlibraryRequest, action: IllAction, staff: User | None, note: str = ""
) -> InterlibraryRequest:
    """Recall, overdue or write off (``CompletedWithoutReturn``) a copy lent to a partner."""
    if action not in (IllAction.RECALL, IllAction.OVERDUE, IllAction.WRITE_OFF):
        raise IllError(IllErrorCode.WRONG_ROLE)
    locked = _supplying(request.pk)
    if action == IllAction.OVERDUE and (
        locked.due_date is None or locked.due_date >= timezone.localdate()
    ):
        raise IllError(IllErrorCode.NOT_OVERDUE)
    request_apply(request=locked, action=action, at=timezone.now(), staff=staff, note=note)
    _tell(locked, "StatusChange", note=note)
    return locked


def supply_mark_overdue_all() -> int:
    """Every copy lent to a partner whose due date passed: ``Overdue`` (the partner is told)."""
    ids = list(
        InterlibraryRequest.objects.filter(
            role=IllRole.SUPPLYING, status=IllStatus.LOANED, due_date__lt=timezone.localdate()
        ).values_list("pk", flat=True)
    )
    done = 0
    for pk in ids:
        try:
            supply_move(request=InterlibraryRequest(pk=pk), action=IllAction.OVERDUE, staff=None)
            done += 1
        except IllError:
            continue  # renewed or returned meanwhile
    return done


def supply_on_requester_message(*, request: InterlibraryRequest, message: iso18626.Message) -> None:
    """Apply a partner's ``requestingAgencyMessage`` to our locked supplying request (in the
    caller's transaction). A move the table refuses raises :class:`IllError`."""
    action = message.fields.get("action", "")
    note = message.fields.get("note", "")
    now = timezone.now()
    status = IllStatus(request.status)
    if action == "Received":
        request_apply(request=request, action=IllAction.RECEIVE, at=now, note=note)
        request.partner_received_at = now
        request.save(update_fields=["partner_received_at"])
    elif action == "ShippedReturn":
        request_apply(request=request, action=IllAction.SHIP_RETURN, at=now, note=note)
        request.partner_returned_at = now
        request.save(update_fields=["partner_returned_at"])
    elif action == "Renew":
        if status in (IllStatus.LOANED, IllStatus.OVERDUE) and request.due_date is not None:
            assert request.partner is not None
            # The partner's loan period from today: asking again (a retry after a timeout, a
            # repeat) gives the same date, never one more period on top.
            due = timezone.localdate(now) + dt.timedelta(days=request.partner.loan_days)
            if due > request.due_date or status == IllStatus.OVERDUE:
                request.due_date = max(due, request.due_date)
                request.save(update_fields=["due_date"])
                request_apply(request=request, action=IllAction.RENEW, at=now, note=note)
            _tell(request, "RenewResponse", answer="Y")
        else:
            _tell(request, "RenewResponse", answer="N")
    elif action == "Cancel":
        if (status, IllAction.CANCEL) in REQUEST_TRANSITIONS:
            request_apply(request=request, action=IllAction.CANCEL, at=now, note=note)
            _tell(request, "CancelResponse", answer="Y")
        else:
            _tell(request, "CancelResponse", answer="N")
    elif action == "StatusRequest":
        _tell(request, "StatusRequestResponse")
    elif action == "Notification" and note:
        request.note = note[:300]
        request.save(update_fields=["note"])
    else:  # ShippedForward, a Notification saying nothing: answered UnsupportedActionType
        raise IllError(IllErrorCode.ACTION_UNSUPPORTED, action=action or "-")
