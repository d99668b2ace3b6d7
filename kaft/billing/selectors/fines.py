"""Late fees as the doors show them beside a member's loans."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q

from kaft.billing.models import CENT, Charge, ChargeKind
from kaft.billing.selectors.charges import annotated_owed, charges_with_owed
from kaft.members.models import Member


def member_loan_fines(member: Member) -> dict[int, Decimal]:
    """Loan id -> what is still owed on its late fee, for every loan of ``member`` with a fine
    not (yet) paid: one query, however many loans. The daily job keeps an overdue loan's fine
    at today's total, so this is the fine so far."""
    fines = charges_with_owed(
        Charge.objects.filter(member=member, kind=ChargeKind.OVERDUE_FINE, loan__isnull=False)
    ).filter(Q(owed__gt=0))
    return {
        charge.loan_id: annotated_owed(charge).quantize(CENT) for charge in fines if charge.loan_id
    }
