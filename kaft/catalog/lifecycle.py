"""The care of a copy, as a table plus one function applying it.

Copy (``Item.status``), the moves staff make::

    available --withdraw--> withdrawn       (leaves the public catalogue; its loans stay counted)
    available --damage----> damaged
    available --miss------> missing         (not on the shelf where it should be)
    available --lose------> lost
    damaged   --repair----> in_repair
    damaged | in_repair | withdrawn --mend--> available
    damaged | in_repair | missing | lost --withdraw--> withdrawn
    damaged | missing --lose--> lost
    missing | lost --find--> available      (also when the return screen or a stocktake scans it)

A copy that is lent, on its way to another branch or on the holds shelf is in circulation's
hands (``kaft/circulation/lifecycle.py``): none of these moves applies to it, and the refusal
says what to do first (check it in). Lending, returns and transit do not write copy events;
their own loan, hold and transfer events tell that part of a copy's life.

Nothing but :func:`item_apply` makes these moves; it writes the event (who, when, branch,
reason). Callers hold the copy's lock (``kaft/catalog/locks.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Branch, Item, ItemAction, ItemEvent, ItemStatus
from kaft.catalog.search import search_index_records
from kaft.core.actor import stored_login
from kaft.core.lifecycle import TransitionNotAllowed, next_state

S, A = ItemStatus, ItemAction
ITEM_TRANSITIONS: dict[tuple[ItemStatus, ItemAction], ItemStatus] = {
    (S.AVAILABLE, A.WITHDRAW): S.WITHDRAWN,
    (S.DAMAGED, A.WITHDRAW): S.WITHDRAWN,
    (S.IN_REPAIR, A.WITHDRAW): S.WITHDRAWN,
    (S.MISSING, A.WITHDRAW): S.WITHDRAWN,
    (S.LOST, A.WITHDRAW): S.WITHDRAWN,
    (S.AVAILABLE, A.DAMAGE): S.DAMAGED,
    (S.AVAILABLE, A.MISS): S.MISSING,
    (S.AVAILABLE, A.LOSE): S.LOST,
    (S.DAMAGED, A.LOSE): S.LOST,
    (S.MISSING, A.LOSE): S.LOST,
    (S.DAMAGED, A.REPAIR): S.IN_REPAIR,
    (S.DAMAGED, A.MEND): S.AVAILABLE,
    (S.IN_REPAIR, A.MEND): S.AVAILABLE,
    (S.WITHDRAWN, A.MEND): S.AVAILABLE,
    (S.MISSING, A.FIND): S.AVAILABLE,
    (S.LOST, A.FIND): S.AVAILABLE,
}

# Moves that need a reason from staff (what the history must be able to tell later).
REASON_NEEDED = frozenset({A.WITHDRAW, A.DAMAGE, A.LOSE})

# Where circulation has the copy: its care waits until it is checked in.
IN_CIRCULATION = (S.ON_LOAN, S.IN_TRANSIT, S.ON_HOLDS_SHELF)

# Statuses a check-in or stocktake scan takes as "found".
FINDABLE = (S.MISSING, S.LOST)


def item_actions(item: Item) -> list[ItemAction]:
    """The moves the table allows for this copy now (what the copy screen offers)."""
    status = ItemStatus(item.status)
    return [action for (state, action) in ITEM_TRANSITIONS if state == status]


def item_apply(
    *,
    item: Item,
    action: ItemAction,
    at: dt.datetime,
    branch: Branch | None,
    staff: Any,
    reason: str = "",
) -> ItemEvent:
    """Make the move ``action`` on the locked ``item`` and write its event; a move the table does
    not allow raises :class:`CatalogError` and changes nothing."""
    before = ItemStatus(item.status)
    reason = reason.strip()
    if before == S.ON_LOAN:
        raise CatalogError(CatalogErrorCode.ITEM_ON_LOAN)
    if before in IN_CIRCULATION:
        raise CatalogError(CatalogErrorCode.ITEM_IN_CIRCULATION, status=before.label)
    try:
        after = next_state(ITEM_TRANSITIONS, before, action)
    except TransitionNotAllowed:
        raise CatalogError(
            CatalogErrorCode.ITEM_CHANGE_NOT_ALLOWED, status=before.label, action=action.label
        ) from None
    if action in REASON_NEEDED and not reason:
        raise CatalogError(CatalogErrorCode.REASON_REQUIRED)
    item.status = after
    item.save(update_fields=["status"])
    if S.WITHDRAWN in (before, after):  # the title may leave or rejoin the public catalogue
        search_index_records([item.record_id])
    return item_event_write(
        item=item, action=action, before=before, at=at, branch=branch, staff=staff, reason=reason
    )


def item_event_write(
    *,
    item: Item,
    action: ItemAction,
    before: ItemStatus | str,
    at: dt.datetime,
    branch: Branch | None,
    staff: Any,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> ItemEvent:
    """The event of a move already made (``item.status`` is the status after it)."""
    return ItemEvent.objects.create(
        item=item,
        action=action,
        status_before=before,
        status_after=item.status,
        at=at,
        branch=branch,
        staff=stored_login(staff),
        reason=reason[:200],
        changes=changes or {},
    )
