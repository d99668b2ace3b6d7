"""The life of a notice as a table, and the one function that applies a move.

::

    pending --claim--> sending --deliver--> sent
       |                  |--defer-----> pending   (attempt failed; tried again later)
       |                  |--give_up---> failed    (attempt failed MAX_ATTEMPTS times)
       |                  |--release---> failed    (the worker that claimed it vanished)
       |                  '--cancel----> failed    (the consent it needs is no longer given)
       |--refuse--> failed                          (cannot be delivered at all)
    '--print---> sent                            (a letter: its print run was confirmed)
    failed --retry--> pending                       (staff asks to try again)

A letter is never claimed by a worker: it waits, pending, for the desk's print run
(:mod:`kaft.notices.services.letters`), and becomes sent when staff confirm that run was printed
(:func:`letters_apply_printed`, the ``print`` move for all its letters at once).

A notice is born ``pending``, or ``failed`` with a ``problem`` when it can never be delivered
(see ``services``). Moves are compare-and-swap updates: the row changes only if it still has the
status (and claim) this process saw, so two workers can never both claim or both finish a notice,
on SQLite and PostgreSQL alike, without holding a row lock while the mail server is talking.
The delivery moves (deliver, defer, give_up) write a :class:`DeliveryAttempt` as their event.

A notice to nobody on record (``member`` None: the goodbye e-mail of an erased member) keeps the
address and the text only while it may still be sent: the move that ends it (delivered, given up
after ``MAX_ATTEMPTS``, set aside as uncertain) empties both, and the error texts of earlier
attempts (a mail server's error may name the recipient). An address that bounces is not kept
for the outbox's whole period either; such a goodbye cannot be retried. What stays (type,
subject, dates, a random dedup key) cannot be traced back to the anonymised member.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from kaft.core.dead_rows import dead_rows_clear_after_commit
from kaft.core.lifecycle import next_state
from kaft.notices.models import DeliveryAttempt, Notice, NoticeProblem, NoticeStatus

MAX_ATTEMPTS = 5
# After a failed attempt the safety net waits 5, 10, 20, 40 ... minutes before the next one.
FIRST_RETRY_DELAY = dt.timedelta(minutes=5)


class NoticeAction(models.TextChoices):
    CLAIM = "claim", _("Claimed by a worker")
    DELIVER = "deliver", _("Delivered")
    DEFER = "defer", _("Attempt failed, will try again")
    GIVE_UP = "give_up", _("Attempt failed, given up")
    RELEASE = "release", _("Set aside: the worker stopped while sending")
    REFUSE = "refuse", _("Cannot be delivered")
    RETRY = "retry", _("Sent again on request")
    CANCEL = "cancel", _("Cancelled: the consent it needs is no longer given")
    PRINT = "print", _("Printed for the post")


TRANSITIONS: dict[tuple[NoticeStatus, NoticeAction], NoticeStatus] = {
    (NoticeStatus.PENDING, NoticeAction.CLAIM): NoticeStatus.SENDING,
    (NoticeStatus.PENDING, NoticeAction.REFUSE): NoticeStatus.FAILED,
    (NoticeStatus.SENDING, NoticeAction.DELIVER): NoticeStatus.SENT,
    (NoticeStatus.SENDING, NoticeAction.DEFER): NoticeStatus.PENDING,
    (NoticeStatus.SENDING, NoticeAction.GIVE_UP): NoticeStatus.FAILED,
    # A worker that vanished may or may not have handed the mail over: never send it again by
    # itself (a member must not get a message twice); staff look and retry by hand.
    (NoticeStatus.SENDING, NoticeAction.RELEASE): NoticeStatus.FAILED,
    (NoticeStatus.FAILED, NoticeAction.RETRY): NoticeStatus.PENDING,
    # Consent is asked again after claiming, right before the mail server is called.
    (NoticeStatus.SENDING, NoticeAction.CANCEL): NoticeStatus.FAILED,
    (NoticeStatus.PENDING, NoticeAction.PRINT): NoticeStatus.SENT,
}

ATTEMPT_ACTIONS = (
    NoticeAction.DELIVER,
    NoticeAction.DEFER,
    NoticeAction.GIVE_UP,
    NoticeAction.PRINT,
)
# The states in which a notice is no longer sent by itself.
ENDED = frozenset({NoticeStatus.SENT, NoticeStatus.FAILED})


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return FIRST_RETRY_DELAY * (2 ** max(attempts - 1, 0))


def _forgotten(notice: Notice, new_status: NoticeStatus) -> dict[str, Any]:
    """What a notice to nobody on record (``member`` None) drops once it ends, delivered or
    not: the address and the text. It will never be sent by itself again, so nothing of the
    person may stay (:data:`ENDED`)."""
    if notice.member_id is None and new_status in ENDED:
        return {"recipient": "", "body": ""}
    return {}


def _changes(
    notice: Notice, action: NoticeAction, now: dt.datetime, problem: str
) -> dict[str, Any]:
    if action == NoticeAction.CLAIM:
        return {"claimed_at": now}
    if action == NoticeAction.DELIVER:
        delivered: dict[str, Any] = {
            "claimed_at": None,
            "sent_at": now,
            "attempts": notice.attempts + 1,
        }
        return {**delivered, **_forgotten(notice, NoticeStatus.SENT), "problem": ""}
    if action == NoticeAction.DEFER:
        attempts = notice.attempts + 1
        return {
            "claimed_at": None,
            "attempts": attempts,
            "next_attempt_at": now + retry_delay(attempts),
        }
    if action == NoticeAction.GIVE_UP:
        return {
            "claimed_at": None,
            "attempts": notice.attempts + 1,
            "problem": NoticeProblem.TOO_MANY_ATTEMPTS,
            **_forgotten(notice, NoticeStatus.FAILED),
        }
    if action == NoticeAction.RELEASE:
        return {
            "claimed_at": None,
            "problem": NoticeProblem.DELIVERY_UNCERTAIN,
            **_forgotten(notice, NoticeStatus.FAILED),
        }
    if action == NoticeAction.REFUSE:
        return {"problem": problem, **_forgotten(notice, NoticeStatus.FAILED)}
    if action == NoticeAction.PRINT:
        return {"sent_at": now, "attempts": notice.attempts + 1, "problem": ""}
    if action == NoticeAction.CANCEL:
        return {"claimed_at": None, "problem": problem, **_forgotten(notice, NoticeStatus.FAILED)}
    # RETRY: a fresh series of attempts; the earlier DeliveryAttempt rows stay as history.
    return {"attempts": 0, "problem": "", "next_attempt_at": now}


def notice_apply(
    notice: Notice,
    action: NoticeAction,
    *,
    now: dt.datetime,
    error: str = "",
    problem: str = "",
) -> bool:
    """Move ``notice`` by ``action`` if the row is still as ``notice`` saw it.

    Returns False (and changes nothing) when another process moved the row first. Raises
    ``TransitionNotAllowed`` when the move is not in the table. Locks nothing: the conditional
    UPDATE is the lock. Updates ``notice`` in place when it succeeds.
    """
    new_status = next_state(TRANSITIONS, NoticeStatus(notice.status), action)
    changes = _changes(notice, action, now, problem)
    with transaction.atomic():
        updated = Notice.objects.filter(
            pk=notice.pk,
            status=notice.status,
            claimed_at=notice.claimed_at,
            attempts=notice.attempts,
        ).update(status=new_status, **changes)
        if not updated:
            return False
        if action in ATTEMPT_ACTIONS:
            DeliveryAttempt.objects.create(
                notice=notice, at=now, ok=action == NoticeAction.DELIVER, error=error[:500]
            )
        if new_status in ENDED and notice.member_id is None:
            DeliveryAttempt.objects.filter(notice=notice).exclude(error="").update(error="")
            # The old versions of the row (address, text, errors) must not linger either.
            dead_rows_clear_after_commit([Notice, DeliveryAttempt])
    notice.status = new_status
    for field, value in changes.items():
        setattr(notice, field, value)
    return True


def letters_apply_printed(*, letter_ids: list[int], now: dt.datetime) -> int:
    """The ``print`` move for many letters at once: those still pending become sent, each with
    a successful :class:`DeliveryAttempt`. Three statements per 500 letters; locks the rows it
    moves (``select_for_update``, PostgreSQL) so a concurrent confirm waits; a
    letter another run or process already moved is left alone. Returns how many moved."""
    new_status = next_state(TRANSITIONS, NoticeStatus.PENDING, NoticeAction.PRINT)
    moved = 0
    with transaction.atomic():
        for start in range(0, len(letter_ids), 500):  # below SQLite's parameter limit
            moving = list(
                Notice.objects.select_for_update()
                .filter(pk__in=letter_ids[start : start + 500], status=NoticeStatus.PENDING)
                .values_list("pk", flat=True)
            )
            if not moving:
                continue
            Notice.objects.filter(pk__in=moving).update(
                status=new_status, sent_at=now, attempts=models.F("attempts") + 1, problem=""
            )
            DeliveryAttempt.objects.bulk_create(
                [DeliveryAttempt(notice_id=pk, at=now, ok=True) for pk in moving]
            )
            moved += len(moving)
    return moved
