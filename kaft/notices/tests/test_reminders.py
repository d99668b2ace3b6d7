"""The reminder schedule's daily run: herinnering 1 and 2, the invoice, lost; once per step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kaft.billing.models import Charge, ChargeEvent, ChargeKind, Invoice
from kaft.billing.selectors.charges import member_money_block, member_owed
from kaft.catalog.models import ItemStatus
from kaft.circulation.models import Loan, LoanAction, LoanEvent, LoanStatus
from kaft.members.models import Channel, MessageType
from kaft.notices.models import (
    LoanReminder,
    Notice,
    NoticeProblem,
    NoticeStatus,
    ReminderOutcome,
    ReminderSchedule,
    ReminderStep,
)
from kaft.notices.services.reminders import reminders_run
from tests.factories import RecordFactory
from tests.factories_notices import make_member, make_open_loan, make_preference
from tests.smtp import SmtpSink

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 11, 2)
NOW = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)


def day(n: int) -> dt.date:
    return DUE + dt.timedelta(days=n)


def _loan(member, title, due_date=DUE, price="19.95", **kwargs):
    return make_open_loan(
        member=member,
        item__record=RecordFactory(title=title),
        item__replacement_price=Decimal(price),
        due_date=due_date,
        **kwargs,
    )


def test_smoke(smtp_server: SmtpSink, django_capture_on_commit_callbacks):
    member = make_member(email="sanne@example.org")
    _loan(member, "Max Havelaar")
    _loan(member, "Het Bureau")
    with django_capture_on_commit_callbacks(execute=True):
        run = reminders_run(today=day(7), now=NOW)
    print(run)
    [mail] = smtp_server.wait_for(1)
    print(mail.subject)
    print(mail.body)
    with django_capture_on_commit_callbacks(execute=True):
        run = reminders_run(today=day(45), now=NOW)
    print(run)
    for n in Notice.objects.all():
        print(n.channel, n.status, n.subject)
        print(n.body)
    print(list(LoanReminder.objects.values_list("loan_id", "days_after_due", "outcome", "invoice_id")))
    print(list(Charge.objects.values_list("kind", "invoice_id", "loan_id")))
    print(member_money_block(member))
    run = reminders_run(today=day(95), now=NOW)
    print(run, list(Loan.objects.values_list("status", "item__status")))
