"""Charging, waiving, cancelling and refunding: every change is an event on a charge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaft.billing import locks
from kaft.billing.errors import BillingError, BillingErrorCode
from kaft.billing.models import (
    CENT,
    OWED_SIGN,
    Charge,
    ChargeEvent,
    ChargeEventKind,
    ChargeKind,
    Payment,
)
from kaft.billing.selectors.charges import charge_charged, charge_owed, charge_paid
from kaft.catalog.models import Branch, Item
from kaft.core.money import Euros
from kaft.members.models import Member, User

WAIVE_PERMISSION = "billing.waive_charge"


def staff_may_waive(staff: User) -> bool:
    """Whether ``staff`` may waive charges: a role the library lets waive
    (``KAFT_WAIVE_ROLES``), or the permission given to this login."""
    profile = getattr(staff, "staff_profile", None)
    if profile is not None and profile.role in settings.KAFT_WAIVE_ROLES:
        return True
    return staff.has_perm(WAIVE_PERMISSION)


def _money(amount: Decimal | int | str) -> Decimal:
    value = Decimal(amount).quantize(CENT)
    if value <= 0:
        raise BillingError(BillingErrorCode.AMOUNT_NOT_POSITIVE)
    return value


def charge_event_add(
    *,
    charge: Charge,
    kind: ChargeEventKind,
    amount: Decimal,
    now: dt.datetime,
    staff: User | None = None,
    branch: Branch | None = None,
    payment: Payment | None = None,
    method: str = "",
    reason: str = "",
) -> ChargeEvent:
    """Write one event (the only place that does): ``owed_change`` follows from ``kind``."""
    return ChargeEvent.objects.create(
        charge=charge,
        kind=kind,
        amount=amount,
        owed_change=amount * OWED_SIGN[kind],
        at=now,
        staff=staff,
        branch=branch,
        payment=payment,
        method=method,
        reason=reason[:200],
    )


@transaction.atomic
def charge_create(
    *,
    member: Member,
    kind: ChargeKind,
    amount: Decimal,
    now: dt.datetime | None = None,
    item: Item | None = None,
    loan_id: int | None = None,
    branch: Branch | None = None,
    staff: User | None = None,
    note: str = "",
    accruing: bool = False,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Charge:
    """Charge ``member`` ``amount`` euros for ``kind``: the charge and its ``charged`` event."""
    value = _money(amount)
    now = now or timezone.now()
    charge = Charge.objects.create(
        member=member,
        kind=kind,
        created_at=now,
        item=item,
        loan_id=loan_id,
        branch=branch,
        note=note[:200],
        accruing=accruing,
        period_start=period_start,
        period_end=period_end,
        member_category_id=member.category_id,
    )
    charge_event_add(
        charge=charge,
        kind=ChargeEventKind.CHARGED,
        amount=value,
        now=now,
        staff=staff,
        branch=branch,
    )
    return charge


@transaction.atomic
def charge_set_total(
    *, charge: Charge, total: Decimal, now: dt.datetime | None = None, reason: str = ""
) -> Decimal:
    """Bring what was charged on ``charge`` (a growing fine) to ``total``: charge the increase,
    or cancel the decrease (a day found closed, a lower cap). Returns the change (0: nothing
    written), so a rerun on the same day changes nothing. Locks the charge."""
    locked = locks.charges_locked([charge.pk]).get()
    now = now or timezone.now()
    change = Decimal(total).quantize(CENT) - charge_charged(locked)
    if change > 0:
        charge_event_add(charge=locked, kind=ChargeEventKind.CHARGED, amount=change, now=now)
    elif change < 0:
        cancel = min(-change, charge_owed(locked))
        if cancel > 0:
            charge_event_add(
                charge=locked, kind=ChargeEventKind.CANCELLED, amount=cancel, now=now, reason=reason
            )
    return change


@transaction.atomic
def charge_waive(
    *,
    charge: Charge,
    staff: User,
    reason: str,
    amount: Decimal | None = None,
    branch: Branch | None = None,
    now: dt.datetime | None = None,
) -> ChargeEvent:
    """Let ``member`` off (part of) what is owed on ``charge``, with a reason.

    Only staff who may (:func:`staff_may_waive`); the event keeps who,
    when and why. Locks the charge."""
    if not staff_may_waive(staff):
        raise BillingError(BillingErrorCode.NOT_ALLOWED)
    if not reason.strip():
        raise BillingError(BillingErrorCode.REASON_REQUIRED)
    locked = locks.charges_locked([charge.pk]).get()
    owed = charge_owed(locked)
    if owed <= 0:
        raise BillingError(BillingErrorCode.NOTHING_OWED)
    value = owed if amount is None else _money(amount)
    if value > owed:
        raise BillingError(BillingErrorCode.AMOUNT_TOO_LARGE, owed=Euros(owed))
    if locked.accruing:
        locked.accruing = False  # a waived fine stops growing
        locked.save(update_fields=["accruing"])
    return charge_event_add(
        charge=locked,
        kind=ChargeEventKind.WAIVED,
        amount=value,
        now=now or timezone.now(),
        staff=staff,
        branch=branch,
        reason=reason.strip(),
    )


@transaction.atomic
def charge_cancel(
    *,
    charge: Charge,
    reason: str,
    staff: User | None = None,
    now: dt.datetime | None = None,
) -> ChargeEvent | None:
    """Cancel what is still owed on ``charge`` (it should not have been charged, or no longer
    applies: a lost copy came back). None when nothing was owed. Locks the charge."""
    locked = locks.charges_locked([charge.pk]).get()
    owed = charge_owed(locked)
    locked.accruing = False
    locked.save(update_fields=["accruing"])
    if owed <= 0:
        return None
    return charge_event_add(
        charge=locked,
        kind=ChargeEventKind.CANCELLED,
        amount=owed,
        now=now or timezone.now(),
        staff=staff,
        reason=reason,
    )


@transaction.atomic
def charge_refund(
    *,
    charge: Charge,
    method: str,
    reason: str,
    amount: Decimal | None = None,
    staff: User | None = None,
    branch: Branch | None = None,
    now: dt.datetime | None = None,
) -> ChargeEvent:
    """Give back money paid on ``charge`` (default: all of it), cancelling it first so the
    member does not owe it again. Locks the charge."""
    locked = locks.charges_locked([charge.pk]).get()
    paid = charge_paid(locked)
    if paid <= 0:
        raise BillingError(BillingErrorCode.NOTHING_TO_REFUND)
    value = paid if amount is None else _money(amount)
    if value > paid:
        raise BillingError(BillingErrorCode.AMOUNT_TOO_LARGE, owed=Euros(paid))
    now = now or timezone.now()
    charge_cancel(charge=locked, reason=reason, staff=staff, now=now)
    # Cancel the part of the charge the refund gives back, so that it is not owed again.
    charge_event_add(
        charge=locked,
        kind=ChargeEventKind.CANCELLED,
        amount=value,
        now=now,
        staff=staff,
        reason=reason,
    )
    return charge_event_add(
        charge=locked,
        kind=ChargeEventKind.REFUNDED,
        amount=value,
        now=now,
        staff=staff,
        branch=branch,
        method=method,
        reason=reason,
    )
