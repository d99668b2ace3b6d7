"""Taking a payment: one :class:`Payment` and a ``paid`` event on each charge it settles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kaft.billing import locks
from kaft.billing.errors import BillingError, BillingErrorCode
from kaft.billing.models import CENT, Charge, ChargeEventKind, Payment, PaymentMethod
from kaft.billing.selectors.charges import annotated_owed, charges_with_owed
from kaft.billing.services.charges import charge_event_add
from kaft.catalog.models import Branch
from kaft.core.money import Euros
from kaft.members.models import Member, User


@transaction.atomic
def payment_take(
    *,
    member: Member,
    amount: Decimal | None,
    method: PaymentMethod,
    staff: User | None = None,
    branch: Branch | None = None,
    charges: list[Charge] | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """``member`` pays ``amount`` euros by ``method`` (None: everything owed on ``charges``): it
    settles ``charges`` (default: every charge with something owed, oldest first), each fully
    before the next, the last perhaps in part. Refuses more than is owed on them, and a charge
    of another member; on refusal nothing is written. Locks the member's charges."""
    value = None if amount is None else Decimal(amount).quantize(CENT)
    if value is not None and value <= 0:
        raise BillingError(BillingErrorCode.AMOUNT_NOT_POSITIVE)
    chosen = None if charges is None else {c.pk for c in charges}
    if charges is not None and any(c.member_id != member.pk for c in charges):
        raise BillingError(BillingErrorCode.OTHER_MEMBER)
    locks.member_charges_locked(member.pk)
    open_charges = [
        c
        for c in charges_with_owed(Charge.objects.filter(member=member))
        .filter(Q(owed__gt=0))
        .order_by("created_at", "pk")
        if chosen is None or c.pk in chosen
    ]
    owed = sum((annotated_owed(c) for c in open_charges), Decimal("0.00"))
    if owed <= 0:
        raise BillingError(BillingErrorCode.NOTHING_OWED)
    if value is None:
        value = owed
    if value > owed:
        raise BillingError(BillingErrorCode.AMOUNT_TOO_LARGE, owed=Euros(owed))
    now = now or timezone.now()
    payment = Payment.objects.create(
        member=member, method=method, amount=value, at=now, branch=branch, staff=staff
    )
    left = value
    for charge in open_charges:
        if left <= 0:
            break
        part = min(left, annotated_owed(charge))
        charge_event_add(
            charge=charge,
            kind=ChargeEventKind.PAID,
            amount=part,
            now=now,
            staff=staff,
            branch=branch,
            payment=payment,
            method=method,
        )
        left -= part
    return payment
