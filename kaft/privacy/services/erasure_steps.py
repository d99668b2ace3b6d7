"""Steps that domains above privacy take when a member is erased, without privacy importing them.

Privacy sits low in the house: the domains that send messages or lend copies call privacy, never
the other way round. Erasing a member still needs them: the member gets a goodbye e-mail, read
while their address is still there. Such a domain registers a step when Django starts (in its
``AppConfig.ready``), and :func:`kaft.privacy.services.erasure.member_erase` runs every
registered step, in the order registered, inside its transaction, before the member's rows are
emptied. A step that raises stops the erasure (the transaction rolls back, nothing is erased).

The steps are a short, fixed list, seen by everyone at :data:`ERASURE_STEPS`; each is called
with the same :class:`ErasureStep` facts and does its own work through its own services.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass

from kaft.members.models import Member, User


class ErasureReason(enum.StrEnum):
    """Why a member is erased: the goodbye e-mail says so."""

    REQUEST = "request"  # the member asked (at once, or settled later by the daily job)
    RETENTION = "retention"  # the membership ended longer ago than the retention period


@dataclass(frozen=True)
class ErasureStep:
    """What a step is told: the member (locked, still complete), who erases, when and why, and
    whether this erases again a member a restored backup brought back (no second goodbye)."""

    member: Member
    staff: User | None
    now: dt.datetime
    reason: ErasureReason
    repeat: bool


ERASURE_STEPS: list[Callable[[ErasureStep], object]] = []


def erasure_step(step: Callable[[ErasureStep], object]) -> Callable[[ErasureStep], object]:
    """Register ``step`` (once; registering it again changes nothing). Usable as a decorator."""
    if step not in ERASURE_STEPS:
        ERASURE_STEPS.append(step)
    return step


def erasure_steps_run(facts: ErasureStep) -> None:
    for step in ERASURE_STEPS:
        step(facts)
