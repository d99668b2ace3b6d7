"""SMS: Kaft's real gateway code against a stand-in of CM.com's gateway on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import override_settings

from kaft.members.models import Channel, MessageType
from kaft.notices.lifecycle import MAX_ATTEMPTS
from kaft.notices.models import DeliveryAttempt, Notice, NoticeProblem, NoticeStatus
from kaft.notices.render import render_message
from kaft.notices.services.outbox import (
    notice_queue_hold_ready,
    notice_send,
    notices_queue_due_soon,
)
from kaft.notices.sms import CmGateway, SmsError, sender_name
from kaft.notices.sms_text import MAX_PARTS, sms_fit, sms_parts
from tests.factories_notices import make_member, make_open_loan, make_preference, make_ready_hold
from tests.sms_gateway import SmsGateway

NOW = dt.datetime(2026, 12, 1, 9, 31, tzinfo=dt.UTC)
MOBILE = "+31612345678"


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    with (
        SmsGateway(token="tok-1") as standin,
        override_settings(
            KAFT_SMS_URL=standin.url, KAFT_SMS_TOKEN="tok-1", KAFT_SMS_SENDER="Bieb Kaft"
        ),
    ):
        yield standin


def _sms_hold(**member: object) -> Notice:
    hold = make_ready_hold(member__phone=MOBILE, **{f"member__{k}": v for k, v in member.items()})
    make_preference(member=hold.member, message_type=MessageType.HOLD_READY, channel=Channel.SMS)
    notice = notice_queue_hold_ready(hold=hold, now=NOW)
    assert notice is not None
    return notice


@pytest.mark.django_db
def test_a_hold_ready_sms_reaches_the_gateway_without_the_title(gateway: SmsGateway):
    notice = _sms_hold()
    assert (notice.status, notice.recipient) == (NoticeStatus.PENDING, MOBILE)

    notice_send(notice_id=notice.pk)

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 1)
    assert gateway.messages == [
        {
            "from": "Bieb Kaft",
            "to": "0031612345678",
            "text": "Bibliotheek Kaft: er ligt een reservering voor u klaar in Centrale "
            "Bibliotheek. Ophalen tot 8-12.",
            "type": "auto",
            "reference": f"kaft-{notice.pk}",
            "channels": ["SMS"],
        }
    ]
    assert "De avonden" not in notice.body
    assert DeliveryAttempt.objects.get(notice=notice).ok is True


@pytest.mark.django_db
def test_the_title_is_in_the_sms_when_the_member_chose_that(gateway: SmsGateway):
    notice = _sms_hold(sms_titles=True, preferred_language="en")

    notice_send(notice_id=notice.pk)

    assert [m["text"] for m in gateway.messages] == [
        'Bibliotheek Kaft: "De avonden" is ready for you at Centrale Bibliotheek. '
        "Pick it up by 8-12."
    ]


@pytest.mark.django_db
def test_a_failed_sms_is_retried_and_recorded_then_given_up(gateway: SmsGateway):
    notice = _sms_hold()
    gateway.fail_next(1, status=500, code=500)

    notice_send(notice_id=notice.pk, now=NOW)

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.PENDING, 1)
    assert notice.next_attempt_at == NOW + dt.timedelta(minutes=5)
    attempt = DeliveryAttempt.objects.get(notice=notice)
    assert (attempt.ok, attempt.error) == (False, "HTTP 500: gateway error 500 (gateway error)")
    assert gateway.messages == []

    notice_send(notice_id=notice.pk, now=NOW + dt.timedelta(minutes=6))

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 2)
    assert len(gateway.messages) == 1
    assert list(DeliveryAttempt.objects.filter(notice=notice).values_list("ok", flat=True)) == [
        False,
        True,
    ]

    other = _sms_hold()
    gateway.fail_next(MAX_ATTEMPTS, status=401, code=101)
    for _ in range(MAX_ATTEMPTS):
        notice_send(notice_id=other.pk, now=NOW)
    other.refresh_from_db()
    assert (other.status, other.problem) == (NoticeStatus.FAILED, NoticeProblem.TOO_MANY_ATTEMPTS)
    assert other.delivery_attempts.filter(ok=False).count() == MAX_ATTEMPTS


@pytest.mark.django_db
def test_without_a_phone_number_the_sms_is_born_failed():
    hold = make_ready_hold()
    make_preference(member=hold.member, message_type=MessageType.HOLD_READY, channel=Channel.SMS)

    notice = notice_queue_hold_ready(hold=hold, now=NOW)

    assert notice is not None
    assert (notice.status, notice.problem, notice.recipient) == (
        NoticeStatus.FAILED,
        NoticeProblem.NO_PHONE,
        "",
    )


@pytest.mark.django_db
def test_a_landline_number_cannot_get_an_sms():
    hold = make_ready_hold(member__phone="+31201234567")
    make_preference(member=hold.member, message_type=MessageType.HOLD_READY, channel=Channel.SMS)

    notice = notice_queue_hold_ready(hold=hold, now=NOW)

    assert notice is not None and notice.problem == NoticeProblem.NO_PHONE


@pytest.mark.django_db
def test_without_a_provider_the_sms_is_born_failed_channel_unavailable():
    hold = make_ready_hold(member__phone=MOBILE)
    make_preference(member=hold.member, message_type=MessageType.HOLD_READY, channel=Channel.SMS)

    with override_settings(KAFT_SMS_URL=""):
        notice = notice_queue_hold_ready(hold=hold, now=NOW)

    assert notice is not None
    assert (notice.status, notice.problem) == (
        NoticeStatus.FAILED,
        NoticeProblem.CHANNEL_UNAVAILABLE,
    )


def test_the_gateway_rejecting_a_number_is_an_error_without_the_number():
    with SmsGateway(token="t") as standin:
        provider = CmGateway(url=standin.url, token="t", sender="Kaft")
        with pytest.raises(SmsError) as refused:
            provider.send(to="+3", text="Hallo", reference="kaft-1")
        assert str(refused.value) == "HTTP 400: gateway error 303 (invalid number)"
        assert refused.value.code == 303
        with pytest.raises(SmsError, match="101 \\(authentication failed\\)"):
            CmGateway(url=standin.url, token="wrong", sender="Kaft").send(
                to=MOBILE, text="Hallo", reference="kaft-2"
            )
    assert standin.messages == []


def test_an_unreachable_gateway_is_an_error():
    with SmsGateway() as standin:
        url = standin.url
    with pytest.raises(SmsError, match="gateway not reached"):
        CmGateway(url=url, token="t", sender="Kaft").send(to=MOBILE, text="x", reference="r")


def test_sender_name_keeps_eleven_letters_or_digits():
    assert sender_name("", "Bibliotheek Kaft") == "Bibliotheek"
    assert sender_name("Bieb-Kaft!", "x") == "BiebKaft"


def test_an_sms_never_needs_more_than_two_parts():
    long_title = "Een heel lange titel " * 20
    text = sms_fit(f"Bibliotheek Kaft: graag inleveren voor 8-12: {long_title}")
    assert sms_parts(text) == MAX_PARTS
    assert len(text) <= 306 and text.endswith("...")
    unicode_text = sms_fit("Łódź " * 60)
    assert sms_parts(unicode_text) <= MAX_PARTS and len(unicode_text) <= 134
    assert sms_fit("Kort bericht.") == "Kort bericht."


@pytest.mark.django_db
@pytest.mark.parametrize("show_titles", [True, False])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_sms_texts_of_the_templates_fit_in_one_part(show_titles: bool, language: str):
    titles = [f"Een titel van gewone lengte nummer {n}" for n in range(2)]
    due = render_message(
        "due_soon",
        language=language,
        context={"titles": titles, "due_date": dt.date(2026, 12, 8), "days": 3},
        channel="sms",
        show_titles=show_titles,
    )
    ready = render_message(
        "hold_ready",
        language=language,
        context={
            "title": titles[0],
            "branch_name": "Centrale Bibliotheek",
            "branch_address": "Oudegracht 167, 3511 AL Utrecht",
            "deadline": dt.date(2026, 12, 8),
            "pickup_number": "1234",
        },
        channel="sms",
        show_titles=show_titles,
    )
    for message in (due, ready):
        assert "\n" not in message.body
        assert sms_parts(message.body) <= MAX_PARTS
        assert (titles[0] in message.body) is show_titles


@pytest.mark.django_db
def test_due_soon_by_sms_counts_the_loans_without_titles(gateway: SmsGateway):
    member = make_member(phone=MOBILE)
    make_preference(member=member, message_type=MessageType.DUE_SOON, channel=Channel.SMS)
    for title in ("Een", "Twee"):
        make_open_loan(member=member, record__title=title, due_date=dt.date(2026, 12, 4))

    assert notices_queue_due_soon(today=dt.date(2026, 12, 1), days=3, now=NOW) == 1

    notice = Notice.objects.get()
    notice_send(notice_id=notice.pk)
    assert [m["text"] for m in gateway.messages] == [
        "Bibliotheek Kaft: 2 uitleningen moeten uiterlijk 4-12 terug. Verlengen kan in "
        "MijnBibliotheek."
    ]
