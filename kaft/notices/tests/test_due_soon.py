"""'Due in N days': one message per member per due date, found in one query per chunk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.circulation.models import LoanStatus
from kaft.members.models import Channel, MessageType
from kaft.notices.models import Notice, NoticeProblem, NoticeStatus
from kaft.notices.services.outbox import notice_queue_due_soon, notices_queue_due_soon
from kaft.notices.tasks import queue_due_soon_notices
from tests.factories import RecordFactory
from tests.factories_notices import make_member, make_open_loan, make_preference
from tests.smtp import SmtpSink

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
DUE = dt.date(2026, 12, 4)  # TODAY + 3 days, a Friday
NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)

DUTCH_BODY = """Beste lezer,

Graag binnen 3 dagen, uiterlijk vrijdag 4 december 2026, inleveren:

  - Het Bureau
  - Max Havelaar

Wilt u iets langer houden? U kunt het verlengen in MijnBibliotheek of aan de balie, tenzij iemand anders het heeft gereserveerd.

Met vriendelijke groet,
Bibliotheek Kaft

--
Dit bericht is automatisch verstuurd. In MijnBibliotheek kunt u kiezen hoe u deze berichten ontvangt.
"""


def _loan(member, title, due_date=DUE, **kwargs):
    return make_open_loan(
        member=member, item__record=RecordFactory(title=title), due_date=due_date, **kwargs
    )


def test_the_beat_job_sends_one_dutch_message_per_member_listing_each_loan(
    smtp_server: SmtpSink, settings, django_capture_on_commit_callbacks
):
    # given a member with two loans due in 3 days and one due later
    settings.KAFT_DUE_SOON_DAYS = 3
    member = make_member(email="sanne@example.org")
    _loan(member, "Max Havelaar")
    _loan(member, "Het Bureau")
    _loan(member, "Later terug", due_date=DUE + dt.timedelta(days=1))

    # when the beat job runs on TODAY
    with django_capture_on_commit_callbacks(execute=True):
        queued = notices_queue_due_soon(today=TODAY, now=NOW)

    # then one mail lists both loans due that day, in Dutch
    assert queued == 1
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["sanne@example.org"]
    assert mail.subject == "Herinnering: graag inleveren uiterlijk 4 december"
    assert mail.body == DUTCH_BODY
    notice = Notice.objects.get()
    assert notice.dedup_key == f"due_soon:{member.pk}:2026-12-04"
    assert (notice.message_type, notice.status) == (MessageType.DUE_SOON, NoticeStatus.SENT)


def test_english_member_due_tomorrow_gets_the_singular_text(smtp_server: SmtpSink):
    member = make_member(preferred_language="en")
    loan = _loan(member, "The Evenings", due_date=TODAY + dt.timedelta(days=1))

    notice = notice_queue_due_soon(loan=loan, days=1, now=NOW)

    assert notice is not None
    assert notice.subject == "Reminder: please return by 2 December"
    assert notice.body.splitlines()[2] == (
        "Please return the following by tomorrow, Wednesday 2 December 2026:"
    )
    assert notice.body.splitlines()[4] == "  - The Evenings"
    assert notice.language == "en"


def test_the_per_loan_service_covers_all_loans_of_that_member_and_date():
    member = make_member()
    first = _loan(member, "Max Havelaar")
    second = _loan(member, "Het Bureau")

    one = notice_queue_due_soon(loan=first, days=3, now=NOW)
    two = notice_queue_due_soon(loan=second, days=3, now=NOW)

    assert one is not None and two is not None and one.pk == two.pk
    assert "  - Het Bureau\n  - Max Havelaar\n" in one.body
    assert Notice.objects.count() == 1


def test_running_the_job_twice_queues_nothing_new(settings):
    settings.KAFT_DUE_SOON_DAYS = 3
    _loan(make_member(), "Max Havelaar")

    assert notices_queue_due_soon(today=TODAY, now=NOW) == 1
    assert notices_queue_due_soon(today=TODAY, now=NOW) == 0
    assert Notice.objects.count() == 1


def test_returned_and_anonymised_loans_are_left_out():
    _loan(make_member(), "Terug", status=LoanStatus.RETURNED)
    make_open_loan(member=None, member_category=None, due_date=DUE)

    assert notices_queue_due_soon(today=TODAY, days=3, now=NOW) == 0
    assert not Notice.objects.exists()


def test_channel_preference_and_missing_address_are_recorded():
    sms = make_member()
    make_preference(member=sms, message_type=MessageType.DUE_SOON, channel=Channel.SMS)
    no_mail = make_member(email="")
    _loan(sms, "Een")
    _loan(no_mail, "Twee")

    assert notices_queue_due_soon(today=TODAY, days=3, now=NOW) == 2

    rows = {n.member_id: (n.channel, n.status, n.problem) for n in Notice.objects.all()}
    assert rows == {
        sms.pk: (Channel.SMS, NoticeStatus.FAILED, NoticeProblem.NO_PHONE),  # none on record
        no_mail.pk: (Channel.EMAIL, NoticeStatus.FAILED, NoticeProblem.NO_EMAIL),
    }


def test_works_through_members_in_chunks():
    members = [make_member() for _ in range(5)]
    for member in members:
        _loan(member, "A")
        _loan(member, "B")

    assert notices_queue_due_soon(today=TODAY, days=3, chunk_size=2, now=NOW) == 5

    assert sorted(Notice.objects.values_list("member_id", flat=True)) == [m.pk for m in members]
    assert all("  - A\n  - B\n" in body for body in Notice.objects.values_list("body", flat=True))


def _queries_for(member_count: int, days: int) -> int:
    for _ in range(member_count):
        member = make_member()
        _loan(member, "A", due_date=TODAY + dt.timedelta(days=days))
        _loan(member, "B", due_date=TODAY + dt.timedelta(days=days))
    with CaptureQueriesContext(connection) as queries:
        assert notices_queue_due_soon(today=TODAY, days=days, now=NOW) == member_count
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_loans():
    few = _queries_for(2, days=3)
    many = _queries_for(8, days=4)

    # find the chunk, check its keys, insert, read back (in a savepoint); then one empty find
    assert few == many == 7


def test_the_task_uses_the_configured_number_of_days(settings):
    settings.KAFT_DUE_SOON_DAYS = 5
    member = make_member()
    today = timezone.localdate()
    _loan(member, "Vijf dagen", due_date=today + dt.timedelta(days=5))
    _loan(make_member(), "Zes dagen", due_date=today + dt.timedelta(days=6))

    assert queue_due_soon_notices() == 1
    assert Notice.objects.get().member_id == member.pk


def test_a_day_the_job_did_not_run_is_caught_up_with_the_right_number_of_days():
    # given a loan due in 2 days: its "3 days" message should have gone yesterday, but the job
    # did not run; and a loan due today, which is past the window
    member = make_member()
    _loan(member, "Max Havelaar", due_date=TODAY + dt.timedelta(days=2))
    _loan(make_member(), "Vandaag", due_date=TODAY)

    # when the job runs today
    assert notices_queue_due_soon(today=TODAY, days=3, now=NOW) == 1

    # then the member still hears of it, with the days that are really left
    notice = Notice.objects.get()
    assert notice.member_id == member.pk
    assert notice.dedup_key == f"due_soon:{member.pk}:2026-12-03"
    assert "Graag binnen 2 dagen, uiterlijk donderdag 3 december 2026, inleveren:" in notice.body


def test_loans_due_on_different_days_get_one_message_per_due_date():
    member = make_member()
    _loan(member, "Eerste", due_date=TODAY + dt.timedelta(days=1))
    _loan(member, "Tweede", due_date=TODAY + dt.timedelta(days=3))

    assert notices_queue_due_soon(today=TODAY, days=3, now=NOW) == 2
    assert sorted(Notice.objects.values_list("dedup_key", flat=True)) == [
        f"due_soon:{member.pk}:2026-12-02",
        f"due_soon:{member.pk}:2026-12-04",
    ]
