"""Members are told before their membership ends, by their channel, once per end date; members
paying by direct debit (renewed automatically) and erased members are not."""

from __future__ import annotations

import datetime as dt

import pytest

from kaft.billing.models import MandateVia
from kaft.billing.services.mandates import mandate_sign
from kaft.members.models import Channel, MemberStatus, MessageType
from kaft.notices.models import Notice
from kaft.notices.services.membership import notices_queue_membership_ending
from tests.factories_notices import make_member, make_preference
from tests.factories_sepa import IBANS

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)
DUTCH_BODY = """Beste lezer,

Uw lidmaatschap van de bibliotheek loopt af op donderdag 24 december 2026.

Wilt u blijven lenen? Verleng uw lidmaatschap aan de balie van een van onze vestigingen. Betaalt u met automatische incasso, dan verlengt de bibliotheek het voor u en hoeft u niets te doen.

Verlengt u niet, dan kunt u na die dag niet meer lenen of reserveren. Wat de bibliotheek van u bewaart, en hoe lang, staat in onze privacyverklaring.

Met vriendelijke groet,
Bibliotheek Kaft

--
Dit bericht is automatisch verstuurd. In MijnBibliotheek kunt u kiezen hoe u deze berichten ontvangt.
"""


def test_a_member_whose_membership_ends_within_the_window_is_told_once(settings) -> None:
    settings.KAFT_MEMBERSHIP_ENDING_DAYS = 30
    ending = make_member(membership_end=dt.date(2026, 12, 24), email="jan@example.org")
    make_member(membership_end=dt.date(2027, 3, 1))  # later
    make_member(membership_end=dt.date(2026, 11, 30))  # already ended
    make_member(membership_end=None)  # no end date

    assert notices_queue_membership_ending(today=TODAY, now=NOW) == 1
    notice = Notice.objects.get()
    assert (notice.member_id, notice.message_type, notice.channel) == (
        ending.pk,
        MessageType.MEMBERSHIP_ENDING,
        Channel.EMAIL,
    )
    assert notice.subject == "Uw lidmaatschap loopt af op 24 december 2026"
    assert notice.body == DUTCH_BODY
    # the next day's run, and a run in the same day: nothing new
    assert notices_queue_membership_ending(today=TODAY, now=NOW) == 0
    assert notices_queue_membership_ending(today=TODAY + dt.timedelta(days=1), now=NOW) == 0
    assert Notice.objects.count() == 1


def test_the_member_chooses_the_channel(settings) -> None:
    member = make_member(membership_end=TODAY + dt.timedelta(days=10), phone="0612345678")
    make_preference(member=member, message_type=MessageType.MEMBERSHIP_ENDING, channel="sms")
    notices_queue_membership_ending(today=TODAY, now=NOW)
    notice = Notice.objects.get()
    assert notice.channel == Channel.SMS
    assert "11-12-2026" in notice.body and len(notice.body) < 160


def test_direct_debit_payers_and_erased_members_are_not_told() -> None:
    paying = make_member(membership_end=TODAY + dt.timedelta(days=5))
    mandate_sign(member=paying, iban=IBANS[0], signed_on=TODAY, via=MandateVia.PAPER)
    make_member(membership_end=TODAY + dt.timedelta(days=5), status=MemberStatus.ERASED)
    assert notices_queue_membership_ending(today=TODAY, now=NOW) == 0
