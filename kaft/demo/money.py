"""Money in the demo library: open charges, past payments with receipts, and a day at the till.

- the demo member (Sanne) owes € 7.00 (a damaged book and an administration fee: under the
  € 10.00 threshold, so she may still borrow) and paid € 3.00 by pin last month;
- one member owes € 19.95 for a lost book: over the threshold, money keeps them from borrowing;
- today the central branch took a payment in cash and one by pin, and the finance login waived
  a charge, so the cash report has something to show.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kaft.billing.models import ChargeKind, PaymentMethod
from kaft.billing.services.charges import charge_create, charge_waive
from kaft.billing.services.payments import payment_take
from kaft.catalog.models import Branch
from kaft.circulation.models import Loan
from kaft.demo.people import DemoMembers
from kaft.members.models import User

D = Decimal


def _returned_item(member_id: int) -> object | None:
    loan = Loan.objects.filter(member_id=member_id, returned_at__isnull=False).first()
    return loan.item if loan is not None else None


def money_ensure(
    *,
    members: DemoMembers,
    branches: list[Branch],
    desk: User,
    finance: User,
    now: dt.datetime,
) -> None:
    centrale = branches[0]
    demo = members.demo
    # a moment earlier today (also when the demo is loaded just after midnight)
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
    earlier_today = max(now - dt.timedelta(minutes=30), midnight)
    month_ago = now - dt.timedelta(days=30)
    old = charge_create(member=demo, kind=ChargeKind.ADMINISTRATION, amount=D("3.00"),
                        branch=centrale, staff=desk, note="Nieuwe pas", now=month_ago)  # fmt: skip
    payment_take(member=demo, amount=D("3.00"), method=PaymentMethod.PIN, staff=desk,
                 branch=centrale, charges=[old], now=month_ago)  # fmt: skip
    charge_create(member=demo, kind=ChargeKind.DAMAGE, amount=D("4.50"), branch=centrale,
                  staff=desk, item=_returned_item(demo.pk),  # type: ignore[arg-type]
                  note="Koffievlek op de kaft", now=now - dt.timedelta(days=6))  # fmt: skip
    charge_create(member=demo, kind=ChargeKind.ADMINISTRATION, amount=D("2.50"),
                  branch=centrale, staff=desk, note="Pas vervangen",
                  now=now - dt.timedelta(days=2))  # fmt: skip

    owing, paying_cash, paying_pin, let_off = members.others[:4]
    charge_create(member=owing, kind=ChargeKind.LOST, amount=D("19.95"), branch=centrale,
                  staff=desk, note="Boek niet teruggebracht", now=now - dt.timedelta(days=10))  # fmt: skip
    for member, method, amount in (
        (paying_cash, PaymentMethod.CASH, D("5.00")),
        (paying_pin, PaymentMethod.PIN, D("12.50")),
    ):
        charge_create(member=member, kind=ChargeKind.DAMAGE, amount=amount, branch=centrale,
                      staff=desk, note="Waterschade", now=now - dt.timedelta(days=3))  # fmt: skip
        payment_take(member=member, amount=amount, method=method, staff=desk, branch=centrale,
                     now=earlier_today)  # fmt: skip
    waived = charge_create(member=let_off, kind=ChargeKind.ADMINISTRATION, amount=D("2.50"),
                           branch=centrale, staff=desk, now=now - dt.timedelta(days=4))  # fmt: skip
    charge_waive(charge=waived, staff=finance, reason="Pas was defect, niet door het lid",
                 branch=centrale, now=earlier_today)  # fmt: skip
