"""Steps that domains above circulation take when a loan ends or changes, without circulation
importing them.

Billing sits above circulation: a loan returned late ends its fine, a copy declared lost is
charged at its replacement price, a lost copy that turns up again may be refunded. Billing
registers a step when Django starts (``BillingConfig.ready``); the circulation services call
:func:`loan_steps_run` inside their transaction, under their locks (item, then loan), after the
loan's new state is saved. A step that raises undoes the whole action (the transaction rolls
back). The steps are a short, fixed list at :data:`LOAN_STEPS`, each called with the same
:class:`LoanStep` facts (pattern: ``kaft/privacy/services/erasure_steps.py``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass

from kaft.catalog.models import Branch
from kaft.circulation.models import Loan
from kaft.members.models import User


class LoanStepKind(enum.StrEnum):
    RETURNED = "returned"  # checked in (the loan is closed)
    RENEWED = "renewed"  # a new due date (``previous_due_date`` was the old one)
    DUE_DATE_SET = "due_date_set"  # a new due date without a renewal (``previous_due_date``)
    # Declared lost is not a step of one loan: see :class:`LoansLost` below.
    LOST_RETURNED = "lost_returned"  # a copy declared lost was brought back (``lost_on``)


@dataclass(frozen=True)
class LoanStep:
    """What a step is told: the loan (locked, saved in its new state), what happened, when,
    where and by whom."""

    kind: LoanStepKind
    loan: Loan
    now: dt.datetime
    today: dt.date
    branch: Branch | None
    staff: User | None
    previous_due_date: dt.date | None = None
    lost_on: dt.date | None = None


LOAN_STEPS: list[Callable[[LoanStep], object]] = []


def loan_step(step: Callable[[LoanStep], object]) -> Callable[[LoanStep], object]:
    """Register ``step`` (once; registering it again changes nothing). Usable as a decorator."""
    if step not in LOAN_STEPS:
        LOAN_STEPS.append(step)
    return step


def loan_steps_run(facts: LoanStep) -> None:
    for step in LOAN_STEPS:
        step(facts)


@dataclass(frozen=True)
class LoansLost:
    """Loans just declared lost (locked, saved as lost), all at once: a step for many loans
    takes a fixed number of statements however many there are (the reminder schedule declares
    every loan that reached its lost step in one call)."""

    loans: list[Loan]
    now: dt.datetime
    today: dt.date
    branch: Branch | None
    staff: User | None


LOST_STEPS: list[Callable[[LoansLost], object]] = []


def loans_lost_step(step: Callable[[LoansLost], object]) -> Callable[[LoansLost], object]:
    """Register ``step`` for loans declared lost (once; registering it again changes nothing)."""
    if step not in LOST_STEPS:
        LOST_STEPS.append(step)
    return step


def loans_lost_steps_run(facts: LoansLost) -> None:
    for step in LOST_STEPS:
        step(facts)
