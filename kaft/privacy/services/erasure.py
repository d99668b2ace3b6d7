"""The right to erasure: what stands in the way, and anonymising a member.

CONTRACT (written by the lead; the rights helper implements the bodies, keeps the signatures).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from kaft.members.models import Member, User
from kaft.privacy.models import ErasureRequest


@dataclass(frozen=True)
class ErasureBlocker:
    """One thing that stands in the way of erasure, in words for the member."""

    code: str  # "open_loans", "amount_owed", ...
    message: str | Promise


def erasure_blockers(member: Member) -> list[ErasureBlocker]:
    """Everything that keeps ``member`` from being erased now (empty: may be erased)."""
    raise NotImplementedError


def member_erase(*, member: Member, staff: User | None = None) -> None:
    """Anonymise ``member`` through the registry (each table's ``Erasure``), end their sessions,
    disable their login; statistics stay. Refuses (MemberError/PrivacyError) with blockers."""
    raise NotImplementedError


def erasure_request(*, member: Member) -> ErasureRequest:
    """The member asks to be deleted: erased at once when nothing stands in the way, otherwise
    waiting; :func:`erasure_requests_settle` (daily job) erases it as soon as it is settled."""
    raise NotImplementedError


def erasure_requests_settle() -> int:
    """Erase every waiting request whose member has no blockers left; returns how many."""
    raise NotImplementedError
