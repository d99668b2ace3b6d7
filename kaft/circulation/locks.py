"""The locking querysets of circulation, in one place.

Lock discipline (every service follows it, so two transactions never wait for each other in a
circle):

1. the **member** row first, when the service counts the member's loans or holds
   (checkout, hold placement): concurrent requests for one member run one after the other;
2. then **item** rows: every service that changes an item, a loan of it, a hold trapped on it or
   a transfer of it locks the item first; the item row guards all of those;
3. then **hold** rows (the queue of a record is locked oldest-first, one row at a time);
4. then **loan** and **transfer** rows.

On PostgreSQL these are ``SELECT ... FOR UPDATE``. SQLite ignores row locks; there every
transaction starts with ``BEGIN IMMEDIATE`` (see settings), so writers run one at a time.
The member, item and open-loan locks of the desk's hot paths use ``kaft.circulation.sql.lock_one``
(the same ``SELECT ... FOR UPDATE``, built once per process instead of once per call).
A count or check that decides under a lock (loan limit, hold limit) runs as its own statement
after the lock is taken, never inside the locking SELECT: on PostgreSQL a locking SELECT that
had to wait reads the rest of its query from the snapshot taken before the wait.
The database constraints on the models (one open loan per item, one trapped hold per item, one
active hold per member and record) are the last line of defence; services turn a violation into
the matching :class:`~kaft.circulation.errors.CirculationError`.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, QuerySet

from kaft.catalog.models import Item
from kaft.circulation import sql
from kaft.circulation.models import (
    TRAPPED_HOLD_STATUSES,
    Hold,
    HoldStatus,
    Loan,
    LoanStatus,
    Transfer,
    TransferStatus,
)
from kaft.circulation.selectors.loans import members_who_may_borrow
from kaft.members.models import Member

T = TypeVar("T", bound=Model)


def _one_or_none(rows: QuerySet[T]) -> T | None:
    """The row of a query that matches at most one (a unique constraint says so), or None.

    Cheaper than ``.first()``, which adds an ORDER BY the database does not need here.
    """
    for row in rows[:1]:
        return row
    return None


def member_for_update(member_id: int) -> Member:
    """Lock the member row (step 1)."""
    member = sql.lock_one(Member, pk=member_id)
    if member is None:
        raise Member.DoesNotExist(f"member {member_id} does not exist")
    return member


def member_for_update_noting_card(member_id: int, card: str) -> tuple[Member | None, int | None]:
    """Lock the member row (step 1), and say in the same statement whose card ``card`` is
    (the holder's id, or None); the member is None when there is none with this id."""
    return sql.lock_member_noting_card(member_id, card)


def item_for_update(item_id: int) -> Item:
    """Lock the item row (step 2)."""
    item = sql.lock_one(Item, pk=item_id)
    if item is None:
        raise Item.DoesNotExist(f"item {item_id} does not exist")
    return item


def item_by_barcode_for_update(barcode: str) -> Item | None:
    """Lock the item row with this barcode (step 2), its record loaded (not locked), or None."""
    return sql.lock_item_with_record(barcode)


def hold_for_update(hold_id: int) -> Hold:
    return Hold.objects.select_for_update().get(pk=hold_id)


def first_waiting_hold_for_update(record_id: int, *, today: dt.date) -> Hold | None:
    """Lock and return the first hold in the queue of a record (oldest first) whose member may
    borrow on ``today``, if any. Holds of blocked or expired members are passed over in the same
    query (they keep their place: once the member may borrow again, they are first again)."""
    return (
        Hold.objects.select_for_update()
        .filter(record_id=record_id, status=HoldStatus.WAITING)
        .filter(Exists(members_who_may_borrow(today).filter(pk=OuterRef("member_id"))))
        .order_by("placed_at", "pk")
        .first()
    )


def trapped_hold_for_update(item_id: int) -> Hold | None:
    """The hold this item is set aside for (in transit or on the holds shelf), if any."""
    return _one_or_none(
        Hold.objects.select_for_update().filter(item_id=item_id, status__in=TRAPPED_HOLD_STATUSES)
    )


def open_loan_for_update(item_id: int) -> Loan | None:
    return sql.lock_one(Loan, item=item_id, status=LoanStatus.OPEN)


def lost_loan_for_update(item_id: int) -> Loan | None:
    """The latest loan of ``item`` that ended with the copy declared lost, if any."""
    return (
        Loan.objects.select_for_update()
        .filter(item_id=item_id, status=LoanStatus.LOST)
        .order_by("-checked_out_at", "-pk")
        .first()
    )


def loan_for_update(loan_id: int) -> Loan:
    return Loan.objects.select_for_update().get(pk=loan_id)


def open_transfer_for_update(item_id: int) -> Transfer | None:
    return _one_or_none(
        Transfer.objects.select_for_update().filter(
            item_id=item_id, status=TransferStatus.IN_TRANSIT
        )
    )


def hold_and_item_for_update(holds: QuerySet[Hold]) -> tuple[Hold | None, Item | None]:
    """Lock the first hold of ``holds`` and the copy it is linked to, the copy first (step 2
    before step 3). The hold is re-read under the lock: callers check its status again."""
    for _attempt in range(3):
        row = holds.order_by("placed_at", "pk").values_list("pk", "item_id").first()
        if row is None:
            return None, None
        hold_id, item_id = row
        item = item_for_update(item_id) if item_id is not None else None
        hold = hold_for_update(hold_id)
        if hold.item_id == item_id:
            return hold, item
    raise RuntimeError(f"hold {hold_id} kept changing copies while being locked")
