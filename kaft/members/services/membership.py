"""Extending a membership: the new end date, written with the member's history.

Billing renews a membership (:mod:`kaft.billing.services.fees`) and charges its fee; the date
itself is the member's, so it is written here."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kaft.members.locks import member_for_update
from kaft.members.models import Member, MemberAction, MemberEvent, User


@transaction.atomic
def member_extend_membership(
    *, member: Member, until: dt.date, staff: User | None = None
) -> Member:
    """Let ``member``'s membership run until ``until`` (never shortened: a later end stays).

    Locks the member row. Writes a ``renewed`` event when the date changes."""
    locked = member_for_update(member.pk)
    if locked.membership_end is not None and locked.membership_end >= until:
        return locked
    locked.membership_end = until
    locked.save(update_fields=["membership_end"])
    MemberEvent.objects.create(
        member=locked,
        action=MemberAction.RENEWED,
        staff=staff,
        at=timezone.now(),
        note=until.isoformat(),
    )
    return locked
