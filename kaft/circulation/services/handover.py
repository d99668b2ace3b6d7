"""Handing a copy over: a copy still on loan to one member is put on the desk by another, who
wants to borrow it ("eerst inleveren, dan uitlenen").

One call does what staff would otherwise do on two screens: take the copy in, exactly as the
return screen does (:func:`loan_checkin`: the loan is closed with its return event, a transfer is
received, the copy is routed to a waiting reservation), then lend it (:func:`loan_checkout`).

Policy decisions:

- The borrower is checked first: a blocked or expired member, or a copy the member has on loan
  already, is refused before anything changes.
- When the checkin sets the copy aside for another member's reservation (holds shelf or transit),
  the copy is not lent: the return stands (the copy really is back), and the result says who
  comes first — no loan. Staff put it on the holds shelf or in the transit crate.
- Any other refusal of the lend (the loan limit, say) undoes the return too: a refused hand-over
  changes nothing, and the copy is still on loan to the first member.
- A copy that nobody has on loan any more (taken in meanwhile) is simply lent.

Locks: the member row, then the item row, then the open loan (see ``locks``); the checkin and
checkout called below take the same rows again (already held) and, after them, the holds and
transfers they change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from kaft.catalog.models import Branch, Item
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.locks import item_for_update, member_for_update, open_loan_for_update
from kaft.circulation.models import Loan
from kaft.circulation.services._common import check_member_may_borrow, clock
from kaft.circulation.services.loans import loan_checkin, loan_checkout
from kaft.circulation.services.routing import CheckinResult
from kaft.members.models import Member, User


@dataclass(frozen=True)
class HandOver:
    """The result of each step. ``returned``: the checkin (None when the copy was no longer on
    loan); ``loan``: the new loan, None when ``returned.hold`` (another member's reservation)
    gets the copy."""

    returned: CheckinResult | None
    loan: Loan | None


@transaction.atomic
def loan_hand_over(
    *,
    item: Item,
    member: Member,
    staff: User | None,
    branch: Branch,
    via: str = "desk",
    now: dt.datetime | None = None,
) -> HandOver:
    """Take ``item`` in at ``branch`` and lend it to ``member``. Locks member, item, open loan.

    Raises the checkout's :class:`CirculationError` (nothing changed) for a borrower who may not
    borrow, a copy already on loan to ``member`` and any refusal of the lend except a
    reservation of another member, which is the result ``loan=None``.
    """
    now, today = clock(now)
    locked_member = member_for_update(member.pk)
    check_member_may_borrow(locked_member, today)
    locked_item = item_for_update(item.pk)
    open_loan = open_loan_for_update(locked_item.pk)
    if open_loan is not None and open_loan.member_id == locked_member.pk:
        raise CirculationError(CirculationErrorCode.ITEM_ON_LOAN)
    returned = None
    if open_loan is not None:
        returned = loan_checkin(item=locked_item, branch=branch, staff=staff, via=via, now=now)
    try:
        loan = loan_checkout(
            item=locked_item, member=locked_member, staff=staff, branch=branch, via=via, now=now
        )
    except CirculationError as error:
        if returned is not None and error.code == CirculationErrorCode.ITEM_RESERVED_FOR_OTHER:
            return HandOver(returned=returned, loan=None)
        raise
    return HandOver(returned=returned, loan=loan)
