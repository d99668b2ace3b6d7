"""Late fees: one charge per loan, growing while the loan is overdue, settled when it ends.

How much is circulation's rule (:func:`kaft.circulation.selectors.fines.fine_on`: fine per day,
days without a fine, cap, replacement price, closed days, exempt categories); this module keeps
the ledger in step with it:

- :func:`fines_update` (the daily job) brings the fine of every overdue loan up to the total for
  today, in chunks of a fixed number of statements. It writes only the difference, so a rerun
  writes nothing and a missed day is caught up (the total is computed, not added to).
- :func:`fines_loan_step` is registered with circulation's loan steps: at checkin the fine gets
  its final amount for the return day and stops growing (``accruing`` False); a late loan that
  is renewed keeps what its fine reached (``fine_earlier``) and the new due date starts afresh;
  a copy declared lost ends its fine and is charged (``kaft.billing.services.lost``).

A fine that was waived (or ended) no longer grows. The unique constraint on (loan, kind) makes
a second fine for one loan impossible; the job and the steps lock the loan row before the
charge, in the circulation lock order, so they queue rather than both create it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kaft.billing.models import (
    CENT,
    OWED_SIGN,
    Charge,
    ChargeEvent,
    ChargeEventKind,
    ChargeKind,
)
from kaft.billing.services.charges import charge_create, charge_set_total
from kaft.billing.services.lost import lost_copy_back
from kaft.circulation.models import Loan, LoanStatus
from kaft.circulation.selectors.fines import (
    closures_for,
    fine_on,
    loan_fine_on,
    terms_of,
    with_fine_terms,
)
from kaft.circulation.services.loan_steps import LoanStep, LoanStepKind
from kaft.members.models import Member

ZERO = Decimal("0.00")
CHUNK = 500
_MONEY = DecimalField(max_digits=11, decimal_places=2)


def _fine_locked(loan_id: int) -> Charge | None:
    return (
        Charge.objects.select_for_update()
        .filter(loan_id=loan_id, kind=ChargeKind.OVERDUE_FINE)
        .first()
    )


def loan_fine_settle(*, loan: Loan, day: dt.date, now: dt.datetime, final: bool) -> Charge | None:
    """Bring the fine of ``loan`` to its total on ``day`` (what it had before a renewal plus
    the running part); ``final``: it stops growing. A waived or ended fine stays as it is.
    The caller holds the loan lock; this locks the charge."""
    charge = _fine_locked(loan.pk)
    if charge is not None and not charge.accruing:
        return charge
    earlier = charge.fine_earlier if charge is not None else ZERO
    total = earlier + loan_fine_on(loan, day)
    if charge is None:
        if total <= 0 or loan.member_id is None:
            return None
        member = Member.objects.get(pk=loan.member_id)
        return charge_create(
            member=member,
            kind=ChargeKind.OVERDUE_FINE,
            amount=total,
            now=now,
            item=loan.item,
            loan_id=loan.pk,
            branch=loan.branch,
            accruing=not final,
        )
    charge_set_total(charge=charge, total=total, now=now)
    if final:
        charge.accruing = False
        charge.save(update_fields=["accruing"])
    return charge


def _fine_at_renewal(step: LoanStep) -> None:
    """A late loan renewed: its fine so far (for the old due date) is kept as ``fine_earlier``;
    lateness after the new due date is added to it."""
    previous = step.previous_due_date
    if previous is None or previous >= step.today:
        return
    loan = step.loan
    charge = _fine_locked(loan.pk)
    if charge is not None and not charge.accruing:
        return
    earlier = charge.fine_earlier if charge is not None else ZERO
    total = earlier + loan_fine_on(loan, step.today, due_date=previous)
    if total <= 0 or loan.member_id is None:
        return
    if charge is None:
        charge = charge_create(
            member=Member.objects.get(pk=loan.member_id),
            kind=ChargeKind.OVERDUE_FINE,
            amount=total,
            now=step.now,
            item=loan.item,
            loan_id=loan.pk,
            branch=loan.branch,
            accruing=True,
        )
    else:
        charge_set_total(charge=charge, total=total, now=step.now)
    charge.fine_earlier = total
    charge.save(update_fields=["fine_earlier"])


def fines_loan_step(step: LoanStep) -> None:
    """Circulation's loan steps, as billing takes part in them (registered in
    ``BillingConfig.ready``)."""
    loan = step.loan
    if step.kind == LoanStepKind.RETURNED:
        # On time and never renewed late: no fine can exist, so no query is spent on one.
        if loan.due_date >= step.today and loan.renewals == 0:
            return
        loan_fine_settle(loan=loan, day=step.today, now=step.now, final=True)
    elif step.kind in (LoanStepKind.RENEWED, LoanStepKind.DUE_DATE_SET):
        _fine_at_renewal(step)
    elif step.kind == LoanStepKind.LOST_RETURNED:
        lost_copy_back(step)


@dataclass(frozen=True)
class FinesRun:
    """What one run of :func:`fines_update` did."""

    loans: int = 0
    created: int = 0
    events: int = 0
    chunks: int = 0


def _event(charge: Charge, kind: ChargeEventKind, amount: Decimal, now: dt.datetime) -> ChargeEvent:
    return ChargeEvent(
        charge=charge, kind=kind, amount=amount, owed_change=amount * OWED_SIGN[kind], at=now
    )


def _fines_with_totals(loan_ids: list[int]) -> dict[int, Charge]:
    """The fines of ``loan_ids``, locked, with ``net`` (charged minus cancelled, what
    :func:`charge_set_total` compares with) and ``owed`` annotated. One statement."""
    events = ChargeEvent.objects.filter(charge=OuterRef("pk")).order_by().values("charge")
    net = events.annotate(
        total=Sum("amount", filter=Q(kind=ChargeEventKind.CHARGED))
        - Coalesce(Sum("amount", filter=Q(kind=ChargeEventKind.CANCELLED)), Value(ZERO))
    ).values("total")
    owed = events.annotate(total=Sum("owed_change")).values("total")
    rows = (
        Charge.objects.select_for_update()
        .filter(kind=ChargeKind.OVERDUE_FINE, loan_id__in=loan_ids)
        .annotate(
            net=Coalesce(Subquery(net, output_field=_MONEY), Value(ZERO), output_field=_MONEY),
            owed_now=Coalesce(
                Subquery(owed, output_field=_MONEY), Value(ZERO), output_field=_MONEY
            ),
        )
        .order_by("pk")
    )
    return {row.loan_id: row for row in rows if row.loan_id is not None}


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _chunk(*, today: dt.date, now: dt.datetime, after: int, size: int) -> tuple[int, int, int, int]:
    """One chunk of overdue loans (ids above ``after``), in its own transaction: at most six
    statements (loans with their terms, branches, closed days, fines, insert fines, insert
    events) whatever its size. Returns (last loan id or 0, loans, fines created, events)."""
    with transaction.atomic():
        loans = list(
            with_fine_terms(
                Loan.objects.select_for_update(of=("self",))
                .filter(status=LoanStatus.OPEN, due_date__lt=today, member__isnull=False)
                .filter(pk__gt=after)
                .order_by("pk")
            )[:size]
        )
        if not loans:
            return 0, 0, 0, 0
        created, written = fines_settle_many(loans, today=today, now=now, final=False)
        return loans[-1].pk, len(loans), created, written


def fines_settle_many(
    loans: list[Loan], *, today: dt.date, now: dt.datetime, final: bool
) -> tuple[int, int]:
    """Bring the fine of each of ``loans`` (read through ``with_fine_terms``, locked by the
    caller) to its total for ``today``; ``final``: it stops growing (the loan ended). At most
    six statements however many loans. Returns (fines created, events written)."""
    if not loans:
        return 0, 0
    first = min(loan.due_date for loan in loans)
    closures = closures_for({loan.branch_id for loan in loans}, first=first, last=today)
    fines = _fines_with_totals([loan.pk for loan in loans])
    new_charges: list[Charge] = []
    new_totals: list[Decimal] = []
    events: list[ChargeEvent] = []
    for loan in loans:
        charge = fines.get(loan.pk)
        if charge is not None and not charge.accruing:
            continue  # waived or ended: it no longer grows
        earlier = charge.fine_earlier if charge is not None else ZERO
        running = fine_on(
            due_date=loan.due_date,
            day=today,
            terms=terms_of(loan),
            closures=closures[loan.branch_id],
        )
        total = (earlier + running).quantize(CENT)
        if charge is None:
            if total > 0:
                new_charges.append(
                    Charge(
                        member_id=loan.member_id,
                        kind=ChargeKind.OVERDUE_FINE,
                        created_at=now,
                        item_id=loan.item_id,
                        loan_id=loan.pk,
                        branch_id=loan.branch_id,
                        accruing=not final,
                        member_category_id=loan.member_category_id,
                    )
                )
                new_totals.append(total)
            continue
        change = total - _money(charge.net)  # type: ignore[attr-defined]
        if change > 0:
            events.append(_event(charge, ChargeEventKind.CHARGED, change, now))
        elif change < 0:
            cancel = min(-change, _money(charge.owed_now))  # type: ignore[attr-defined]
            if cancel > 0:
                events.append(_event(charge, ChargeEventKind.CANCELLED, cancel, now))
    if new_charges:
        assert connection.features.can_return_rows_from_bulk_insert
        Charge.objects.bulk_create(new_charges)
        events += [
            _event(charge, ChargeEventKind.CHARGED, total, now)
            for charge, total in zip(new_charges, new_totals, strict=True)
        ]
    if events:
        ChargeEvent.objects.bulk_create(events)
    if final and fines:
        Charge.objects.filter(pk__in=[c.pk for c in fines.values()], accruing=True).update(
            accruing=False
        )
    return len(new_charges), len(events)


def fines_update(
    *, today: dt.date | None = None, now: dt.datetime | None = None, chunk_size: int = CHUNK
) -> FinesRun:
    """Bring the fine of every overdue loan to its total for ``today`` (default: the local
    date), ``chunk_size`` loans per transaction. Idempotent: a rerun on the same day writes
    nothing. Each chunk locks its loans (then their fines), as checkin does."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    after, loans, created, written, chunks = 0, 0, 0, 0, 0
    while True:
        last, count, new, events = _chunk(today=today, now=now, after=after, size=chunk_size)
        if not count:
            break
        after, chunks = last, chunks + 1
        loans, created, written = loans + count, created + new, written + events
    return FinesRun(loans=loans, created=created, events=written, chunks=chunks)
