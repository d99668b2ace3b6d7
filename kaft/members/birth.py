"""The one rule for a date of birth, used by every form and service that accepts one.

A date of birth lies between :data:`OLDEST_AGE` years ago and today: not in the future, and not so
long ago that nobody alive was born then (typing 1899 for 1989, or 2999 for 1999, is caught). The
services that store one (:func:`~kaft.members.services.member.member_register`,
:func:`~kaft.members.services.member.member_update_identity`,
:func:`~kaft.members.services.identity.identity_change_request`) call
:func:`date_of_birth_check`, which refuses with a :class:`MemberError`; the forms of the doors
use :func:`validate_date_of_birth`, which says the same as a form error before anything is sent.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from kaft.members.errors import MemberError, MemberErrorCode

OLDEST_AGE = 120


def date_of_birth_earliest(today: dt.date | None = None) -> dt.date:
    """The earliest date of birth accepted today: :data:`OLDEST_AGE` years ago."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - OLDEST_AGE)
    except ValueError:  # 29 February, and the year then had none
        return today.replace(year=today.year - OLDEST_AGE, day=28)


def date_of_birth_check(value: dt.date, *, today: dt.date | None = None) -> None:
    """Refuse a date of birth in the future (``DATE_OF_BIRTH_FUTURE``) or before
    :func:`date_of_birth_earliest` (``DATE_OF_BIRTH_TOO_EARLY``)."""
    today = today or timezone.localdate()
    if value > today:
        raise MemberError(MemberErrorCode.DATE_OF_BIRTH_FUTURE)
    earliest = date_of_birth_earliest(today)
    if value < earliest:
        raise MemberError(
            MemberErrorCode.DATE_OF_BIRTH_TOO_EARLY, earliest=earliest.strftime("%d-%m-%Y")
        )


def validate_date_of_birth(value: dt.date | None) -> None:
    """:func:`date_of_birth_check` as a validator for a form's date field."""
    if value is None:
        return
    try:
        date_of_birth_check(value)
    except MemberError as error:
        raise ValidationError(error.message, code=str(error.code)) from None
