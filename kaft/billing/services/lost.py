"""A copy declared lost is charged at its replacement price; brought back in time, the charge
is taken back.

- Declared lost (circulation's ``loan_declare_lost``, through the loan steps): one ``lost``
  charge for the copy's replacement price (none when the price is unknown, 0). The fine ended
  the same moment (``kaft.billing.services.fines``).
- Brought back within ``KAFT_LOST_REFUND_DAYS`` days of being declared lost: the replacement
  charge is cancelled, and refunded where it was paid (by the method it was paid with). The
  late fee stays unless ``KAFT_LOST_FOUND_KEEP_FINES`` is false; then it is taken back the same
  way. Brought back later: the charges stay as they are.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from kaft.billing.models import Charge, ChargeEvent, ChargeEventKind, ChargeKind, PaymentMethod
from kaft.billing.selectors.charges import charge_paid
from kaft.billing.services.charges import charge_cancel, charge_create, charge_refund
from kaft.circulation.services.loan_steps import LoanStep
from kaft.members.models import Member


def lost_charge_create(step: LoanStep) -> Charge | None:
    """Charge the replacement price of the lost copy (once per loan; none when unknown)."""
    loan = step.loan
    price = loan.item.replacement_price
    if price <= 0 or loan.member_id is None:
        return None
    existing = Charge.objects.filter(loan_id=loan.pk, kind=ChargeKind.LOST).first()
    if existing is not None:
        return existing
    return charge_create(
        member=Member.objects.get(pk=loan.member_id),
        kind=ChargeKind.LOST,
        amount=price,
        now=step.now,
        item=loan.item,
        loan_id=loan.pk,
        branch=loan.branch,
        staff=step.staff,
    )


def _take_back(charge: Charge, step: LoanStep, reason: str) -> None:
    """Cancel what is owed on ``charge``; give back what was paid on it."""
    if charge_paid(charge) > 0:
        method = (
            ChargeEvent.objects.filter(charge=charge, kind=ChargeEventKind.PAID)
            .order_by("-at", "-pk")
            .values_list("method", flat=True)
            .first()
        ) or PaymentMethod.CASH
        charge_refund(
            charge=charge,
            method=method,
            reason=reason,
            staff=step.staff,
            branch=step.branch,
            now=step.now,
        )
    else:
        charge_cancel(charge=charge, reason=reason, staff=step.staff, now=step.now)


def lost_copy_back(step: LoanStep) -> None:
    """The copy of a lost loan is back: within the library's period its replacement charge
    (and, when the library chooses, its fine) is taken back; after it nothing changes."""
    if step.lost_on is None:
        return
    if (step.today - step.lost_on).days > settings.KAFT_LOST_REFUND_DAYS:
        return
    kinds = [ChargeKind.LOST]
    if not settings.KAFT_LOST_FOUND_KEEP_FINES:
        kinds.append(ChargeKind.OVERDUE_FINE)
    reason = _("The lost copy was brought back.")
    for charge in Charge.objects.filter(loan_id=step.loan.pk, kind__in=kinds).order_by("pk"):
        _take_back(charge, step, reason)
