"""A message that needs a consent is sent only while the member still gives it.

Consent is asked again when sending: on the first attempt, on a later attempt after a failure
and on a retry by staff. A withdrawn consent cancels the message (failed, ``no_consent``); the
mail server hears nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kaft.members.models import Member, MessageType
from kaft.notices.errors import NoticeError
from kaft.notices.lifecycle import MAX_ATTEMPTS
from kaft.notices.models import DeliveryAttempt, Notice, NoticeProblem, NoticeStatus
from kaft.notices.purposes import CONSENT_NEEDED, consent_needed
from kaft.notices.services.outbox import notice_retry, notice_send, notices_send_pending
from kaft.notices.services.statement import notice_statement_changed
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_set
from tests.factories_consent import make_member, make_version
from tests.smtp import SmtpSink, free_port

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 31, tzinfo=dt.UTC)


def test_every_message_type_declares_the_consent_it_needs() -> None:
    assert set(CONSENT_NEEDED) == set(MessageType)
    assert consent_needed(MessageType.STATEMENT_CHANGED) == ConsentPurpose.NEWSLETTER
    assert consent_needed(MessageType.HOLD_READY) is None


def _subscriber() -> Member:
    member = make_member(email="lezer@example.org")
    consent_set(member=member, purpose=ConsentPurpose.NEWSLETTER, given=True, via=ConsentVia.PORTAL)
    return member


def _queued(member: Member) -> Notice:
    notice = notice_statement_changed(member=member, version=make_version(published=NOW), now=NOW)
    assert notice.status == NoticeStatus.PENDING
    return notice


def _withdraw(member: Member) -> None:
    consent_set(
        member=member, purpose=ConsentPurpose.NEWSLETTER, given=False, via=ConsentVia.PORTAL
    )


def _assert_cancelled(notice: Notice, attempts: int) -> None:
    notice.refresh_from_db()
    assert (notice.status, notice.problem, notice.attempts, notice.claimed_at, notice.sent_at) == (
        NoticeStatus.FAILED,
        NoticeProblem.NO_CONSENT,
        attempts,
        None,
        None,
    )


def test_queued_while_subscribed_then_withdrawn_is_not_sent(smtp_server: SmtpSink) -> None:
    member = _subscriber()
    notice = _queued(member)
    _withdraw(member)

    notice_send(notice_id=notice.pk, now=NOW)
    notice_send(notice_id=notice.pk, now=NOW)  # a second worker, too

    assert smtp_server.wait_for(1, timeout=0.5) == []
    _assert_cancelled(notice, attempts=0)
    assert not DeliveryAttempt.objects.exists()


def test_withdrawn_between_a_failed_attempt_and_the_next_is_not_sent(
    smtp_server: SmtpSink, settings: object
) -> None:
    member = _subscriber()
    notice = _queued(member)
    smtp_port = smtp_server.port
    settings.EMAIL_PORT = free_port()  # type: ignore[attr-defined]
    notice_send(notice_id=notice.pk, now=NOW)  # the mail server is down: tried again later
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.PENDING, 1)

    _withdraw(member)
    settings.EMAIL_PORT = smtp_port  # type: ignore[attr-defined]
    later = NOW + dt.timedelta(minutes=6)
    assert notices_send_pending(now=later) == 1
    notice_send(notice_id=notice.pk, now=later)  # what the scheduled task does

    assert smtp_server.wait_for(1, timeout=0.5) == []
    _assert_cancelled(notice, attempts=1)


def test_a_retry_by_staff_after_withdrawal_is_not_sent(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks: object
) -> None:
    member = _subscriber()
    notice = _queued(member)
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.FAILED, problem=NoticeProblem.TOO_MANY_ATTEMPTS, attempts=MAX_ATTEMPTS
    )
    notice.refresh_from_db()
    _withdraw(member)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notice_retry(notice=notice, now=NOW)

    assert smtp_server.wait_for(1, timeout=0.5) == []
    _assert_cancelled(notice, attempts=0)
    # and a cancelled message cannot be retried into being sent
    with pytest.raises(NoticeError):
        notice_retry(notice=notice, now=NOW)
    _assert_cancelled(notice, attempts=0)


def test_still_subscribed_is_sent(smtp_server: SmtpSink) -> None:
    member = _subscriber()
    notice = _queued(member)

    notice_send(notice_id=notice.pk, now=NOW)

    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["lezer@example.org"]
    notice.refresh_from_db()
    assert (notice.status, notice.problem) == (NoticeStatus.SENT, "")
