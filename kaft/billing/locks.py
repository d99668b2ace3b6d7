"""The locking querysets of billing, in one place.

Services that change what a member owes lock the member's charges first (``SELECT ... FOR
UPDATE``), always in primary-key order, so two desks paying for one member queue instead of
paying one charge twice."""

from __future__ import annotations

from django.db.models import QuerySet

from kaft.billing.models import Charge


def charges_locked(charge_ids: list[int]) -> QuerySet[Charge]:
    return Charge.objects.select_for_update().filter(pk__in=charge_ids).order_by("pk")


def member_charges_locked(member_id: int) -> list[Charge]:
    return list(Charge.objects.select_for_update().filter(member_id=member_id).order_by("pk"))
