"""Lending: checkout, checkin (and receiving transfers), renewal.

Locks (see ``kaft.circulation.locks`` for the order): checkout locks the member row, then the
item row, then the member's hold on the title; checkin and transfer receipt lock the item row,
then its open loan, transfer and trapped hold; renewal locks the item row, then the loan.

Policy decisions:

- An AVAILABLE copy may be lent even when other members wait in the title's queue: holds are on
  titles, and the desk may lend a shelf copy. Only a copy already set aside for another member
  (on the holds shelf or in transit for their hold) is refused (ITEM_RESERVED_FOR_OTHER).
- Borrowing any copy of a title fulfils the borrower's own hold on it; a different copy that was
  set aside for them stays where it is (on the holds shelf: to be taken off and scanned, see
  ``holds``; in transit: routed when received).
- A copy on the holds shelf whose hold was cancelled or expired is reserved for nobody: any
  member may borrow it.
- The loan limit compares all open loans of the member with ``max_loans`` of the rule for this
  branch, the member's category and the item's type.
- Receiving a transfer is the same as a checkin at the destination: one code path routes copies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.lifecycle import FINDABLE, item_event_write
from kaft.catalog.models import Branch, Item, ItemAction, ItemStatus
from kaft.circulation.calendar import closed_on_weekday, next_open_day
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.lifecycle import (
    hold_apply,
    item_set_status,
    loan_apply,
    loan_start,
    transfer_close,
)
from kaft.circulation.locks import (
    hold_and_item_for_update,
    item_by_barcode_for_update,
    item_for_update,
    loan_for_update,
    lost_loan_for_update,
    member_for_update,
    member_for_update_noting_card,
    open_loan_for_update,
    open_transfer_for_update,
    trapped_hold_for_update,
)
from kaft.circulation.models import (
    ACTIVE_HOLD_STATUSES,
    Hold,
    HoldAction,
    HoldStatus,
    Loan,
    LoanAction,
    LoanEvent,
    LoanStatus,
)
from kaft.circulation.selectors.loans import (
    LENDER_RENEWS_TYPES,
    UNLOANABLE_STATUSES,
    UNLOANABLE_TYPES,
    CheckoutFacts,
    checkout_facts,
    rule_for,
)
from kaft.circulation.services._common import (
    age_band,
    check_member_may_borrow,
    check_member_status,
    clock,
)
from kaft.circulation.services.due_dates import loan_due_move
from kaft.circulation.services.loan_steps import LoanStep, LoanStepKind, loan_steps_run
from kaft.circulation.services.routing import CheckinResult, arrive
from kaft.members.models import Member, User


@transaction.atomic
def loan_checkout(
    *,
    item: Item | None = None,
    barcode: str | None = None,
    member: Member | None = None,
    member_id: int | None = None,
    cards_first: bool = False,
    staff: User | None,
    branch: Branch,
    via: str = "desk",
    now: dt.datetime | None = None,
    then: Callable[[Loan, CheckoutFacts], None] | None = None,
) -> Loan:
    """Lend ``item`` to ``member`` at ``branch``. Locks the member row, then the item row.

    ``barcode`` instead of ``item``: the copy with that barcode, found by its lock (its record
    loaded with it, as ``loan.item``), so that a scan reads no copy before the transaction;
    ``UNKNOWN_BARCODE`` when there is none, as
    :func:`~kaft.circulation.selectors.loans.item_by_barcode` says it.

    The query count does not depend on how many loans the member has (the limit is a COUNT).
    A plain lend of a shelf copy is 6 queries between BEGIN and COMMIT: lock member, lock
    item, the facts (rule, loan count, own hold, closed due date, and what the registered borrow
    checks say: money owed), insert loan, insert event, update item. A member who may not borrow
    is refused before anything is written.

    ``member_id`` instead of ``member``: the member is read by its lock (a caller that knows only
    the id, as the desk knows the member it serves, reads the row once); ``MEMBER_UNKNOWN`` when
    there is none. ``cards_first`` (with ``barcode``): one field takes cards and barcodes, and a
    card wins: when ``barcode`` is a member's card number, ``BARCODE_IS_A_CARD`` (its
    ``holder`` param: that member's id) before anything else is read, looked up in the member's
    lock statement.

    ``then``: called with the loan made and the facts read under the locks (the member's loans
    before it, the rule, whether it fulfils the member's hold), last, in this transaction: what
    the caller writes because of the loan (the desk: its access log and session) commits with
    it or not at all, without a transaction of the caller's around this one (whose savepoint
    would cost two statements more per scan). A refusal calls nothing.
    """
    now, today = clock(now)
    locked_member = _member_locked(member, member_id, barcode if cards_first else None)
    if item is not None:
        check_member_status(locked_member, today)
        locked_item = item_for_update(item.pk)
    else:
        locked_item = _item_by_barcode_locked(barcode or "")
        check_member_status(locked_member, today)
    if locked_item.status == ItemStatus.ON_LOAN:
        raise CirculationError(CirculationErrorCode.ITEM_ON_LOAN)
    if locked_item.item_type in UNLOANABLE_TYPES or locked_item.status in UNLOANABLE_STATUSES:
        raise CirculationError(CirculationErrorCode.ITEM_NOT_LOANABLE)
    trapped = None
    if locked_item.status in (ItemStatus.ON_HOLDS_SHELF, ItemStatus.IN_TRANSIT):
        trapped = trapped_hold_for_update(locked_item.pk)
        if trapped is not None and trapped.member_id != locked_member.pk:
            raise CirculationError(CirculationErrorCode.ITEM_RESERVED_FOR_OTHER)
    facts = checkout_facts(member=locked_member, item=locked_item, branch=branch, today=today)
    if facts.refusal is not None:  # money owed (the registered checks, read with the facts)
        raise facts.refusal.error()
    if facts.open_loans >= facts.rule.max_loans:
        raise CirculationError(CirculationErrorCode.LOAN_LIMIT_REACHED)
    due = today + dt.timedelta(days=facts.rule.loan_days)
    if facts.due_day_closed or closed_on_weekday(branch, due):
        due = next_open_day(branch, due)

    if locked_item.status == ItemStatus.IN_TRANSIT:
        transfer = open_transfer_for_update(locked_item.pk)
        if transfer is not None:
            transfer_close(transfer=transfer, at=now)
    if trapped is not None or facts.has_active_hold:
        _fulfil_own_hold(
            item=locked_item, member=locked_member, trapped=trapped, staff=staff, now=now
        )
    loan = Loan(
        item=locked_item,
        member=locked_member,
        due_date=due,
        record_id=locked_item.record_id,
        branch=branch,
        member_category_id=locked_member.category_id,
        age_band=age_band(locked_member, today),
    )
    try:
        loan_start(loan=loan, at=now, branch=branch, staff=staff, via=via)
    except IntegrityError:
        # The one-open-loan-per-item constraint caught what the item status missed. No
        # savepoint is needed: nothing runs after this in the failed transaction; the error
        # leaves this function's atomic block, which rolls back (to its savepoint when the
        # caller holds a transaction, so the caller's transaction stays usable).
        raise CirculationError(CirculationErrorCode.ITEM_ON_LOAN) from None
    item_set_status(locked_item, ItemStatus.ON_LOAN, branch=branch)
    if then is not None:
        then(loan, facts)
    return loan


def _member_locked(member: Member | None, member_id: int | None, card: str | None) -> Member:
    """The borrower, locked; with ``card``, refused as BARCODE_IS_A_CARD when it is a card."""
    wanted = member.pk if member is not None else member_id
    if wanted is None:
        raise TypeError("loan_checkout needs member or member_id")
    if card is None:
        try:
            return member_for_update(wanted)
        except Member.DoesNotExist:  # erased and deleted meanwhile, e.g. while being served
            raise CirculationError(CirculationErrorCode.MEMBER_UNKNOWN) from None
    locked, holder = member_for_update_noting_card(wanted, card.strip())
    if holder is not None:
        raise CirculationError(CirculationErrorCode.BARCODE_IS_A_CARD, holder=holder)
    if locked is None:
        raise CirculationError(CirculationErrorCode.MEMBER_UNKNOWN)
    return locked


def _item_by_barcode_locked(barcode: str) -> Item:
    code = barcode.strip()
    found = item_by_barcode_for_update(code) if barcode_is_valid(code) else None
    if found is None:  # what is no barcode is never looked up
        raise CirculationError(CirculationErrorCode.UNKNOWN_BARCODE)
    return found


def _fulfil_own_hold(
    *, item: Item, member: Member, trapped: Hold | None, staff: User | None, now: dt.datetime
) -> None:
    """The borrower's active hold on this title (if any) is fulfilled by this loan.

    When another copy was set aside for it, that copy is locked (before the hold); it stays
    where it is, with no hold (see the module docstring).
    """
    if trapped is not None:
        hold_apply(hold=trapped, action=HoldAction.FULFIL, at=now, staff=staff, item=item)
        return
    own, _other_copy = hold_and_item_for_update(
        Hold.objects.filter(
            member=member, record_id=item.record_id, status__in=ACTIVE_HOLD_STATUSES
        )
    )
    if own is None or own.status not in ACTIVE_HOLD_STATUSES:
        return
    hold_apply(hold=own, action=HoldAction.FULFIL, at=now, staff=staff, item=item)


@transaction.atomic
def loan_checkin(
    *,
    item: Item,
    branch: Branch,
    staff: User | None,
    via: str = "desk",
    now: dt.datetime | None = None,
) -> CheckinResult:
    """Take ``item`` in at ``branch`` and say where it goes next. Locks the item row first.

    Closes the open loan if there is one (``loan`` is None in the result otherwise: a copy found
    on a cart is routed all the same) and says whether it came back late (due before today);
    receives the copy when it travelled to ``branch`` (``received_transfer``). One call for
    every scan at the return screen. See ``routing`` for where the copy goes. A copy nobody
    waits for is 6 queries between BEGIN and COMMIT: lock item, lock loan, update loan, insert
    event, the routing facts, update item. A copy marked missing or lost is found: its copy
    event says so (and a lost loan of it is closed, see :func:`_lost_copy_back`).
    """
    now, today = clock(now)
    locked_item = item_for_update(item.pk)
    before = locked_item.status
    loan = open_loan_for_update(locked_item.pk)
    if loan is not None:
        loan_apply(loan=loan, action=LoanAction.RETURN, at=now, branch=branch, staff=staff, via=via)
        loan_steps_run(
            LoanStep(LoanStepKind.RETURNED, loan, now, today, branch=branch, staff=staff)
        )
    elif locked_item.status == ItemStatus.LOST:
        _lost_copy_back(item=locked_item, branch=branch, staff=staff, via=via, now=now)
    result = arrive(item=locked_item, branch=branch, staff=staff, now=now)
    if before in FINDABLE:  # marked missing or lost, and in hand again: found
        item_event_write(
            item=locked_item,
            action=ItemAction.FIND,
            before=before,
            at=now,
            branch=branch,
            staff=staff,
        )
    late = loan is not None and loan.due_date < today
    return dataclasses.replace(result, loan=loan, returned_late=late)


def _lost_copy_back(
    *, item: Item, branch: Branch, staff: User | None, via: str, now: dt.datetime
) -> None:
    """A copy declared lost is in hand again: its lost loan is closed as returned and the
    registered steps decide about the money (billing: the replacement charge within the
    library's period). Locks the loan (after the item)."""
    lost = lost_loan_for_update(item.pk)
    if lost is None:
        return
    declared = (
        LoanEvent.objects.filter(loan=lost, action=LoanAction.DECLARE_LOST)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    loan_apply(loan=lost, action=LoanAction.RETURN, at=now, branch=branch, staff=staff, via=via)
    lost_on = timezone.localdate(declared) if declared is not None else None
    loan_steps_run(
        LoanStep(
            LoanStepKind.LOST_RETURNED,
            lost,
            now,
            timezone.localdate(now),
            branch=branch,
            staff=staff,
            lost_on=lost_on,
        )
    )


def transfer_receive(
    *, item: Item, branch: Branch, staff: User | None, now: dt.datetime | None = None
) -> CheckinResult:
    """Alias of :func:`loan_checkin` (which receives transfers too), kept for its callers.

    The transfer is closed when ``branch`` is its destination; a copy set aside for a hold at
    this branch goes on the holds shelf (and the member is told), others are shelved or passed
    to the first in line.
    """
    return loan_checkin(item=item, branch=branch, staff=staff, now=now)


@transaction.atomic
def loan_renew(
    *,
    loan: Loan,
    staff: User | None,
    via: str = "desk",
    now: dt.datetime | None = None,
    only_if_later: bool = False,
) -> Loan:
    """Extend a loan by the rule's loan period. Locks the item row, then the loan row.

    New due date: the later of today and the current due date, plus the loan period, moved to
    the next day the lending branch is open. Any waiting (not yet served) hold of another member
    on the title blocks renewal. With ``only_if_later`` a renewal that would not move the due
    date later is refused (RENEWAL_GAINS_NOTHING) rather than spend one of the renewals. A copy
    another library lent us is refused (RENEWAL_BY_LENDER): only that library can give more
    time, and its answer moves the due date (``services/due_dates.py``).
    """
    now, today = clock(now)
    item = item_for_update(loan.item_id)
    locked = loan_for_update(loan.pk)
    if locked.status != LoanStatus.OPEN or locked.member_id is None:
        raise CirculationError(CirculationErrorCode.NOT_ON_LOAN)
    if item.item_type in LENDER_RENEWS_TYPES:
        raise CirculationError(CirculationErrorCode.RENEWAL_BY_LENDER)
    member = Member.objects.select_related("category").get(pk=locked.member_id)
    check_member_may_borrow(member, today)
    waiting = Hold.objects.filter(record_id=locked.record_id, status=HoldStatus.WAITING)
    if waiting.exclude(member_id=member.pk).exists():
        raise CirculationError(CirculationErrorCode.RENEWAL_RESERVED)
    rule = rule_for(branch=locked.branch, category=member.category, item_type=item.item_type)
    if locked.renewals >= rule.renewals_allowed:
        raise CirculationError(CirculationErrorCode.NO_RENEWALS_LEFT)
    base = max(today, locked.due_date)
    due = next_open_day(locked.branch, base + dt.timedelta(days=rule.loan_days))
    if only_if_later and due <= locked.due_date:
        raise CirculationError(CirculationErrorCode.RENEWAL_GAINS_NOTHING)
    return loan_due_move(
        loan=locked, due_date=due, renewal=True, staff=staff, via=via, now=now, today=today
    )
