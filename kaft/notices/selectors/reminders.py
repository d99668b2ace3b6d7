"""Reads for the reminder schedule's daily run: the schedules, and the overdue loans in chunks.

Each function is one query, however many loans it returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from kaft.circulation.models import Loan, LoanStatus
from kaft.members.models import Address, MessagePreference, MessageType
from kaft.notices.models import LoanReminder, ReminderMessage, ReminderSchedule, ReminderStep


@dataclass(frozen=True)
class Schedules:
    """Every schedule's steps, ordered by day, by member category (None: the default)."""

    by_category: dict[int | None, list[ReminderStep]]
    # The number of each reminder step within its schedule: herinnering 1, 2, ...
    numbers: dict[int, int] = field(default_factory=dict)

    def steps_for(self, category_id: int | None) -> list[ReminderStep]:
        if category_id in self.by_category:
            return self.by_category[category_id]
        return self.by_category.get(None, [])

    @property
    def first_day(self) -> int | None:
        """The earliest step of any schedule, in days after the due date (None: no steps)."""
        days = [steps[0].days_after_due for steps in self.by_category.values() if steps]
        return min(days) if days else None


def reminder_schedules() -> Schedules:
    """All schedules with their steps (two queries)."""
    by_category: dict[int | None, list[ReminderStep]] = {}
    numbers: dict[int, int] = {}
    for schedule in ReminderSchedule.objects.prefetch_related("steps"):
        steps = sorted(schedule.steps.all(), key=lambda step: step.days_after_due)
        by_category[schedule.category_id] = steps
        count = 0
        for step in steps:
            if step.message == ReminderMessage.REMINDER:
                count += 1
                numbers[step.pk] = count
    return Schedules(by_category, numbers)


def overdue_loans(*, due_on_or_before: dt.date) -> QuerySet[Loan]:
    """Open loans of a member due on or before the day."""
    return Loan.objects.filter(
        status=LoanStatus.OPEN, due_date__lte=due_on_or_before, member__isnull=False
    )


def overdue_members(*, due_on_or_before: dt.date) -> list[int]:
    """The ids of the members with an open loan due on or before the day, in order: one query
    over the open loans (the index on status and due date), read once per run."""
    return list(
        overdue_loans(due_on_or_before=due_on_or_before)
        .order_by("member_id")
        .values_list("member_id", flat=True)
        .distinct()
    )


def overdue_chunk(
    *, due_on_or_before: dt.date, member_ids: list[int]
) -> list[tuple[int, int, dt.date, int]]:
    """(loan id, member id, due date, member category id) of every overdue loan of these
    members, ordered by member and loan: one query through the index on the member, so a
    member's loans are never split over two chunks and no chunk scans the others' loans."""
    return list(
        overdue_loans(due_on_or_before=due_on_or_before)
        .filter(member_id__in=member_ids)
        .order_by("member_id", "id")
        .values_list("id", "member_id", "due_date", "member__category_id")
    )


def reminders_done(loan_ids: list[int]) -> dict[int, list[tuple[int | None, int]]]:
    """The steps already done for each loan: (step id, days after due) (one query)."""
    done: dict[int, list[tuple[int | None, int]]] = {}
    rows = LoanReminder.objects.filter(loan_id__in=loan_ids).values_list(
        "loan_id", "step_id", "days_after_due"
    )
    for loan_id, step_id, days in rows:
        done.setdefault(loan_id, []).append((step_id, days))
    return done


def loans_to_remind(loan_ids: list[int]) -> list[Loan]:
    """The loans, still open, with member, title and copy, and the member's chosen channel for
    reminders and for invoices (``reminder_channel``, ``invoice_channel``; None: e-mail).
    One query."""

    def chosen(message_type: MessageType) -> Subquery:
        return Subquery(
            MessagePreference.objects.filter(
                member=OuterRef("member_id"), message_type=message_type
            ).values("channel")[:1]
        )

    return list(
        Loan.objects.filter(pk__in=loan_ids, status=LoanStatus.OPEN, member__isnull=False)
        .select_related("member", "record", "item")
        # Only what the run uses: no date of birth to decrypt, no catalogue data beyond the title.
        .only(
            "id",
            "status",
            "due_date",
            "branch_id",
            "member__id",
            "member__email",
            "member__preferred_language",
            "member__phone",
            "member__sms_titles",
            "member__category_id",
            "record__id",
            "record__title",
            "item__id",
            "item__replacement_price",
        )
        .annotate(
            reminder_channel=chosen(MessageType.REMINDER),
            invoice_channel=chosen(MessageType.INVOICE),
        )
        # Whether a letter can reach each member: one query for the chunk, not one per letter.
        .prefetch_related(
            Prefetch("member__addresses", queryset=Address.objects.only("id", "member_id"))
        )
        .order_by("member_id", "due_date", "id")
    )
