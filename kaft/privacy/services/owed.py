"""What members owe, asked of billing without privacy importing it.

Privacy sits below billing in the house: erasure and the retention job must know who owes the
library money (such a member is not erased yet), but only billing's ledger knows. Billing
registers its two answers here when Django starts (``BillingConfig.ready``): what one member owes,
and the members who owe anything, as a queryset the retention job can use in a subquery.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db.models import QuerySet

from kaft.members.models import Member

OWED_BY_MEMBER: list[Callable[[Member], Decimal | None]] = []
MEMBERS_OWING: list[Callable[[], QuerySet[Member]]] = []


def owed_sources(
    *,
    by_member: Callable[[Member], Decimal | None],
    owing: Callable[[], QuerySet[Member]],
) -> None:
    """Register a ledger's two answers (once; registering again changes nothing)."""
    if by_member not in OWED_BY_MEMBER:
        OWED_BY_MEMBER.append(by_member)
    if owing not in MEMBERS_OWING:
        MEMBERS_OWING.append(owing)


def amount_owed(member: Member) -> Decimal | None:
    """What ``member`` still owes the library (every registered ledger added up), or None."""
    total = sum(
        (amount for source in OWED_BY_MEMBER if (amount := source(member))), Decimal("0.00")
    )
    return total if total > 0 else None


def members_owing() -> QuerySet[Member]:
    """Members who owe the library anything (none while no ledger is registered)."""
    found = Member.objects.none()
    for source in MEMBERS_OWING:
        found = found | source()
    return found
