"""Sending: claimed once, sent once, retried after a failure, given up after MAX_ATTEMPTS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kaft.core.lifecycle import TransitionNotAllowed
from kaft.notices.errors import NoticeError
from kaft.notices.lifecycle import MAX_ATTEMPTS, NoticeAction, notice_apply
from kaft.notices.models import DeliveryAttempt, Notice, NoticeProblem, NoticeStatus
from kaft.notices.services.outbox import (
    SENDING_TIMEOUT,
    notice_queue_hold_ready,
    notice_retry,
    notice_send,
    notices_send_pending,
)
from kaft.notices.tasks import send_notice, send_pending_notices
from tests.factories_notices import make_ready_hold
from tests.smtp import SmtpSink, free_port

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 31, tzinfo=dt.UTC)


def _pending_notice() -> Notice:
    notice = notice_queue_hold_ready(hold=make_ready_hold(), now=NOW)
    assert notice is not None and notice.status == NoticeStatus.PENDING
    return notice


def test_sending_twice_delivers_one_mail(smtp_server: SmtpSink):
    notice = _pending_notice()

    send_notice(notice.pk)
    send_notice(notice.pk)

    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 1)
    assert DeliveryAttempt.objects.filter(notice=notice).count() == 1


def test_a_notice_claimed_by_another_worker_is_not_sent(smtp_server: SmtpSink):
    notice = _pending_notice()
    assert notice_apply(notice, NoticeAction.CLAIM, now=NOW)  # the other worker

    result = notice_send(notice_id=notice.pk)

    assert result is not None and result.status == NoticeStatus.SENDING
    assert smtp_server.wait_for(1, timeout=0.3) == []
    assert not DeliveryAttempt.objects.exists()


def test_a_stale_copy_cannot_claim_again():
    notice = _pending_notice()
    stale = Notice.objects.get(pk=notice.pk)
    assert notice_apply(notice, NoticeAction.CLAIM, now=NOW)

    assert notice_apply(stale, NoticeAction.CLAIM, now=NOW) is False
    assert Notice.objects.get(pk=notice.pk).claimed_at == NOW


def test_mail_server_down_then_sent_on_retry(smtp_server: SmtpSink, settings):
    # given the mail server cannot be reached
    notice = _pending_notice()
    settings.EMAIL_PORT = free_port()

    # when sending, the attempt is recorded and the notice waits for a later attempt
    notice_send(notice_id=notice.pk, now=NOW)
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.sent_at) == (NoticeStatus.PENDING, 1, None)
    assert notice.next_attempt_at == NOW + dt.timedelta(minutes=5)
    [failed] = notice.delivery_attempts.all()
    assert failed.ok is False
    assert failed.error.startswith("ConnectionRefusedError:")

    # and when the server is back, the safety net sends it: exactly one mail
    settings.EMAIL_PORT = smtp_server.port
    assert notices_send_pending(now=NOW + dt.timedelta(minutes=4)) == 0
    later = NOW + dt.timedelta(minutes=6)
    assert notices_send_pending(now=later) == 1
    notice_send(notice_id=notice.pk, now=later)  # what the scheduled task does
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 2)
    assert [a.ok for a in notice.delivery_attempts.all()] == [False, True]


def test_gives_up_after_the_maximum_number_of_attempts(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    notice = _pending_notice()

    for _ in range(MAX_ATTEMPTS + 2):
        notice_send(notice_id=notice.pk, now=NOW)

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.FAILED, MAX_ATTEMPTS)
    assert notice.problem == NoticeProblem.TOO_MANY_ATTEMPTS
    assert notice.delivery_attempts.count() == MAX_ATTEMPTS


def test_staff_can_send_a_given_up_notice_again(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks
):
    notice = _pending_notice()
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.FAILED, problem=NoticeProblem.TOO_MANY_ATTEMPTS, attempts=MAX_ATTEMPTS
    )
    notice.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        notice_retry(notice=notice, now=NOW)

    assert len(smtp_server.wait_for(1)) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.problem) == (NoticeStatus.SENT, 1, "")


def test_a_notice_without_address_cannot_be_retried():
    notice = notice_queue_hold_ready(hold=make_ready_hold(member__email=""), now=NOW)
    assert notice is not None

    with pytest.raises(NoticeError) as raised:
        notice_retry(notice=notice, now=NOW)

    assert raised.value.message == (
        "Alleen een bericht dat na meerdere pogingen niet verstuurd kon worden, of waarvan niet "
        "zeker is of het is aangekomen, kan opnieuw worden verstuurd."
    )
    notice.refresh_from_db()
    assert (notice.status, notice.problem) == (NoticeStatus.FAILED, NoticeProblem.NO_EMAIL)


def test_a_sent_notice_cannot_be_claimed_again():
    notice = _pending_notice()
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.SENT)
    notice.refresh_from_db()

    with pytest.raises(TransitionNotAllowed):
        notice_apply(notice, NoticeAction.CLAIM, now=NOW)


def test_the_safety_net_sets_aside_notices_a_crashed_worker_left_sending(smtp_server: SmtpSink):
    # given two notices claimed by a worker, one long ago (it crashed) and one just now
    crashed, busy = _pending_notice(), _pending_notice()
    notice_apply(crashed, NoticeAction.CLAIM, now=NOW - SENDING_TIMEOUT - dt.timedelta(seconds=1))
    notice_apply(busy, NoticeAction.CLAIM, now=NOW)

    # when the beat job runs (tasks are eager here, so it also sends)
    Notice.objects.filter(pk__in=[crashed.pk, busy.pk]).update(next_attempt_at=NOW)
    assert notices_send_pending(now=NOW) == 0

    # then the abandoned one is set aside for staff (it may have arrived: never sent twice by
    # itself), the busy one is left to its worker, and no mail went out
    crashed.refresh_from_db()
    busy.refresh_from_db()
    assert (crashed.status, crashed.claimed_at, crashed.problem) == (
        NoticeStatus.FAILED,
        None,
        NoticeProblem.DELIVERY_UNCERTAIN,
    )
    assert busy.status == NoticeStatus.SENDING
    assert smtp_server.mails == []


def test_the_safety_net_task_sends_what_was_left_pending(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks
):
    notice = _pending_notice()
    Notice.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert send_pending_notices() == 1

    [mail] = smtp_server.wait_for(1)
    assert mail.subject == "Uw reservering ligt klaar"
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT


def test_sending_an_unknown_notice_does_nothing():
    assert notice_send(notice_id=424242) is None
