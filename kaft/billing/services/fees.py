"""Membership fees: renewing a membership charges the fee of the next period, once.

The member's category says the fee per year (``annual_fee``; youth is free by law, so 0) and
whether it is charged per year or per month (``fee_period``; a month is a twelfth of the year's
fee, rounded to the cent). A renewal extends ``membership_end`` by one period (through the
members service) and creates one ``membership`` charge with ``period_start``/``period_end``. A
period is charged at most once: the service finds an existing charge, and the database refuses
a second one (``charge_one_membership_fee_per_period``). Members pay the charge at the desk or
by direct debit (the next SEPA announcement picks it up when they have a mandate).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from kaft.billing.models import CENT, Charge, ChargeKind, Mandate, MandateStatus
from kaft.billing.months import add_months
from kaft.billing.services.charges import charge_create
from kaft.members.locks import member_for_update
from kaft.members.models import FeePeriod, Member, MemberCategory, MemberStatus, User
from kaft.members.services.membership import member_extend_membership

# Members with a mandate are renewed this many days before their membership ends, so that the
# fee can be announced and collected in time.
RENEW_AHEAD_DAYS = 30


@dataclass(frozen=True)
class Renewal:
    member: Member
    period_start: dt.date
    period_end: dt.date
    charge: Charge | None  # None: the category is free


def fee_for_period(category: MemberCategory) -> Decimal:
    """The fee of one period of ``category``: the year's fee, or a twelfth of it per month."""
    fee = Decimal(category.annual_fee)
    if category.fee_period == FeePeriod.MONTHLY:
        fee = fee / 12
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


def next_period(member: Member, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period a renewal of ``member`` covers: from the day after the current end (or today,
    when the membership has already ended or never had an end) for one year or one month."""
    start = today
    if member.membership_end is not None and member.membership_end >= today:
        start = member.membership_end + dt.timedelta(days=1)
    months = 1 if member.category.fee_period == FeePeriod.MONTHLY else 12
    return start, add_months(start, months) - dt.timedelta(days=1)


@transaction.atomic
def membership_renew(
    *,
    member: Member,
    staff: User | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Renewal:
    """Renew ``member``'s membership for one period and charge its fee (none for a free
    category). A membership that already runs a full period beyond ``today`` was renewed:
    running it again (a second click, a rerun of the job) writes nothing and returns the latest
    fee. Locks the member."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    locked = member_for_update(member.pk)
    months = 1 if locked.category.fee_period == FeePeriod.MONTHLY else 12
    if locked.membership_end is not None and locked.membership_end >= add_months(today, months):
        # Already renewed for the coming period (a second click, a rerun): nothing new.
        latest = (
            Charge.objects.filter(member=locked, kind=ChargeKind.MEMBERSHIP)
            .order_by("-period_start", "-pk")
            .first()
        )
        start = latest.period_start if latest and latest.period_start else today
        return Renewal(locked, start, locked.membership_end, latest)
    start, end = next_period(locked, today=today)
    existing = Charge.objects.filter(
        member=locked, kind=ChargeKind.MEMBERSHIP, period_start=start
    ).first()
    if existing is not None:
        return Renewal(locked, start, end, existing)
    fee = fee_for_period(locked.category)
    charge = None
    if fee > 0:
        charge = charge_create(
            member=locked,
            kind=ChargeKind.MEMBERSHIP,
            amount=fee,
            now=now,
            staff=staff,
            period_start=start,
            period_end=end,
        )
    renewed = member_extend_membership(member=locked, until=end, staff=staff)
    return Renewal(renewed, start, end, charge)


def memberships_renew_due(*, today: dt.date | None = None) -> int:
    """Renew every active member who pays by direct debit and whose membership ends within
    ``RENEW_AHEAD_DAYS``: their fee is then announced and collected before it runs out. Others
    renew at the desk. Returns how many were renewed; a rerun renews nobody twice (the next
    period then starts after the new end, beyond the window)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=RENEW_AHEAD_DAYS)
    with_mandate = Mandate.objects.filter(status=MandateStatus.ACTIVE).values("member_id")
    due = (
        Member.objects.filter(
            pk__in=with_mandate,
            status=MemberStatus.ACTIVE,
            membership_end__isnull=False,
            membership_end__gte=today,
            membership_end__lte=horizon,
        )
        .select_related("category")
        .order_by("pk")
    )
    renewed = 0
    for member in due:
        membership_renew(member=member, today=today)
        renewed += 1
    return renewed
