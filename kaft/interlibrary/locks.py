"""The locking querysets of interlibrary loan, in one place.

Lock order: the **request** row first; then what circulation locks for the copy (its own order,
``kaft/circulation/locks.py``: member, item, loan). A message from a partner and a move at the
desk on one request therefore run one after the other.
"""

from __future__ import annotations

from kaft.interlibrary.models import InterlibraryRequest, OutgoingMessage


def request_for_update(pk: int) -> InterlibraryRequest:
    return (
        InterlibraryRequest.objects.select_for_update(of=("self",))
        .select_related("partner", "branch")
        .get(pk=pk)
    )


def message_for_update(pk: int) -> OutgoingMessage | None:
    return OutgoingMessage.objects.select_for_update().filter(pk=pk).first()
