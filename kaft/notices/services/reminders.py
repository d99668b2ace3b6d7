"""The reminder schedule's daily run: herinneringen, aanmaningen (invoices) and lost loans.

Each member category has an ordered schedule of steps (the default schedule serves categories
without one); a step falls due so many days after a loan's due date and says what to send, by
which channel, what to charge, whether the charges go on an invoice, and whether the loan now
counts as lost (:mod:`kaft.notices.models`). :func:`reminders_run` does, for one day, every step
that fell due for an open loan and was not done yet; a :class:`~kaft.notices.models.LoanReminder`
row per loan and step records it, and its unique constraint means a step is never done twice.

Catching up. A loan gets at most one message per run. When several steps fell due since the
last run (the job did not run for a while, a loan was taken over from another system), the
member gets the message of the latest of them; the steps passed over are recorded as
``skipped``: nothing is sent for them and their administration fee is not charged (a fee pays
for a message the member got). What a later step builds on is still done: if a passed-over step
charges the replacement price, makes an invoice or counts the loan as lost, that happens, so a
loan never ends lost without its replacement price charged. A step without a message that falls
due alone (long overdue = lost) is recorded as ``done``.

Grouping. The loans of one member that reach the same step on the same day share one message,
one administration fee (tied to the first of those loans) and one invoice, which gathers every
open charge of those loans not yet on an invoice (fines included) with what this step charges.

Bulk. The members with overdue loans are read once (one query), then taken in chunks of
:data:`CHUNK_SIZE`; per chunk a fixed number of statements however many loans: find the loans, the steps they had, load them with their members, then (in
one transaction) the invoices, the charges and their events, the open charges onto the invoices,
what each member owes, the messages (through the outbox), the records, and the lost loans.

Locks: only the loans that become lost (through circulation, copies first). The rest locks
nothing: the unique constraints (a step once per loan, one replacement charge per loan, one
message per member, step and day) make a concurrent second run fail its chunk and roll it back
as a whole rather than send or charge twice. Returned and lost loans get nothing further.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from kaft.billing.models import ChargeKind, Invoice
from kaft.billing.selectors.invoicing import (
    loans_open_uninvoiced_charges,
    loans_with_replacement_charge,
    members_owed,
)
from kaft.billing.services.invoicing import (
    ChargeDraft,
    charges_create_many,
    charges_put_on_invoices,
    invoices_create_many,
)
from kaft.circulation.models import Loan
from kaft.circulation.services.lost import loans_declare_lost
from kaft.members.models import Channel, Member, MessageType
from kaft.notices.models import (
    LoanReminder,
    Notice,
    ReminderMessage,
    ReminderOutcome,
    ReminderStep,
)
from kaft.notices.selectors import reminders as selectors
from kaft.notices.services.outbox import _draft, _outbox_insert

CHUNK_SIZE = 500  # members per chunk
ZERO = Decimal("0.00")


@dataclass
class ReminderRunResult:
    """What one run did."""

    day: dt.date
    loans: int = 0  # loans that went through a step
    messages: int = 0  # messages queued
    skipped: int = 0  # steps passed over while catching up
    charges: int = 0
    invoices: int = 0
    lost: int = 0
    chunks: int = 0


@dataclass
class _LoanPlan:
    """What is due for one loan today."""

    loan_id: int
    member_id: int
    steps: list[ReminderStep]  # due and not done, by day

    @property
    def speaker(self) -> ReminderStep | None:
        """The step whose message goes out: the latest due step that has one."""
        spoken = [step for step in self.steps if step.message != ReminderMessage.NONE]
        return spoken[-1] if spoken else None

    @property
    def key_step(self) -> ReminderStep:
        return self.speaker or self.steps[-1]

    def any(self, flag: str) -> bool:
        return any(getattr(step, flag) for step in self.steps)


@dataclass
class _Group:
    """The loans of one member that share one message (or one silent step) today."""

    member: Member
    step: ReminderStep
    loans: list[Loan] = field(default_factory=list)
    plans: list[_LoanPlan] = field(default_factory=list)
    invoice: Invoice | None = None
    added: list[tuple[str, str, Decimal]] = field(default_factory=list)  # kind, title, amount
    invoiced: list[Decimal] = field(default_factory=list)


def reminders_run(
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ReminderRunResult:
    """Do every step of the schedule that fell due by ``today`` for an open loan (see the module
    docstring). Safe to run again: a second run on the same day changes nothing."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    result = ReminderRunResult(day=today)
    schedules = selectors.reminder_schedules()
    first_day = schedules.first_day
    if first_day is None:
        return result
    due_on_or_before = today - dt.timedelta(days=first_day)
    members = selectors.overdue_members(due_on_or_before=due_on_or_before)
    for start in range(0, len(members), chunk_size):
        rows = selectors.overdue_chunk(
            due_on_or_before=due_on_or_before, member_ids=members[start : start + chunk_size]
        )
        if not rows:  # returned since the list of members was read
            continue
        result.chunks += 1
        plans = _plan(rows, selectors.reminders_done([row[0] for row in rows]), schedules, today)
        if plans:
            _carry_out(plans, schedules, today=today, now=now, result=result)
    return result


def _plan(
    rows: list[tuple[int, int, dt.date, int]],
    done: dict[int, list[tuple[int | None, int]]],
    schedules: selectors.Schedules,
    today: dt.date,
) -> list[_LoanPlan]:
    plans = []
    for loan_id, member_id, due_date, category_id in rows:
        overdue = (today - due_date).days
        had = done.get(loan_id, [])
        done_ids = {step_id for step_id, _days in had}
        reached = max((days for _step_id, days in had), default=0)
        steps = [
            step
            for step in schedules.steps_for(category_id)
            if reached < step.days_after_due <= overdue and step.pk not in done_ids
        ]
        if steps:
            plans.append(_LoanPlan(loan_id, member_id, steps))
    return plans


def _carry_out(
    plans: list[_LoanPlan],
    schedules: selectors.Schedules,
    *,
    today: dt.date,
    now: dt.datetime,
    result: ReminderRunResult,
) -> None:
    loans = {loan.pk: loan for loan in selectors.loans_to_remind([p.loan_id for p in plans])}
    plans = [plan for plan in plans if plan.loan_id in loans]  # returned in the meantime
    if not plans:
        return
    groups: dict[tuple[int, int], _Group] = {}
    for plan in plans:
        loan = loans[plan.loan_id]
        assert loan.member is not None
        key = (plan.member_id, plan.key_step.pk)
        group = groups.setdefault(key, _Group(member=loan.member, step=plan.key_step))
        group.loans.append(loan)
        group.plans.append(plan)
    replacing = [p.loan_id for p in plans if p.any("charge_replacement")]
    already_replaced = loans_with_replacement_charge(replacing) if replacing else set()

    with transaction.atomic():
        invoicing = [g for g in groups.values() if any(p.any("make_invoice") for p in g.plans)]
        invoices = invoices_create_many(
            member_ids=[g.member.pk for g in invoicing],
            issued_on=today,
            due_on=today + dt.timedelta(days=settings.KAFT_INVOICE_DUE_DAYS),
        )
        for group, invoice in zip(invoicing, invoices, strict=True):
            group.invoice = invoice
        # What is already owed on the invoiced loans (fines, earlier fees) goes on the invoice.
        invoiced_loans = {p.loan_id: g for g in invoicing for p in g.plans if p.any("make_invoice")}
        open_charges = loans_open_uninvoiced_charges(invoiced_loans) if invoiced_loans else []
        moving: dict[int, list[int]] = {}
        for charge in open_charges:
            group = invoiced_loans[charge.loan_id]
            assert group.invoice is not None
            moving.setdefault(group.invoice.pk, []).append(charge.pk)
            group.invoiced.append(charge.owed)
        charges_put_on_invoices(charge_ids_by_invoice=moving)

        drafts = list(
            _charge_drafts(groups.values(), already_replaced, invoiced_loans, schedules.numbers)
        )
        charges_create_many(drafts=drafts, now=now)
        result.charges += len(drafts)
        result.invoices += len(invoices)

        speaking = [g for g in groups.values() if g.step.message != ReminderMessage.NONE]
        owed = members_owed({g.member.pk for g in speaking}) if speaking else {}
        notices = _outbox_insert(
            [_message(g, schedules, owed.get(g.member.pk, ZERO), today, now) for g in speaking]
        )
        result.messages += len(notices)
        notice_ids = {notice.dedup_key: notice.pk for notice in notices}

        records = []
        for group in groups.values():
            notice_id = notice_ids.get(_dedup_key(group, today))
            for plan in group.plans:
                for step in plan.steps:
                    if step.pk == group.step.pk:
                        outcome = (
                            ReminderOutcome.DONE
                            if step.message == ReminderMessage.NONE
                            else ReminderOutcome.SENT
                        )
                    elif step.message == ReminderMessage.NONE:
                        outcome = ReminderOutcome.DONE
                    else:
                        outcome = ReminderOutcome.SKIPPED
                        result.skipped += 1
                    records.append(
                        LoanReminder(
                            loan_id=plan.loan_id,
                            step=step,
                            days_after_due=step.days_after_due,
                            message=step.message,
                            outcome=outcome,
                            done_on=today,
                            notice_id=notice_id if outcome == ReminderOutcome.SENT else None,
                            invoice=group.invoice if step.make_invoice else None,
                        )
                    )
        LoanReminder.objects.bulk_create(records)
        result.loans += len(plans)

        lost = [p.loan_id for p in plans if p.any("declare_lost")]
        if lost:
            result.lost += len(loans_declare_lost(loan_ids=lost, now=now, via="reminders"))


def _charge_drafts(
    groups: Iterable[_Group],
    already_replaced: set[int],
    invoiced_loans: dict[int, _Group],
    numbers: dict[int, int],
) -> Iterable[ChargeDraft]:
    """The administration fee of each message and the replacement price of each loan due one."""
    with translation.override(settings.LANGUAGE_CODE):  # notes are for staff: Dutch
        for group in groups:
            member = group.member
            fee = group.step.administration_fee
            first = group.loans[0]
            note = _step_label(group.step, numbers.get(group.step.pk))
            if group.step.message != ReminderMessage.NONE and fee > 0:
                group.added.append((ChargeKind.ADMINISTRATION, "", fee))
                yield ChargeDraft(
                    member_id=member.pk,
                    member_category_id=member.category_id,
                    kind=ChargeKind.ADMINISTRATION,
                    amount=fee,
                    loan_id=first.pk,
                    branch_id=first.branch_id,
                    note=note,
                    invoice_id=_pk(group.invoice),
                )
            for loan, plan in zip(group.loans, group.plans, strict=True):
                price = loan.item.replacement_price
                if not plan.any("charge_replacement") or loan.pk in already_replaced or price <= 0:
                    continue
                group.added.append((ChargeKind.LOST, loan.record.title, price))
                on_invoice = loan.pk in invoiced_loans
                yield ChargeDraft(
                    member_id=member.pk,
                    member_category_id=member.category_id,
                    kind=ChargeKind.LOST,
                    amount=price,
                    item_id=loan.item_id,
                    loan_id=loan.pk,
                    branch_id=loan.branch_id,
                    note=note,
                    invoice_id=_pk(group.invoice) if on_invoice else None,
                )


def _pk(invoice: Invoice | None) -> int | None:
    return None if invoice is None else invoice.pk


def _step_label(step: ReminderStep, number: int | None) -> str:
    if step.message == ReminderMessage.INVOICE:
        return gettext("Final reminder with invoice")
    if step.message == ReminderMessage.REMINDER:
        return (
            gettext("Reminder %(number)s") % {"number": number} if number else gettext("Reminder")
        )
    return gettext("Loan counted as lost")


def _dedup_key(group: _Group, today: dt.date) -> str:
    return f"reminder:{group.member.pk}:{group.step.pk}:{today.isoformat()}"


def _message(
    group: _Group,
    schedules: selectors.Schedules,
    owed: Decimal,
    today: dt.date,
    now: dt.datetime,
) -> Notice:
    step = group.step
    invoice = step.message == ReminderMessage.INVOICE
    message_type = MessageType.INVOICE if invoice else MessageType.REMINDER
    loan = group.loans[0]
    chosen = getattr(loan, "invoice_channel" if invoice else "reminder_channel", None)
    channel = Channel(step.channel or chosen or Channel.EMAIL)
    invoice_total = sum((amount for _kind, _title, amount in group.added), ZERO) + sum(
        group.invoiced, ZERO
    )
    context = {
        "number": schedules.numbers.get(step.pk),
        "loans": [
            {
                "title": loan.record.title,
                "due_date": loan.due_date,
                "days_overdue": (today - loan.due_date).days,
            }
            for loan in group.loans
        ],
        "count": len(group.loans),
        "added": [
            {"administration": kind == ChargeKind.ADMINISTRATION, "title": title, "amount": amount}
            for kind, title, amount in group.added
        ],
        "owed": owed,
        "invoice_number": "",
        "invoice_total": invoice_total,
        "earlier": sum(group.invoiced, ZERO),
        "invoice_due": today + dt.timedelta(days=settings.KAFT_INVOICE_DUE_DAYS),
        "iban": settings.KAFT_INVOICE_IBAN,
        "site_url": settings.KAFT_SITE_URL,
    }
    if group.invoice is not None:
        context["invoice_number"] = group.invoice.number
        context["invoice_due"] = group.invoice.due_on
    return _draft(
        member=group.member,
        message_type=message_type,
        channel=channel,
        dedup_key=_dedup_key(group, today),
        context=context,
        now=now,
    )
