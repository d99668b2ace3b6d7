"""The lives of loans, holds, transfers and items, each as a table plus one function applying it.

Loan::

    (checkout) --> open --renew--> open
                   open --due_set--> open        (the lender of an interlibrary copy moved it)
                   open --return--> returned
                   open --lost----> lost
                   lost --return--> returned      (a copy declared lost was brought back)

Hold::

    (place) --> waiting --trap--> ready --fulfil--> fulfilled
                waiting --send--> in_transit --arrive--> ready
                in_transit --fulfil--> fulfilled      (the member takes it at the sending desk)
                waiting --fulfil--> fulfilled         (the member borrows another copy)
                waiting | in_transit | ready --cancel--> cancelled
                ready --expire--> expired
                ready --send--> in_transit             (scanned at another branch: it goes back)

Nothing else in Kaft assigns ``Loan.status``, ``Hold.status``, ``Transfer.status`` or
``Item.status``: the functions below do, after :func:`kaft.core.lifecycle.next_state` said yes.
Callers hold the locks (see ``locks.py``).
"""

from __future__ import annotations

import datetime as dt

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.models import (
    Hold,
    HoldAction,
    HoldEvent,
    HoldStatus,
    Loan,
    LoanAction,
    LoanEvent,
    LoanStatus,
    Transfer,
    TransferReason,
    TransferStatus,
)
from kaft.core.lifecycle import next_state
from kaft.members.models import User

LOAN_TRANSITIONS: dict[tuple[LoanStatus, LoanAction], LoanStatus] = {
    (LoanStatus.OPEN, LoanAction.RENEW): LoanStatus.OPEN,
    (LoanStatus.OPEN, LoanAction.DUE_DATE_SET): LoanStatus.OPEN,
    (LoanStatus.OPEN, LoanAction.RETURN): LoanStatus.RETURNED,
    (LoanStatus.OPEN, LoanAction.DECLARE_LOST): LoanStatus.LOST,
    (LoanStatus.LOST, LoanAction.RETURN): LoanStatus.RETURNED,
}

HOLD_TRANSITIONS: dict[tuple[HoldStatus, HoldAction], HoldStatus] = {
    (HoldStatus.WAITING, HoldAction.TRAP): HoldStatus.READY,
    (HoldStatus.WAITING, HoldAction.SEND): HoldStatus.IN_TRANSIT,
    (HoldStatus.IN_TRANSIT, HoldAction.ARRIVE): HoldStatus.READY,
    (HoldStatus.WAITING, HoldAction.FULFIL): HoldStatus.FULFILLED,
    (HoldStatus.IN_TRANSIT, HoldAction.FULFIL): HoldStatus.FULFILLED,
    (HoldStatus.READY, HoldAction.FULFIL): HoldStatus.FULFILLED,
    (HoldStatus.WAITING, HoldAction.CANCEL): HoldStatus.CANCELLED,
    (HoldStatus.IN_TRANSIT, HoldAction.CANCEL): HoldStatus.CANCELLED,
    (HoldStatus.READY, HoldAction.CANCEL): HoldStatus.CANCELLED,
    (HoldStatus.READY, HoldAction.EXPIRE): HoldStatus.EXPIRED,
    (HoldStatus.READY, HoldAction.SEND): HoldStatus.IN_TRANSIT,
}

CLOSED_HOLD_STATUSES = (HoldStatus.FULFILLED, HoldStatus.CANCELLED, HoldStatus.EXPIRED)


def loan_start(
    *, loan: Loan, at: dt.datetime, branch: Branch, staff: User | None, via: str
) -> Loan:
    """Save a new (unsaved) open loan and write its checkout event."""
    loan.status = LoanStatus.OPEN
    loan.checked_out_at = at
    loan.save(force_insert=True)
    LoanEvent.objects.create(
        loan=loan, action=LoanAction.CHECKOUT, at=at, branch=branch, staff=staff, via=via
    )
    return loan


def loan_apply(
    *,
    loan: Loan,
    action: LoanAction,
    at: dt.datetime,
    branch: Branch | None,
    staff: User | None,
    via: str,
    due_date: dt.date | None = None,
) -> Loan:
    """Move a loan along :data:`LOAN_TRANSITIONS` and write the event.

    ``renew`` sets the new ``due_date`` and counts the renewal; ``due_set`` sets it without
    counting one; ``return`` stamps ``returned_at`` and ``return_branch``.
    """
    loan.status = next_state(LOAN_TRANSITIONS, LoanStatus(loan.status), action)
    fields = ["status"]
    if action == LoanAction.RENEW:
        assert due_date is not None
        loan.due_date = due_date
        loan.renewals += 1
        fields += ["due_date", "renewals"]
    elif action == LoanAction.DUE_DATE_SET:
        assert due_date is not None
        loan.due_date = due_date
        fields.append("due_date")
    elif action == LoanAction.RETURN:
        loan.returned_at = at
        loan.return_branch = branch
        fields += ["returned_at", "return_branch"]
    loan.save(update_fields=fields)
    LoanEvent.objects.create(loan=loan, action=action, at=at, branch=branch, staff=staff, via=via)
    return loan


def loans_apply(
    *,
    loans: list[Loan],
    action: LoanAction,
    at: dt.datetime,
    branch: Branch | None,
    staff: User | None,
    via: str,
) -> list[Loan]:
    """Move many loans along :data:`LOAN_TRANSITIONS` by an action that changes the status only
    (``lost``), in three statements however many loans: one UPDATE per new status (one here),
    one INSERT of the events."""
    if action in (LoanAction.RENEW, LoanAction.RETURN, LoanAction.DUE_DATE_SET):
        raise ValueError(f"{action} changes more than the status: use loan_apply")
    by_status: dict[LoanStatus, list[int]] = {}
    for loan in loans:
        loan.status = next_state(LOAN_TRANSITIONS, LoanStatus(loan.status), action)
        by_status.setdefault(LoanStatus(loan.status), []).append(loan.pk)
    for status, ids in by_status.items():
        Loan.objects.filter(pk__in=ids).update(status=status)
    LoanEvent.objects.bulk_create(
        LoanEvent(loan=loan, action=action, at=at, branch=branch, staff=staff, via=via)
        for loan in loans
    )
    return loans


def hold_start(*, hold: Hold, at: dt.datetime, staff: User | None) -> Hold:
    """Save a new (unsaved) waiting hold and write its ``place`` event."""
    hold.status = HoldStatus.WAITING
    hold.placed_at = at
    hold.save()
    HoldEvent.objects.create(hold=hold, action=HoldAction.PLACE, at=at, staff=staff)
    return hold


def hold_can(hold: Hold, action: HoldAction) -> bool:
    return (HoldStatus(hold.status), action) in HOLD_TRANSITIONS


def hold_apply(
    *,
    hold: Hold,
    action: HoldAction,
    at: dt.datetime,
    staff: User | None,
    item: Item | None = None,
    pickup_deadline: dt.date | None = None,
) -> Hold:
    """Move a hold along :data:`HOLD_TRANSITIONS` and write the event.

    ``trap``/``send`` attach ``item``; becoming ``ready`` needs a ``pickup_deadline`` and stamps
    ``ready_at`` the first time only (a copy that left the holds shelf by mistake and came back
    keeps the moment the member was told, so the notice is not sent twice); a closing move
    stamps ``closed_at``. The item link stays for history.
    """
    new = next_state(HOLD_TRANSITIONS, HoldStatus(hold.status), action)
    hold.status = new
    fields = ["status"]
    if item is not None:
        hold.item = item
        fields.append("item")
    if new == HoldStatus.READY:
        assert pickup_deadline is not None
        if hold.ready_at is None:
            hold.ready_at = at
        hold.pickup_deadline = pickup_deadline
        fields += ["ready_at", "pickup_deadline"]
    if new in CLOSED_HOLD_STATUSES:
        hold.closed_at = at
        fields.append("closed_at")
    hold.save(update_fields=fields)
    HoldEvent.objects.create(hold=hold, action=action, at=at, item_id=hold.item_id, staff=staff)
    return hold


def transfer_open(
    *,
    item: Item,
    from_branch: Branch,
    to_branch: Branch,
    reason: TransferReason,
    hold: Hold | None,
    at: dt.datetime,
) -> Transfer:
    return Transfer.objects.create(
        item=item,
        from_branch=from_branch,
        to_branch=to_branch,
        reason=reason,
        hold=hold,
        status=TransferStatus.IN_TRANSIT,
        sent_at=at,
    )


def transfer_close(*, transfer: Transfer, at: dt.datetime) -> Transfer:
    transfer.status = TransferStatus.RECEIVED
    transfer.received_at = at
    transfer.save(update_fields=["status", "received_at"])
    return transfer


def items_set_status(item_ids: list[int], status: ItemStatus) -> int:
    """:func:`item_set_status` for many copies in one statement (where they are stays)."""
    return Item.objects.filter(pk__in=item_ids).update(status=status)


def item_set_status(item: Item, status: ItemStatus, *, branch: Branch | None = None) -> Item:
    """The one place that changes ``Item.status`` (and where the copy now is)."""
    item.status = status
    fields = ["status"]
    if branch is not None and item.current_branch_id != branch.pk:
        item.current_branch = branch
        fields.append("current_branch")
    item.save(update_fields=fields)
    return item
