"""Correcting name and date of birth: the member asks, the desk checks an ID and decides.

A member cannot change their name or date of birth themselves (the library must be sure who is
a member); they send a request from MijnBibliotheek. At the desk a member of staff sees the
identity document, notes which kind of document it was (never its number) and approves — the
new details are then applied through :func:`member_update_identity` — or refuses with a reason.
Every step is written to the member's change history (:class:`MemberEvent`). The history
names the step only: a refusal's reason stays on the request, which is deleted under the
answered-requests rule, and is never copied into the history (kept as long as the member), so it
cannot outlive its own rule (see ``kaft/privacy/registry/copies.py``).

One request per member can wait at a time (also a database constraint).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.members.birth import date_of_birth_check
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.locks import member_for_update
from kaft.members.models import (
    IdentityChangeRequest,
    IdentityDocument,
    Member,
    MemberAction,
    MemberEvent,
    RequestStatus,
    User,
)
from kaft.members.services.member import member_update_identity


def _event(member: Member, action: MemberAction, staff: User | None) -> None:
    MemberEvent.objects.create(member=member, action=action, staff=staff, at=timezone.now())


def identity_request_pending(member: Member) -> IdentityChangeRequest | None:
    """The member's waiting request, if any."""
    return IdentityChangeRequest.objects.filter(member=member, status=RequestStatus.PENDING).first()


@transaction.atomic
def identity_change_request(
    *,
    member: Member,
    first_name: str,
    name_prefix: str,
    last_name: str,
    date_of_birth: dt.date,
) -> IdentityChangeRequest:
    """The member asks to correct name and/or date of birth. Locks the member row.

    Refused when a request is already waiting, when nothing would change, or when the date of
    birth is one the desk could not enter either (:mod:`kaft.members.birth`)."""
    date_of_birth_check(date_of_birth)
    locked = member_for_update(member.pk)
    if identity_request_pending(locked) is not None:
        raise MemberError(MemberErrorCode.IDENTITY_REQUEST_PENDING)
    wanted = (first_name.strip(), name_prefix.strip(), last_name.strip(), date_of_birth)
    current = (locked.first_name, locked.name_prefix, locked.last_name, locked.date_of_birth)
    if wanted == current:
        raise MemberError(MemberErrorCode.IDENTITY_REQUEST_NO_CHANGE)
    try:
        with transaction.atomic():
            request = IdentityChangeRequest.objects.create(
                member=locked,
                first_name=wanted[0],
                name_prefix=wanted[1],
                last_name=wanted[2],
                date_of_birth=date_of_birth,
                requested_at=timezone.now(),
            )
    except IntegrityError:  # a second tab got there first
        raise MemberError(MemberErrorCode.IDENTITY_REQUEST_PENDING) from None
    _event(locked, MemberAction.IDENTITY_CHANGE_REQUESTED, None)
    return request


def _pending_for_update(request_id: int) -> IdentityChangeRequest:
    locked = (
        IdentityChangeRequest.objects.select_for_update()
        .select_related("member", "member__category", "member__home_branch")
        .get(pk=request_id)
    )
    if locked.status != RequestStatus.PENDING:
        raise MemberError(MemberErrorCode.IDENTITY_REQUEST_NOT_PENDING)
    return locked


@transaction.atomic
def identity_change_approve(
    *, request: IdentityChangeRequest, document_seen: str, staff: User
) -> Member:
    """Staff saw an identity document of the kind ``document_seen`` and apply the request.

    Locks the request and the member. The member's category and membership stay as they are; a
    new date of birth that does not fit the category refuses (nothing is changed)."""
    if document_seen not in IdentityDocument.values:
        raise MemberError(MemberErrorCode.IDENTITY_DOCUMENT_REQUIRED)
    locked = _pending_for_update(request.pk)
    member = locked.member
    updated = member_update_identity(
        member=member,
        first_name=locked.first_name,
        name_prefix=locked.name_prefix,
        last_name=locked.last_name,
        date_of_birth=locked.date_of_birth,
        category=member.category,
        home_branch=member.home_branch,
        membership_end=member.membership_end,
        staff=staff,
    )
    locked.status = RequestStatus.APPROVED
    locked.decided_at = timezone.now()
    locked.decided_by = staff
    locked.document_seen = document_seen
    locked.save(update_fields=["status", "decided_at", "decided_by", "document_seen"])
    return updated


@transaction.atomic
def identity_change_refuse(
    *, request: IdentityChangeRequest, reason: str, staff: User
) -> IdentityChangeRequest:
    """Staff refuse the request, with the reason the member will see. Locks the request.

    The reason lives on the request only (the member sees it there, in MijnBibliotheek, until
    the request is deleted under its rule); the history records that it was refused."""
    reason = reason.strip()
    if not reason:
        raise MemberError(MemberErrorCode.IDENTITY_REFUSAL_REASON_REQUIRED)
    locked = _pending_for_update(request.pk)
    locked.status = RequestStatus.REFUSED
    locked.decided_at = timezone.now()
    locked.decided_by = staff
    locked.reason = reason[:200]
    locked.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    _event(locked.member, MemberAction.IDENTITY_CHANGE_REFUSED, staff)
    return locked


@transaction.atomic
def identity_change_withdraw(*, member: Member) -> IdentityChangeRequest:
    """The member takes back their waiting request. Locks the member row."""
    locked_member = member_for_update(member.pk)
    pending = identity_request_pending(locked_member)
    if pending is None:
        raise MemberError(MemberErrorCode.IDENTITY_REQUEST_NOT_PENDING)
    locked = _pending_for_update(pending.pk)
    locked.status = RequestStatus.WITHDRAWN
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    return locked
