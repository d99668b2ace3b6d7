"""Joining online: a person signs up in MijnBibliotheek, confirms their e-mail address, and the
desk completes it after seeing an ID document.

The state is kept on the member (``Member.signed_up_online_at``, ``email_verified_at``,
``identity_checked_at`` and ``identity_document``), in three steps that only go forward::

    signup_create ──▶ joined online ──signup link──▶ e-mail confirmed ──desk: ID seen──▶ complete
                      (card number, no login yet)    (may log in, reserve)            (may borrow)

- :func:`signup_create`: the member is registered at once with a card number and a password,
  the category chosen by age (:func:`category_for_age`), and a link goes to the e-mail address
  given (the mechanism of a new e-mail address, :mod:`kaft.members.services.account`: only a
  hash of the link is kept, it works once, for ``KAFT_SIGNUP_VERIFY_DAYS`` days).
- Following the link (:func:`signup_verify`) confirms the address: from then on the person may
  log in to MijnBibliotheek, reserve and use the online services. Before that, the login says
  to follow the link, and the address is no login name (:func:`kaft.members.auth.members_for_login`).
- At the desk, staff see an ID document and note its kind only, never its number
  (:func:`signup_complete`, the button *Identiteit gecontroleerd*); lending starts then
  (circulation refuses a checkout before with ``MEMBER_ID_NOT_CHECKED``). A child under 16 is
  completed only once the desk linked a parent or guardian (whose document is then seen).

A sign-up whose address was not confirmed within ``KAFT_SIGNUP_VERIFY_DAYS`` days, or that was
not completed at the desk within ``KAFT_SIGNUP_COMPLETE_DAYS`` days of joining, is deleted
entirely by the daily retention job (rules ``signups_unconfirmed`` and ``signups_incomplete``,
:mod:`kaft.privacy.services.signups`).

Abuse: sign-ups are counted per client address and per e-mail address
(:data:`kaft.core.limits.SIGNUP`, :data:`~kaft.core.limits.SIGNUP_EMAIL`). An address that is
already a member's is accepted like any other (a household may share one): the page answers the
same, so it does not tell whether an address is known; the mail to it says so instead.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.core.limits import SIGNUP, SIGNUP_EMAIL, limit_count, limit_reached
from kaft.members.auth import members_for_login
from kaft.members.birth import OLDEST_AGE, date_of_birth_check
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.locks import member_for_update
from kaft.members.models import (
    EmailChange,
    GuardianLink,
    IdentityDocument,
    Member,
    MemberAction,
    MemberCategory,
    MemberEvent,
    User,
)
from kaft.members.services.account import _token_hash, email_change_confirm, email_change_for_token
from kaft.members.services.family import CHILD_CONSENT_AGE
from kaft.members.services.member import AddressInput, member_register


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _span(category: MemberCategory) -> int:
    """How many ages the category's range holds; an open end counts up to the oldest age."""
    upper = category.max_age if category.max_age is not None else OLDEST_AGE + 1
    return upper - (category.min_age or 0)


def category_for_age(age: int) -> MemberCategory:
    """The category an online sign-up of ``age`` gets.

    A category's range is ``[min_age, max_age)``; an empty bound is open on that side, so a
    category with neither holds every age. Of the categories whose range holds ``age``, the one
    with the narrowest range wins (a youth category from 0 to 18 before an adult one without
    limits), then the lower yearly fee, then the code. None holds it: ``NO_CATEGORY_FOR_AGE``
    (the person joins at the desk)."""
    matching = [
        category
        for category in MemberCategory.objects.all()
        if (category.min_age is None or age >= category.min_age)
        and (category.max_age is None or age < category.max_age)
    ]
    if not matching:
        raise MemberError(MemberErrorCode.NO_CATEGORY_FOR_AGE)
    return min(matching, key=lambda c: (_span(c), c.annual_fee or Decimal(0), c.code))


def signup_create(
    *,
    first_name: str,
    name_prefix: str = "",
    last_name: str,
    date_of_birth: dt.date,
    email: str,
    password: str,
    home_address: AddressInput,
    home_branch: Branch,
    preferred_language: str = "nl",
    link_for: Callable[[str], str],
    client: str,
    now: dt.datetime | None = None,
) -> Member:
    """A person joins online; returns the new member (their card number is theirs at once).

    The link built by ``link_for(token)`` goes to ``email`` with the card number. Refused before
    anything is written: an invalid address (``EMAIL_INVALID``), a date of birth outside
    :mod:`kaft.members.birth`'s rule, no category for the age, a password the rules refuse
    (``ValidationError``), or more sign-ups than the limits allow from ``client`` (the client's
    address as the login counts it) or for ``email`` (``SIGNUP_TOO_MANY``; counted before the
    transaction, so a refusal after it still counts)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise MemberError(MemberErrorCode.EMAIL_INVALID) from None
    date_of_birth_check(date_of_birth, today=today)
    category = category_for_age(_age(date_of_birth, today))
    person = Member(first_name=first_name, last_name=last_name, email=address)
    validate_password(password, user=cast(User, person))
    if limit_reached(SIGNUP, client) or limit_reached(SIGNUP_EMAIL, address):
        raise MemberError(MemberErrorCode.SIGNUP_TOO_MANY)
    limit_count(SIGNUP, client)
    limit_count(SIGNUP_EMAIL, address)
    from kaft.notices.services.account import notice_queue_signup_welcome

    with transaction.atomic():
        known = members_for_login(address).exists()  # before the new one: tells the mail only
        member = member_register(
            first_name=first_name,
            name_prefix=name_prefix,
            last_name=last_name,
            date_of_birth=date_of_birth,
            email=address,
            category=category,
            home_branch=home_branch,
            home_address=home_address,
            preferred_language=preferred_language,
            password=password,
            joined_online_at=now,
        )
        token = secrets.token_urlsafe(32)
        days = int(settings.KAFT_SIGNUP_VERIFY_DAYS)
        EmailChange.objects.create(
            member=member,
            new_email=address,
            token_hash=_token_hash(token),
            requested_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        notice_queue_signup_welcome(
            member=member, link=link_for(token), days=days, known_address=known, now=now
        )
    return member


def signup_for_token(token: str, now: dt.datetime | None = None) -> Member | None:
    """The sign-up a link is for, waiting for it; None when the link is wrong, used, expired,
    or not a sign-up's."""
    change = email_change_for_token(token, now)
    if change is None:
        return None
    member = change.member
    if not member.awaits_email_verification or change.new_email != member.email:
        return None
    return member


def signup_verify(*, token: str, now: dt.datetime | None = None) -> Member:
    """The link was followed: the address is confirmed, the person may log in from now on.

    Refused with ``SIGNUP_LINK_INVALID`` for a wrong, used or expired link. Single use: locks
    the member row, then the link's row (:func:`email_change_confirm` does the work)."""
    now = now or timezone.now()
    if signup_for_token(token, now) is None:
        raise MemberError(MemberErrorCode.SIGNUP_LINK_INVALID)
    try:
        return email_change_confirm(token=token, now=now)
    except MemberError:
        raise MemberError(MemberErrorCode.SIGNUP_LINK_INVALID) from None


def signup_email_verified(*, member: Member, now: dt.datetime) -> None:
    """Mark the (locked) sign-up's address confirmed; the history says so. Called by
    :func:`kaft.members.services.account.email_change_confirm` when the link it confirms is a
    sign-up's."""
    member.email_verified_at = now
    member.save(update_fields=["email_verified_at", "updated_at"])
    MemberEvent.objects.create(member=member, action=MemberAction.EMAIL_VERIFIED, at=now)


def _has_guardian(member: Member) -> bool:
    return GuardianLink.objects.filter(
        child=member, ended_at__isnull=True, guardian__isnull=False
    ).exists()


@transaction.atomic
def signup_complete(
    *, member: Member, document_type: str, staff: User, now: dt.datetime | None = None
) -> Member:
    """The desk saw an ID document of the kind ``document_type`` (never its number): the
    sign-up is complete and the member may borrow. Locks the member row.

    Refused, changing nothing: no document kind chosen (``IDENTITY_DOCUMENT_REQUIRED``), a
    member who did not join online or is complete already (``SIGNUP_NOT_WAITING``), an address
    not yet confirmed (``SIGNUP_EMAIL_NOT_CONFIRMED``), a child under 16 without a parent or
    guardian linked (``SIGNUP_NEEDS_GUARDIAN``: for a child the guardian's document is seen)."""
    if document_type not in IdentityDocument.values:
        raise MemberError(MemberErrorCode.IDENTITY_DOCUMENT_REQUIRED)
    now = now or timezone.now()
    locked = member_for_update(member.pk)
    if not locked.awaits_identity_check or locked.erased_at is not None:
        raise MemberError(MemberErrorCode.SIGNUP_NOT_WAITING)
    if locked.email_verified_at is None:
        raise MemberError(MemberErrorCode.SIGNUP_EMAIL_NOT_CONFIRMED)
    if locked.age_on(timezone.localdate(now)) < CHILD_CONSENT_AGE and not _has_guardian(locked):
        raise MemberError(MemberErrorCode.SIGNUP_NEEDS_GUARDIAN)
    locked.identity_checked_at = now
    locked.identity_document = document_type
    locked.save(update_fields=["identity_checked_at", "identity_document", "updated_at"])
    MemberEvent.objects.create(
        member=locked,
        action=MemberAction.SIGNUP_COMPLETED,
        staff=staff,
        at=now,
        note=document_type,
    )
    return locked
