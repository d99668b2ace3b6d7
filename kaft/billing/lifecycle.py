"""The mandate's lifecycle as a table: the allowed moves, and the one function that makes one.

A mandate is ``active`` from its signature. Withdrawing the permission ends it at once, or, when
a collection was already announced, after that collection (``ending``, then ``finish`` once the
run made it). The bank can end it (a return whose reason says the account or the mandate is
dead), and a mandate unused for 36 months lapses."""

from __future__ import annotations

import datetime as dt

from kaft.billing.models import Mandate, MandateAction, MandateEvent, MandateStatus
from kaft.core.lifecycle import next_state
from kaft.members.models import User

S, A = MandateStatus, MandateAction

TRANSITIONS: dict[tuple[MandateStatus, MandateAction], MandateStatus] = {
    (S.ACTIVE, A.WITHDRAW): S.ENDED,
    (S.ACTIVE, A.WITHDRAW_AFTER_COLLECTION): S.ENDING,
    (S.ENDING, A.FINISH): S.ENDED,
    (S.ENDING, A.WITHDRAW): S.ENDED,  # the member is erased before the last collection
    (S.ACTIVE, A.BANK_END): S.ENDED,
    (S.ENDING, A.BANK_END): S.ENDED,
    (S.ACTIVE, A.LAPSE): S.LAPSED,
}


def mandate_apply(
    mandate: Mandate,
    action: MandateAction,
    *,
    now: dt.datetime,
    staff: User | None = None,
    reason: str = "",
) -> Mandate:
    """Move ``mandate`` (locked by the caller) by ``action`` and write the event; raises
    :class:`~kaft.core.lifecycle.TransitionNotAllowed` for a move the table does not allow."""
    new = next_state(TRANSITIONS, MandateStatus(mandate.status), action)
    mandate.status = new
    fields = ["status"]
    if new in (S.ENDED, S.LAPSED):
        mandate.ended_at = now
        fields.append("ended_at")
    mandate.save(update_fields=fields)
    MandateEvent.objects.create(
        mandate=mandate, action=action, at=now, staff=staff, reason=reason[:200]
    )
    return mandate
