"""Family access and parents or guardians: who may act on whose account.

Family access (:class:`FamilyAccess`) is a table-driven lifecycle::

    (request) --> requested --accept--> active --end--> ended
                  requested --decline--> declined
                  requested --lapse---> lapsed        (not answered within 14 days)
                  requested --end-----> ended         (the asker withdraws)

Nothing else in Kaft assigns ``FamilyAccess.status``: :func:`_apply` does, after
:func:`kaft.core.lifecycle.next_state` said yes. Every service locks the access row (and the
owner's member row when asking) with ``select_for_update`` before it reads the status, runs in
one transaction and raises :class:`MemberError` before writing anything when it refuses.

A parent or guardian (:class:`GuardianLink`) is recorded by staff after a check, for a child
under 16 (UAVG art. 5); it lets the guardian consent for the child. It does not open the
child's account: for that the guardian asks for family access like anyone else.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.core.lifecycle import TransitionNotAllowed, next_state
from kaft.core.limits import FAMILY_REQUEST, limit_count, limit_reached
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.locks import member_for_update
from kaft.members.models import (
    FamilyAccess,
    FamilyAccessEvent,
    FamilyAccessStatus,
    FamilyAction,
    GuardianCheck,
    GuardianLink,
    Member,
    MemberAction,
    MemberEvent,
    MemberStatus,
    User,
)

# How long the owner has to answer a request.
ANSWER_DAYS = 14
# Ages in the law: a child under 16 cannot consent alone; a guardian is an adult.
CHILD_CONSENT_AGE = 16
GUARDIAN_MIN_AGE = 18


class AccessStep(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    LAPSE = "lapse"
    END = "end"


S = FamilyAccessStatus
TRANSITIONS: dict[tuple[FamilyAccessStatus, AccessStep], FamilyAccessStatus] = {
    (S.REQUESTED, AccessStep.ACCEPT): S.ACTIVE,
    (S.REQUESTED, AccessStep.DECLINE): S.DECLINED,
    (S.REQUESTED, AccessStep.LAPSE): S.LAPSED,
    (S.REQUESTED, AccessStep.END): S.ENDED,
    (S.ACTIVE, AccessStep.END): S.ENDED,
}
OPEN_STATUSES = (S.REQUESTED, S.ACTIVE)


def _refusal(status: FamilyAccessStatus, step: AccessStep) -> MemberError:
    if status == S.LAPSED:
        return MemberError(MemberErrorCode.FAMILY_LAPSED)
    if step == AccessStep.END:
        return MemberError(MemberErrorCode.FAMILY_NOT_ACTIVE)
    return MemberError(MemberErrorCode.FAMILY_NOT_WAITING)


def _apply(
    access: FamilyAccess, step: AccessStep, *, at: dt.datetime, by: Member | None = None
) -> FamilyAccess:
    """Move a (locked) access along :data:`TRANSITIONS`; MemberError when not allowed."""
    status = FamilyAccessStatus(access.status)
    try:
        access.status = next_state(TRANSITIONS, status, step)
    except TransitionNotAllowed:
        raise _refusal(status, step) from None
    fields = ["status"]
    if step == AccessStep.END:
        access.ended_at, access.ended_by = at, by
        fields += ["ended_at", "ended_by"]
    else:
        access.decided_at = at
        fields.append("decided_at")
    access.save(update_fields=fields)
    return access


def _access_for_update(access: FamilyAccess) -> FamilyAccess:
    return FamilyAccess.objects.select_for_update().get(pk=access.pk)


def _same_last_name(member: Member, given: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    wanted = norm(given)
    return bool(wanted) and wanted in {
        norm(member.last_name),
        norm(f"{member.name_prefix} {member.last_name}"),
    }


def family_access_request(
    *, grantee: Member, card_number: str, last_name: str, now: dt.datetime | None = None
) -> FamilyAccess:
    """``grantee`` asks for access to the account with this card number and last name.

    An unknown card, a last name that does not match, or an account that cannot be asked (an
    erased one) all get the same FAMILY_NO_MATCH, so the answer never tells whether a card
    exists; and such misses are limited per asker (:data:`~kaft.core.limits.FAMILY_REQUEST`,
    counted before any transaction), after which every request is refused with
    FAMILY_TOO_MANY_TRIES, a matching one too: card number and last name cannot be guessed
    through this form. Refuses asking for oneself and a second open request for the same
    account. The owner gets a message (first name of the asker only). Locks the owner's row.
    """
    if limit_reached(FAMILY_REQUEST, grantee.pk):
        raise MemberError(MemberErrorCode.FAMILY_TOO_MANY_TRIES)
    owner = Member.objects.filter(card_number="".join(card_number.split())).first()
    if (
        owner is None
        or owner.status == MemberStatus.ERASED
        or not _same_last_name(owner, last_name)
    ):
        limit_count(FAMILY_REQUEST, grantee.pk)
        raise MemberError(MemberErrorCode.FAMILY_NO_MATCH)
    return _family_access_open(grantee=grantee, owner=owner, now=now or timezone.now())


@transaction.atomic
def _family_access_open(*, grantee: Member, owner: Member, now: dt.datetime) -> FamilyAccess:
    if owner.pk == grantee.pk:
        raise MemberError(MemberErrorCode.FAMILY_SELF)
    owner = member_for_update(owner.pk)
    if FamilyAccess.objects.filter(owner=owner, grantee=grantee, status__in=OPEN_STATUSES).exists():
        raise MemberError(MemberErrorCode.FAMILY_ALREADY_OPEN)
    try:
        with transaction.atomic():
            access = FamilyAccess.objects.create(
                owner=owner,
                grantee=grantee,
                status=S.REQUESTED,
                requested_at=now,
                answer_by=now + dt.timedelta(days=ANSWER_DAYS),
            )
    except IntegrityError:  # a concurrent request by the same asker won the race
        raise MemberError(MemberErrorCode.FAMILY_ALREADY_OPEN) from None
    from kaft.notices.services.family import notice_queue_family_request

    notice_queue_family_request(access=access, now=now)
    return access


def _answer(
    *, owner: Member, access: FamilyAccess, step: AccessStep, now: dt.datetime | None
) -> FamilyAccess:
    now = now or timezone.now()
    access = _access_for_update(access)
    if access.owner_id != owner.pk:
        raise MemberError(MemberErrorCode.FAMILY_NOT_YOURS)
    if access.status == S.REQUESTED and access.answer_by < now:
        # Past its date, even when the daily job has not marked it lapsed yet.
        raise MemberError(MemberErrorCode.FAMILY_LAPSED)
    return _apply(access, step, at=now, by=owner)


@transaction.atomic
def family_access_accept(
    *, owner: Member, access: FamilyAccess, now: dt.datetime | None = None
) -> FamilyAccess:
    """The owner grants the request: from now on the grantee sees and acts on their loans and
    reservations. Locks the access row."""
    return _answer(owner=owner, access=access, step=AccessStep.ACCEPT, now=now)


@transaction.atomic
def family_access_decline(
    *, owner: Member, access: FamilyAccess, now: dt.datetime | None = None
) -> FamilyAccess:
    """The owner says no. Locks the access row."""
    return _answer(owner=owner, access=access, step=AccessStep.DECLINE, now=now)


@transaction.atomic
def family_access_end(
    *, member: Member, access: FamilyAccess, now: dt.datetime | None = None
) -> FamilyAccess:
    """Either side ends an access (or the asker withdraws a request). Locks the access row."""
    now = now or timezone.now()
    access = _access_for_update(access)
    if member.pk not in (access.owner_id, access.grantee_id):
        raise MemberError(MemberErrorCode.FAMILY_NOT_YOURS)
    return _apply(access, AccessStep.END, at=now, by=member)


@transaction.atomic
def family_access_lapse_overdue(*, now: dt.datetime | None = None) -> int:
    """Requests not answered by their ``answer_by`` become lapsed. Returns how many.

    Locks the overdue rows, then one UPDATE: a constant number of queries however many.
    """
    now = now or timezone.now()
    lapsed = next_state(TRANSITIONS, S.REQUESTED, AccessStep.LAPSE)
    ids = list(
        FamilyAccess.objects.select_for_update()
        .filter(status=S.REQUESTED, answer_by__lt=now)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    return FamilyAccess.objects.filter(pk__in=ids, status=S.REQUESTED).update(
        status=lapsed, decided_at=now
    )


@transaction.atomic
def family_event_record(
    *,
    grantee: Member,
    owner: Member,
    action: FamilyAction,
    detail: str = "",
    now: dt.datetime | None = None,
) -> FamilyAccessEvent | None:
    """Write that ``grantee`` did ``action`` on ``owner``'s account, for the owner to see.

    Only through an active access (None otherwise). ``VIEWED`` is written at most once per
    owner per day. Locks the access row.
    """
    now = now or timezone.now()
    access = (
        FamilyAccess.objects.select_for_update()
        .filter(owner=owner, grantee=grantee, status=S.ACTIVE)
        .first()
    )
    if access is None:
        return None
    if action == FamilyAction.VIEWED:
        day = timezone.localdate(now)
        if FamilyAccessEvent.objects.filter(
            access=access, action=FamilyAction.VIEWED, at__date=day
        ).exists():
            return None
    return FamilyAccessEvent.objects.create(
        access=access, owner=owner, actor=grantee, action=action, detail=detail[:200], at=now
    )


def family_links_end_on_erasure(*, member: Member, now: dt.datetime) -> None:
    """Erasing ``member``: every open access they were given or asked for ends, and every open
    link as parent or guardian ends, before erasure empties the links to them.

    The other member keeps their record (what the grantee did on their account, the consents a
    guardian gave), without ``member`` named. Run by erasure with the member row locked; one
    UPDATE per kind, however many (as :func:`family_access_lapse_overdue`)."""
    ended = {next_state(TRANSITIONS, status, AccessStep.END) for status in OPEN_STATUSES}
    assert len(ended) == 1
    FamilyAccess.objects.filter(grantee=member, status__in=OPEN_STATUSES).update(
        status=ended.pop(), ended_at=now, ended_by=None
    )
    GuardianLink.objects.filter(guardian=member, ended_at__isnull=True).update(ended_at=now)


# --- parents and guardians ------------------------------------------------------------------


def _member_event(member: Member, action: MemberAction, staff: User | None) -> None:
    MemberEvent.objects.create(member=member, action=action, staff=staff, at=timezone.now())


@transaction.atomic
def guardian_link(
    *,
    child: Member,
    guardian: Member,
    checked: GuardianCheck | str,
    note: str = "",
    staff: User | None,
    today: dt.date | None = None,
) -> GuardianLink:
    """Record ``guardian`` as parent or guardian of ``child``, after staff checked ``checked``.

    Refuses a child of 16 or older, a guardian under 18, the member themself, and a link that
    is already open. Writes GUARDIAN_LINKED on both members. Locks both member rows.
    """
    today = today or timezone.localdate()
    if child.pk == guardian.pk:
        raise MemberError(MemberErrorCode.GUARDIAN_SELF)
    first, second = sorted((child.pk, guardian.pk))
    locked = {first: member_for_update(first), second: member_for_update(second)}
    child, guardian = locked[child.pk], locked[guardian.pk]
    if child.date_of_birth is None or child.age_on(today) >= CHILD_CONSENT_AGE:
        raise MemberError(MemberErrorCode.GUARDIAN_CHILD_TOO_OLD)
    if guardian.date_of_birth is None or guardian.age_on(today) < GUARDIAN_MIN_AGE:
        raise MemberError(MemberErrorCode.GUARDIAN_TOO_YOUNG)
    if GuardianLink.objects.filter(child=child, guardian=guardian, ended_at__isnull=True).exists():
        raise MemberError(MemberErrorCode.GUARDIAN_ALREADY_LINKED)
    link = GuardianLink.objects.create(
        child=child,
        guardian=guardian,
        checked=GuardianCheck(checked),
        check_note=note.strip()[:200],
        recorded_by=staff,
        recorded_at=timezone.now(),
    )
    # No note: the link itself says who; a card number in the history would show it to the other.
    _member_event(child, MemberAction.GUARDIAN_LINKED, staff)
    _member_event(guardian, MemberAction.GUARDIAN_LINKED, staff)
    return link


@transaction.atomic
def guardian_unlink(*, link: GuardianLink, staff: User | None) -> GuardianLink:
    """End a parent-or-guardian link. Writes GUARDIAN_UNLINKED on both. Locks the link row."""
    link = GuardianLink.objects.select_for_update().get(pk=link.pk)
    if link.ended_at is not None:
        raise MemberError(MemberErrorCode.GUARDIAN_NOT_LINKED)
    link.ended_at = timezone.now()
    link.save(update_fields=["ended_at"])
    _member_event(link.child, MemberAction.GUARDIAN_UNLINKED, staff)
    if link.guardian is not None:  # None: the guardian was erased (the link ended then)
        _member_event(link.guardian, MemberAction.GUARDIAN_UNLINKED, staff)
    return link
