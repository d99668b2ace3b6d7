"""'Your reservation is ready for pickup': rendered per language, queued once, sent by real SMTP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from kaft.circulation.models import HoldStatus
from kaft.members.models import Channel, MessageType
from kaft.notices.models import Notice, NoticeProblem, NoticeStatus
from kaft.notices.services.outbox import notice_queue_hold_ready
from kaft.notices.tasks import notice_hold_ready
from tests.factories_notices import READY_AT, make_member, make_preference, make_ready_hold
from tests.smtp import SmtpSink

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 31, tzinfo=dt.UTC)

DUTCH_BODY = """Beste lezer,

De titel die u heeft gereserveerd, ligt voor u klaar:

    De avonden

Ophalen bij: Centrale Bibliotheek, Oudegracht 167, 3511 AL Utrecht
U kunt de reservering ophalen tot en met dinsdag 8 december 2026. Daarna gaat de titel naar de volgende op de wachtlijst.

Met vriendelijke groet,
Bibliotheek Kaft

--
Dit bericht is automatisch verstuurd omdat u een reservering heeft geplaatst. In MijnBibliotheek kunt u kiezen hoe u deze berichten ontvangt.
"""

ENGLISH_BODY = """Dear reader,

The title you reserved is waiting for you:

    De avonden

Pick it up at: Centrale Bibliotheek, Oudegracht 167, 3511 AL Utrecht
You can pick it up until Tuesday 8 December 2026. After that it goes to the next person on the waiting list.

Kind regards,
Bibliotheek Kaft

--
This message was sent automatically because you placed a reservation. In MijnBibliotheek you can choose how you receive these messages.
"""


def test_dutch_member_receives_the_message_in_dutch(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks
):
    # given a ready hold of a member who reads Dutch
    member = make_member(
        email="sanne@example.org", card_number="21001234567890", last_name="Verhoeven"
    )
    hold = make_ready_hold(member=member)

    # when the task runs (as the circulation service schedules it after commit)
    with django_capture_on_commit_callbacks(execute=True):
        notice_hold_ready(hold.pk)

    # then one mail in Dutch reached the member, without the card number or name in it
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["sanne@example.org"]
    assert mail.subject == "Uw reservering ligt klaar"
    assert mail.message["From"] == "Bibliotheek Kaft <bibliotheek@example.org>"
    assert mail.body == DUTCH_BODY
    assert "21001234567890" not in mail.message.as_string()
    assert "Verhoeven" not in mail.message.as_string()
    notice = Notice.objects.get()
    assert (notice.status, notice.attempts, notice.language) == (NoticeStatus.SENT, 1, "nl")
    assert notice.message_type == MessageType.HOLD_READY
    assert notice.dedup_key == f"hold_ready:{hold.pk}:{int(READY_AT.timestamp())}"
    assert [(a.ok, a.error) for a in notice.delivery_attempts.all()] == [(True, "")]


def test_english_member_receives_the_message_in_english(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks
):
    hold = make_ready_hold(member__email="sam@example.org", member__preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        notice_hold_ready(hold.pk)

    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["sam@example.org"]
    assert mail.subject == "Your reservation is ready for pickup"
    assert mail.body == ENGLISH_BODY
    assert Notice.objects.get().status == NoticeStatus.SENT


def test_running_the_task_twice_queues_and_sends_one_message(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks
):
    hold = make_ready_hold()

    with django_capture_on_commit_callbacks(execute=True):
        notice_hold_ready(hold.pk)
    with django_capture_on_commit_callbacks(execute=True) as second:
        notice_hold_ready(hold.pk)

    assert second == []  # nothing new to send
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1
    assert Notice.objects.count() == 1


def test_a_hold_trapped_again_later_is_announced_again():
    hold = make_ready_hold()
    first = notice_queue_hold_ready(hold=hold, now=NOW)
    hold.ready_at = READY_AT + dt.timedelta(days=9)
    hold.save()

    second = notice_queue_hold_ready(hold=hold, now=NOW)

    assert first is not None and second is not None
    assert first.pk != second.pk
    assert Notice.objects.count() == 2


@pytest.mark.parametrize("status", [HoldStatus.WAITING, HoldStatus.CANCELLED, HoldStatus.EXPIRED])
def test_a_hold_that_is_not_ready_gets_no_message(status):
    hold = make_ready_hold(status=status)

    assert notice_queue_hold_ready(hold=hold, now=NOW) is None
    assert not Notice.objects.exists()


def test_a_hold_that_no_longer_exists_is_ignored_by_the_task():
    notice_hold_ready(987654)

    assert not Notice.objects.exists()


def test_a_member_without_e_mail_address_is_recorded_not_sent(django_capture_on_commit_callbacks):
    hold = make_ready_hold(member=make_member(email=""))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = notice_queue_hold_ready(hold=hold, now=NOW)

    assert callbacks == []
    assert notice is not None
    assert (notice.status, notice.problem) == (NoticeStatus.FAILED, NoticeProblem.NO_EMAIL)
    assert (notice.recipient, notice.attempts) == ("", 0)
    assert notice.subject == "Uw reservering ligt klaar"


@pytest.mark.parametrize(
    ("channel", "problem"),
    [(Channel.SMS, NoticeProblem.NO_PHONE), (Channel.LETTER, NoticeProblem.NO_ADDRESS)],
)
def test_sms_without_a_number_and_letter_without_an_address_are_not_deliverable(
    channel, problem, django_capture_on_commit_callbacks
):
    hold = make_ready_hold()
    make_preference(member=hold.member, message_type=MessageType.HOLD_READY, channel=channel)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = notice_queue_hold_ready(hold=hold, now=NOW)

    assert callbacks == []
    assert notice is not None
    assert (notice.channel, notice.status) == (channel, NoticeStatus.FAILED)
    assert notice.problem == problem
    assert notice.recipient == ""


def test_a_preference_for_another_message_type_keeps_e_mail():
    member = make_member(email="sanne@example.org")
    hold = make_ready_hold(member=member)
    make_preference(member=member, message_type=MessageType.DUE_SOON, channel=Channel.SMS)

    notice = notice_queue_hold_ready(hold=hold, now=NOW)

    assert notice is not None
    assert (notice.channel, notice.status) == (Channel.EMAIL, NoticeStatus.PENDING)
    assert notice.recipient == "sanne@example.org"


@override_settings(KAFT_PICKUP_LABEL="number")
def test_with_pickup_numbers_the_message_gives_the_number() -> None:
    hold = make_ready_hold(member__email="sam@example.org", member__preferred_language="en")

    notice = notice_queue_hold_ready(hold=hold, now=NOW)

    assert notice is not None
    assert (
        "Pick it up at: Centrale Bibliotheek, Oudegracht 167, 3511 AL Utrecht\n"
        f"Your pickup number: {hold.pk}\n"
        "You can pick it up until Tuesday 8 December 2026."
    ) in notice.body
