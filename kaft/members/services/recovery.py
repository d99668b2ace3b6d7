"""A lost login: identity checks at the desk, one-time reset codes, reset links by e-mail.

What is kept: the outcome of each identity check (:class:`IdentityCheck`: method, document type,
passed, staff, branch, when), never the answers to the control questions nor a document number;
of a reset code only its hash. Every reset raises the login's ``session_version``, so sessions
elsewhere end.

Limits: 3 failed identity checks per member per 24 hours (counted in the database); wrong reset
codes per card number and reset-link requests per login typed go through Kaft's one attempt
limiter (:mod:`kaft.core.limits`), shared by every worker.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kaft.catalog.models import Branch
from kaft.core import params
from kaft.core.limits import RESET_CODE, RESET_LINK, limit_count, limit_reached
from kaft.members.auth import login_normalise, members_for_login
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.locks import member_for_update
from kaft.members.models import (
    AddressKind,
    IdentityCheck,
    IdentityCheckMethod,
    IdentityDocument,
    Member,
    MemberAction,
    MemberEvent,
    ResetCode,
    User,
)
from kaft.members.services.member import normalise_postcode

logger = logging.getLogger(__name__)

CHECK_WINDOW = dt.timedelta(hours=24)
MAX_FAILED_CHECKS = 3
CODE_VALID = dt.timedelta(hours=24)
# No 0/O, 1/I/L: a code read from paper is typed without doubt.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # about 59 bits


@dataclass(frozen=True)
class ControlAnswers:
    """What the member answers at the desk. Compared with the record, never stored."""

    date_of_birth: dt.date
    postcode: str
    house_number: str


def _event(member: Member, action: MemberAction, staff: User | None, note: str = "") -> None:
    MemberEvent.objects.create(
        member=member, action=action, staff=staff, at=timezone.now(), note=note
    )


def failed_checks_since(member: Member, now: dt.datetime) -> list[dt.datetime]:
    """When the failed checks of the last 24 hours happened, oldest first."""
    return list(
        IdentityCheck.objects.filter(member=member, passed=False, at__gt=now - CHECK_WINDOW)
        .order_by("at")
        .values_list("at", flat=True)
    )


def checks_allowed_again_at(member: Member, now: dt.datetime | None = None) -> dt.datetime | None:
    """None while checks are allowed; else the moment the oldest counted failure ages out."""
    now = now or timezone.now()
    failed = failed_checks_since(member, now)
    if len(failed) < MAX_FAILED_CHECKS:
        return None
    return failed[-MAX_FAILED_CHECKS] + CHECK_WINDOW


def _answers_match(member: Member, answers: ControlAnswers) -> bool:
    home = member.addresses.filter(kind=AddressKind.HOME).first()
    if member.date_of_birth is None or home is None:
        return False
    same_postcode = normalise_postcode(answers.postcode) == normalise_postcode(home.postcode)
    same_number = (
        answers.house_number.replace(" ", "").lower() == home.house_number.replace(" ", "").lower()
    )
    return member.date_of_birth == answers.date_of_birth and same_postcode and same_number


@transaction.atomic
def identity_check(
    *,
    member: Member,
    staff: User,
    branch: Branch,
    method: IdentityCheckMethod,
    document_type: IdentityDocument | str = "",
    answers: ControlAnswers | None = None,
    now: dt.datetime | None = None,
) -> IdentityCheck:
    """Record the outcome of an identity check at the desk; return it (``passed`` says how).

    ``DOCUMENT``: staff saw an ID document of ``document_type`` (its number is never asked).
    ``QUESTIONS``: ``answers`` are compared with the record here and then forgotten.
    Refused with ``CHECKS_EXHAUSTED`` after 3 failed checks in 24 hours. Locks the member row,
    so two desks cannot both slip under the limit.
    """
    now = now or timezone.now()
    locked = member_for_update(member.pk)
    until = checks_allowed_again_at(locked, now)
    if until is not None:
        logger.warning("identity check refused for member %s: too many failed checks", locked.pk)
        raise MemberError(
            MemberErrorCode.CHECKS_EXHAUSTED,
            until=timezone.localtime(until).strftime("%d-%m-%Y %H:%M"),
        )
    if method == IdentityCheckMethod.DOCUMENT:
        passed = document_type in IdentityDocument.values
        kept_type = str(document_type) if passed else ""
    else:
        passed = answers is not None and _answers_match(locked, answers)
        kept_type = ""
    check = IdentityCheck.objects.create(
        member=locked,
        staff=staff,
        branch=branch,
        method=method,
        document_type=kept_type,
        passed=passed,
        at=now,
    )
    if not passed:
        logger.warning("identity check failed for member %s at branch %s", locked.pk, branch.pk)
    # The history (kept as long as the member) says that it happened; how and with what outcome
    # stays on the check, deleted under the answered-requests rule (privacy/registry/copies.py).
    _event(locked, MemberAction.LOGIN_HELP, staff)
    return check


def _code_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return salted_hmac(
        "kaft.members.services.recovery.ResetCode", normal, algorithm="sha256"
    ).hexdigest()


def format_code(code: str) -> str:
    """``ABCDEFGHJKMN`` as ``ABCD-EFGH-JKMN``, easier to read aloud and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def reset_code_issue(
    *, member: Member, staff: User, check: IdentityCheck, now: dt.datetime | None = None
) -> str:
    """A new one-time code for ``member`` after a passed ``check``; earlier unused codes stop.

    Returns the code (formatted) to print or e-mail once; only its hash is kept. Valid 24 hours.
    Locks the member row.
    """
    now = now or timezone.now()
    locked = member_for_update(member.pk)
    if not check.passed or check.member_id != locked.pk or check.at < now - dt.timedelta(hours=1):
        raise MemberError(MemberErrorCode.RESET_CODE_WRONG)
    ResetCode.objects.filter(member=locked, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    ResetCode.objects.create(
        member=locked,
        code_hash=_code_hash(code),
        issued_by=staff,
        created_at=now,
        expires_at=now + CODE_VALID,
    )
    return format_code(code)


def _login_of(member: Member) -> User:
    """The member's login; a member registered without a password gets one now."""
    if member.user is not None:
        return member.user
    user = User(username=f"member-{member.pk}")
    user.set_unusable_password()
    user.save()
    member.user = user
    member.save(update_fields=["user"])
    return user


def _set_password(member: Member, user: User, password: str) -> None:
    from kaft.members.services.account import email_changes_void

    user.set_password(password)
    user.save(update_fields=["password"])
    sessions_end_everywhere(user=user)
    email_changes_void(member=member)  # a link someone else asked for stops working


def reset_code_redeem(
    *, card_number: str, code: str, new_password: str, now: dt.datetime | None = None
) -> Member:
    """The member sets a new password with a code from the desk. Every other session ends.

    Refused: a wrong code (or card number), an expired or used code, too many wrong codes for
    this card number in the last hour, or a password the rules refuse (``ValidationError``).
    Locks the member row.
    """
    now = now or timezone.now()
    card = login_normalise(card_number)
    if limit_reached(RESET_CODE, card):
        raise MemberError(MemberErrorCode.RESET_TOO_MANY_TRIES)
    with transaction.atomic():
        found = Member.objects.filter(card_number=card).values_list("pk", flat=True).first()
        reset = None
        if found is not None:
            locked = member_for_update(found)
            wanted = _code_hash(code)
            reset = next(
                (
                    row
                    for row in ResetCode.objects.select_for_update().filter(member=locked)
                    if hmac.compare_digest(row.code_hash, wanted)
                ),
                None,
            )
        if reset is not None and reset.used_at is None and reset.expires_at > now:
            validate_password(new_password, user=cast(User, locked))
            user = _login_of(locked)
            _set_password(locked, user, new_password)
            reset.used_at = now
            reset.save(update_fields=["used_at"])
            _event(locked, MemberAction.PASSWORD_RESET, None, "code")
            return locked
    if reset is None:
        limit_count(RESET_CODE, card)
        raise MemberError(MemberErrorCode.RESET_CODE_WRONG)
    if reset.used_at is not None:
        raise MemberError(MemberErrorCode.RESET_CODE_USED)
    raise MemberError(MemberErrorCode.RESET_CODE_EXPIRED)


def _member_for_login(login: str) -> Member | None:
    """The one member this card number or e-mail address means, with an address to write to.

    An e-mail address shared by several members (a household) means none of them: each asks
    with their card number, and the link goes to the address on record."""
    members = list(members_for_login(login).filter(erased_at__isnull=True).exclude(email="")[:2])
    return members[0] if len(members) == 1 else None


def reset_link_request(*, login: str, link_for: Callable[[str, str], str]) -> bool:
    """A member asks for a reset link by card number or e-mail address.

    When exactly one member with an e-mail address matches, a link built by ``link_for(uid,
    token)`` (Django's token generator: valid 24 hours, void once the password changed) is
    queued in the outbox. Returns whether a message was queued; the page must not say.
    At most :data:`~kaft.core.limits.RESET_LINK` requests per login (normalised) per hour.
    """
    from kaft.notices.services.account import notice_queue_password_reset_link

    login = login_normalise(login)
    if limit_reached(RESET_LINK, login):
        return False
    limit_count(RESET_LINK, login)
    member = _member_for_login(login)
    if member is None:
        return False
    with transaction.atomic():
        locked = member_for_update(member.pk)
        user = _login_of(locked)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        notice_queue_password_reset_link(member=locked, link=link_for(uid, token))
    return True


def reset_link_user(uid: int | str, token: str) -> User | None:
    """The login a reset link is for, or None when the link is wrong, used or expired."""
    user_id = params.id_from(uid)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def reset_link_redeem(*, user: User, token: str, new_password: str) -> Member:
    """Set the new password from a reset link. Every other session of the login ends.

    Refused: a link that is no longer valid (``RESET_LINK_INVALID``), or a password the rules
    refuse (``ValidationError``). Locks the member row.
    """
    with transaction.atomic():
        member = Member.objects.filter(user=user).first()
        if member is None:
            raise MemberError(MemberErrorCode.RESET_LINK_INVALID)
        locked = member_for_update(member.pk)
        fresh = User.objects.select_for_update().get(pk=user.pk)
        if not default_token_generator.check_token(fresh, token):
            raise MemberError(MemberErrorCode.RESET_LINK_INVALID)
        validate_password(new_password, user=cast(User, locked))
        _set_password(locked, fresh, new_password)
        _event(locked, MemberAction.PASSWORD_RESET, None, "e-mail")
        return locked


def sessions_end_everywhere(*, user: User) -> None:
    """End every session of ``user`` at its next request (raises ``session_version``)."""
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.refresh_from_db(fields=["session_version"])
