"""Every time personal data leaves Kaft for another organisation, it is recorded here.

CONTRACT (written by the lead; the transparency helper implements the bodies, keeps signatures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kaft.members.models import Member, User
from kaft.privacy.models import DataCategory, Disclosure, LegalRequest, Partner


def disclosure_record(
    *,
    member: Member,
    categories: Iterable[DataCategory],
    partner: Partner | None = None,
    recipient: str = "",
    purpose: str = "",
    legal_basis: str = "",
    staff: User | None = None,
    legal_request: LegalRequest | None = None,
    hidden_until: dt.date | None = None,
) -> Disclosure:
    """Record that ``categories`` of ``member``'s data went to ``partner`` (its name, purpose and
    legal basis are used unless given) or to ``recipient`` (an authority)."""
    raise NotImplementedError
