"""Account security: confirming the current password, and changing the e-mail address.

**The current password** is asked before a member changes their password or e-mail address or
deletes their account (:func:`member_password_confirm`). Wrong ones are counted per member by the
attempt limiter (:data:`kaft.core.limits.CURRENT_PASSWORD`): one count for all those forms.

**A new e-mail address** (:func:`email_change_request`) needs the current password and takes
effect only when the link sent to the new address is followed (:func:`email_change_confirm`):
so a member cannot take an address they do not control, such as another member's, and someone
who found a logged-in session cannot move the account to their own address unnoticed. Until the
link is followed, login and password resets keep using the address on record. When the address
changes, the old address is told (:func:`member_email_set`, also used by the desk).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kaft.core.limits import (
    CURRENT_PASSWORD,
    EMAIL_CHANGE,
    limit_clear,
    limit_count,
    limit_reached,
)
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.locks import member_for_update
from kaft.members.models import EmailChange, Member, MemberAction, MemberEvent, User

CONFIRM_VALID = dt.timedelta(hours=24)


def member_password_confirm(*, member: Member, password: str) -> None:
    """Refuse unless ``password`` is the member's current password.

    ``PASSWORD_TOO_MANY_TRIES`` once :data:`~kaft.core.limits.CURRENT_PASSWORD` wrong passwords
    were given within its window (the right one is refused too until the window ends);
    ``WRONG_PASSWORD`` otherwise, and the attempt is counted. Call it *before* opening the
    transaction of the action it guards, so a refusal's count is not rolled back with it.
    """
    if limit_reached(CURRENT_PASSWORD, member.pk):
        raise MemberError(MemberErrorCode.PASSWORD_TOO_MANY_TRIES)
    user = User.objects.filter(member__pk=member.pk).first()
    if user is None or not user.check_password(password):
        if user is None:
            User().set_password(password)  # the same work either way
        limit_count(CURRENT_PASSWORD, member.pk)
        raise MemberError(MemberErrorCode.WRONG_PASSWORD)
    limit_clear(CURRENT_PASSWORD, member.pk)


def _token_hash(token: str) -> str:
    return salted_hmac("kaft.members.EmailChange", token, algorithm="sha256").hexdigest()


def email_change_pending(member: Member, now: dt.datetime | None = None) -> EmailChange | None:
    """The change waiting for its link to be followed, if any (at most one is valid)."""
    return (
        EmailChange.objects.filter(
            member=member, confirmed_at__isnull=True, expires_at__gt=now or timezone.now()
        )
        .order_by("-requested_at", "-pk")
        .first()
    )


def email_changes_void(*, member: Member, now: dt.datetime | None = None) -> int:
    """Make every waiting link of ``member`` stop working (a newer request, a new password)."""
    now = now or timezone.now()
    return EmailChange.objects.filter(
        member=member, confirmed_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)


def email_change_request(
    *,
    member: Member,
    current_password: str,
    new_email: str,
    link_for: Callable[[str], str],
    now: dt.datetime | None = None,
) -> EmailChange:
    """The member asks for ``new_email``: a link built by ``link_for(token)`` goes to it.

    Nothing changes on the member until that link is followed. Refused: a wrong current
    password (counted, see :func:`member_password_confirm`), the address on record already,
    an invalid address, or more than :data:`~kaft.core.limits.EMAIL_CHANGE` requests in its
    window. Earlier links stop working. Locks the member row.
    """
    now = now or timezone.now()
    new = new_email.strip().lower()
    try:
        validate_email(new)
    except ValidationError:
        raise MemberError(MemberErrorCode.EMAIL_INVALID) from None
    member_password_confirm(member=member, password=current_password)
    if new == member.email.strip().lower():
        raise MemberError(MemberErrorCode.EMAIL_UNCHANGED)
    if limit_reached(EMAIL_CHANGE, member.pk):
        raise MemberError(MemberErrorCode.EMAIL_TOO_MANY_REQUESTS)
    limit_count(EMAIL_CHANGE, member.pk)
    from kaft.notices.services.account import notice_queue_email_confirm

    with transaction.atomic():
        locked = member_for_update(member.pk)
        email_changes_void(member=locked, now=now)
        token = secrets.token_urlsafe(32)
        change = EmailChange.objects.create(
            member=locked,
            new_email=new,
            token_hash=_token_hash(token),
            requested_at=now,
            expires_at=now + CONFIRM_VALID,
        )
        notice_queue_email_confirm(member=locked, address=new, link=link_for(token), now=now)
    return change


def email_change_for_token(token: str, now: dt.datetime | None = None) -> EmailChange | None:
    """The waiting change a link is for, or None when the link is wrong, used or expired."""
    if not token:
        return None
    change = EmailChange.objects.filter(token_hash=_token_hash(token)).first()
    if (
        change is None
        or change.confirmed_at is not None
        or change.expires_at <= (now or timezone.now())
    ):
        return None
    return change


def email_change_confirm(*, token: str, now: dt.datetime | None = None) -> Member:
    """The link was followed: the new address becomes the member's, the old one is told.

    Refused with ``EMAIL_LINK_INVALID`` for a wrong, used, expired or voided link. Single use:
    locks the member row, then the change row, and marks it confirmed.
    """
    now = now or timezone.now()
    found = email_change_for_token(token, now)
    if found is None:
        raise MemberError(MemberErrorCode.EMAIL_LINK_INVALID)
    with transaction.atomic():
        locked = member_for_update(found.member_id)
        change = EmailChange.objects.select_for_update().get(pk=found.pk)
        if change.confirmed_at is not None or change.expires_at <= now or locked.erased_at:
            raise MemberError(MemberErrorCode.EMAIL_LINK_INVALID)
        change.confirmed_at = now
        change.save(update_fields=["confirmed_at"])
        if locked.awaits_email_verification and change.new_email == locked.email:
            # The link sent when joining online: the address was already the member's.
            from kaft.members.services.signup import signup_email_verified

            signup_email_verified(member=locked, now=now)
        else:
            member_email_set(member=locked, email=change.new_email, staff=None, now=now)
    return locked


def member_email_set(
    *,
    member: Member,
    email: str,
    staff: User | None,
    now: dt.datetime | None = None,
    event: bool = True,
) -> bool:
    """Set the (locked) member's address; tell the old address. Returns whether it changed.

    Only for an address that was proven (a followed link) or set by staff at the desk; the
    member's own requests go through :func:`email_change_request`. Waiting links stop working.
    """
    new = email.strip().lower()
    old = member.email
    if new == old.strip().lower():
        return False
    member.email = new
    member.save(update_fields=["email", "updated_at"])
    email_changes_void(member=member, now=now)
    from kaft.members.services.email_hooks import email_changed_run

    email_changed_run(member=member)
    if event:  # ``event`` False: the caller writes the one event of a larger change
        MemberEvent.objects.create(
            member=member,
            action=MemberAction.CONTACT_CHANGED,
            staff=staff,
            at=now or timezone.now(),
            former_email=old,  # erasure finds login records typed with the old address
        )
    if old:
        from kaft.notices.services.account import notice_queue_email_changed

        notice_queue_email_changed(member=member, old_address=old, now=now)
    return True
