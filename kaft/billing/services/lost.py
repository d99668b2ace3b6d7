"""A copy declared lost is charged at its replacement price; brought back in time, the charge
is taken back.

- Declared lost (circulation's ``loans_declare_lost``, through its steps for lost loans, for
  many loans at once): one ``lost`` charge for each copy's replacement price (none when the
  price is unknown, 0), and each fine ends at its total for the day.
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
from kaft.billing.services.charges import charge_cancel, charge_refund
from kaft.billing.services.invoicing import ChargeDraft, charges_create_many
from kaft.circulation.models import Loan
from kaft.circulation.selectors.fines import with_fine_terms
from kaft.circulation.services.loan_steps import LoansLost, LoanStep


def loans_lost_charge(facts: LoansLost) -> None:
    """Loans declared lost (circulation's lost step, registered in ``BillingConfig.ready``): each
    fine ends at its total for the day, and each copy's replacement price is charged, once per
    loan (the reminder schedule may have charged it at its invoice step; none when the price is
    unknown, 0). A fixed number of statements however many loans."""
    from kaft.billing.services.fines import fines_settle_many  # fines imports this module

    ids = [loan.pk for loan in facts.loans if loan.member_id is not None]
    if not ids:
        return
    loans = list(with_fine_terms(Loan.objects.filter(pk__in=ids).order_by("pk")))
    fines_settle_many(loans, today=facts.today, now=facts.now, final=True)
    charged = set(
        Charge.objects.filter(kind=ChargeKind.LOST, loan_id__in=ids).values_list(
            "loan_id", flat=True
        )
    )
    charges_create_many(
        drafts=[
            ChargeDraft(
                member_id=loan.member_id,
                member_category_id=loan.member_category_id,
                kind=ChargeKind.LOST,
                amount=loan.item.replacement_price,
                item_id=loan.item_id,
                loan_id=loan.pk,
                branch_id=loan.branch_id,
            )
            for loan in facts.loans
            if loan.member_id is not None
            and loan.item.replacement_price > 0
            and loan.pk not in charged
        ],
        now=facts.now,
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
