"""Reminders, channels and direct debit in the demo library.

- four members each have a book overdue long enough for one step of the default reminder
  schedule (herinnering 1 at +7, herinnering 2 at +21, the invoice at +42, lost at +90); the
  reminder run sends what each is due, so MijnBibliotheek, the desk and the outbox show every
  step (the invoice blocks that member until it is paid);
- one of them wants reminders as a letter (the desk's print run has it), one by SMS;
- two members pay their membership by direct debit: a mandate signed at the desk and this
  year's fee charged, waiting for the next collection.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kaft.billing.models_sepa import MandateVia
from kaft.billing.services.fees import membership_renew
from kaft.billing.services.mandates import mandate_sign
from kaft.catalog.models import Branch
from kaft.demo.activity import ItemPicker, _lend
from kaft.demo.people import DemoMembers
from kaft.members.models import Channel, Member, MessagePreference, MessageType, User
from kaft.notices.services.reminders import reminders_run

LOAN_DAYS = 21  # the demo's loan period for books
# Days overdue per member: just past each step of the default schedule.
OVERDUE_DAYS = (8, 22, 43, 91)
DEMO_IBANS = ("NL44RABO0123456789", "NL20INGB0001234567")


def _adults(members: list[Member]) -> list[Member]:
    return [m for m in members if m.category.max_age is None]


def dunning_ensure(
    *, members: DemoMembers, branches: list[Branch], staff: User, now: dt.datetime
) -> None:
    picker = ItemPicker()
    spare = _adults(members.others[30:])
    overdue, debtors = spare[: len(OVERDUE_DAYS)], spare[len(OVERDUE_DAYS) :][:2]
    for member, days in zip(overdue, OVERDUE_DAYS, strict=True):
        _lend(picker, member=member, branch=member.home_branch, staff=staff,
              days_ago=LOAN_DAYS + days, now=now)  # fmt: skip
    by_letter, by_sms = overdue[0], overdue[1]
    MessagePreference.objects.create(
        member=by_letter, message_type=MessageType.REMINDER, channel=Channel.LETTER
    )
    Member.objects.filter(pk=by_sms.pk).update(phone="+31612345678")
    MessagePreference.objects.create(
        member=by_sms, message_type=MessageType.REMINDER, channel=Channel.SMS
    )
    reminders_run(now=now)
    today = timezone.localdate(now)
    for member, iban in zip(debtors, DEMO_IBANS, strict=False):
        mandate_sign(member=member, iban=iban, signed_on=today, via=MandateVia.PAPER,
                     staff=staff, now=now)  # fmt: skip
        membership_renew(member=member, staff=staff, today=today, now=now)
