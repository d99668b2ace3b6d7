"""The pre-notification of a direct debit and the message about a returned one: amount, date,
mandate reference and creditor identifier, by the member's channel (a short text for SMS),
queued once however often the door calls."""

from __future__ import annotations

import datetime as dt

import pytest

from kaft.billing.services.sepa_run import sepa_announce
from kaft.members.models import Channel, MessagePreference, MessageType
from kaft.notices.models import Notice, NoticeStatus
from kaft.notices.services.collections import notices_queue_sepa_prenotices
from tests.factories import MemberFactory
from tests.factories_sepa import (
    COLLECT_ON,
    CREDITOR_ID,
    IBANS,
    NOW_FOR_SEPA,
    adult_category,
    creditor,
    payer,
    queue_debit_returned,
)

pytestmark = pytest.mark.django_db


def test_each_member_gets_the_announcement_by_their_channel_once() -> None:
    with creditor():
        by_mail, mandate, _c = payer(iban=IBANS[0], preferred_language="en")
        by_sms, sms_mandate, _d = payer(iban=IBANS[1])
        by_letter, _m, _e = payer(iban=IBANS[2])
        MessagePreference.objects.create(
            member=by_sms, message_type=MessageType.SEPA_PRENOTICE, channel=Channel.SMS
        )
        MessagePreference.objects.create(
            member=by_letter, message_type=MessageType.SEPA_PRENOTICE, channel=Channel.LETTER
        )
        sepa_announce(collection_date=COLLECT_ON, now=NOW_FOR_SEPA)

        assert notices_queue_sepa_prenotices(collection_date=COLLECT_ON) == 3
        assert notices_queue_sepa_prenotices(collection_date=COLLECT_ON) == 0

    mail = Notice.objects.get(member=by_mail)
    assert mail.status == NoticeStatus.PENDING and mail.channel == Channel.EMAIL
    assert mail.subject == "Direct debit of € 52.00 on 15-01-2027"
    for needed in (
        "€ 52.00",
        "15-01-2027",
        mandate.reference,
        CREDITOR_ID,
        "NL** **** **** **43 00",
    ):
        assert needed in mail.body, needed
    assert "0417164300" not in mail.body
    assert "Membership fee" in mail.body

    sms = Notice.objects.get(member=by_sms)
    assert sms.channel == Channel.SMS  # born failed until the SMS channel is built
    assert len(sms.body) <= 300
    for needed in ("52.00", "15-01-2027", sms_mandate.reference, CREDITOR_ID):
        assert needed in sms.body, needed
    assert "Beste lezer" not in sms.body

    letter = Notice.objects.get(member=by_letter)
    assert letter.channel == Channel.LETTER and "Beste lezer" in letter.body
    assert "Contributie" in letter.body


def test_a_returned_debit_is_explained_in_plain_words() -> None:
    member = MemberFactory.create(category=adult_category(), membership_end=dt.date(2026, 12, 31))

    queue_debit_returned(member)

    told = Notice.objects.get(member=member, message_type=MessageType.DEBIT_RETURNED)
    assert told.subject == "Uw incasso is teruggekomen"
    assert "er niet genoeg geld op de rekening stond (code AM04)" in told.body
    assert "€ 52.00" in told.body and "15-01-2027" in told.body
    assert "beëindigd" not in told.body  # AM04 leaves the mandate alive
    assert dt.date(2027, 1, 15).isoformat() not in told.body
