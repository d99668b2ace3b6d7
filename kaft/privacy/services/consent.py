"""Consents per purpose. Every use of personal data for a consent purpose asks here first.

CONTRACT (written by the lead; the consent helper implements the bodies, keeps the signatures).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from kaft.members.models import Member, User
from kaft.privacy.models import Consent, ConsentPurpose, ConsentVia


def consent_given(*, member: Member, purpose: ConsentPurpose) -> bool:
    """True only when ``member``'s current answer for ``purpose`` is yes."""
    raise NotImplementedError


def consent_set(
    *,
    member: Member,
    purpose: ConsentPurpose,
    given: bool,
    via: ConsentVia,
    staff: User | None = None,
    guardian: Member | None = None,
) -> Consent:
    """Give or withdraw one consent: current state + a history event with the statement version."""
    raise NotImplementedError


def members_with_consent(purpose: ConsentPurpose) -> QuerySet[Member]:
    """Members whose current answer for ``purpose`` is yes (for bulk use: newsletters, panels)."""
    raise NotImplementedError


def member_ids_with_consent(purpose: ConsentPurpose, member_ids: Iterable[int]) -> set[int]:
    """Of ``member_ids``, those with a yes for ``purpose`` (one query)."""
    raise NotImplementedError
