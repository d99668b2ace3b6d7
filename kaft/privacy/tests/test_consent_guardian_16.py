"""Guardian consent ends at 16 (UAVG art. 5): from the 16th birthday on only the member decides.

A parent or guardian can no longer answer for a member of 16 or older, and a yes they gave
before lapses on the birthday until the member confirms it themselves.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone, translation

from kaft.members.models import GuardianCheck, GuardianLink, Member
from kaft.notices.models import NoticeProblem, NoticeStatus
from kaft.notices.services.outbox import notice_send
from kaft.notices.services.statement import notice_statement_changed
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import Consent, ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.selectors.consent import consent_overview
from kaft.privacy.services.consent import (
    consent_given,
    consent_set,
    member_ids_with_consent,
    members_with_consent,
)
from tests.factories import MemberFactory
from tests.factories_consent import make_member, make_version
from tests.factories_family import born_years_ago
from tests.smtp import SmtpSink, smtp_server

__all__ = ["smtp_server"]

pytestmark = pytest.mark.django_db

NEWSLETTER = ConsentPurpose.NEWSLETTER
REFUSED_EN = (
    "This member is 16 or older and decides about consents themselves: a parent or guardian can "
    "no longer give or withdraw them."
)


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _with_parent(born: dt.date) -> tuple[Member, Member]:
    member = MemberFactory.create(date_of_birth=born, email="jong@example.org")
    parent = make_member(age=45, first_name="Ilse")
    GuardianLink.objects.create(
        child=member, guardian=parent, checked=GuardianCheck.ID_DOCUMENT, recorded_at=timezone.now()
    )
    return member, parent


def _rows() -> tuple[int, int]:
    return Consent.objects.count(), ConsentEvent.objects.count()


def _turns_16_today(member: Member) -> None:
    """Time passes: the member's 16th birthday is today."""
    member.date_of_birth = born_years_ago(16)
    member.save(update_fields=["date_of_birth"])


@pytest.mark.parametrize(
    ("born", "accepted"),
    [
        (born_years_ago(16, days=1), True),  # 15, turns 16 tomorrow
        (born_years_ago(16), False),  # turns 16 today
        (born_years_ago(17), False),
        (born_years_ago(17, days=-100), False),  # 17 and a bit
    ],
    ids=["15-last-day", "16-birthday", "17", "17-and-more"],
)
def test_a_parent_answers_only_for_a_member_under_16(born: dt.date, accepted: bool) -> None:
    member, parent = _with_parent(born)

    for given in (True, False):
        if accepted:
            consent_set(
                member=member, purpose=NEWSLETTER, given=given, via=ConsentVia.DESK, guardian=parent
            )
            continue
        with pytest.raises(PrivacyError) as refused:
            consent_set(
                member=member, purpose=NEWSLETTER, given=given, via=ConsentVia.DESK, guardian=parent
            )
        assert refused.value.code == PrivacyErrorCode.CONSENT_GUARDIAN_MEMBER_16
        assert refused.value.message == REFUSED_EN
        assert _rows() == (0, 0)  # nothing written

    if accepted:
        assert Consent.objects.get(member=member).given is False  # the last answer: withdrawn
        assert ConsentEvent.objects.filter(member=member, guardian=parent).count() == 2


def test_a_parents_yes_lapses_on_the_16th_birthday() -> None:
    member, parent = _with_parent(born_years_ago(16, days=1))
    consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.DESK, guardian=parent)
    today = timezone.localdate()
    assert consent_given(member=member, purpose=NEWSLETTER, today=today) is True
    assert (
        consent_given(member=member, purpose=NEWSLETTER, today=today + dt.timedelta(days=1))
        is False
    )  # the birthday itself

    _turns_16_today(member)

    assert consent_given(member=member, purpose=NEWSLETTER) is False
    assert list(members_with_consent(NEWSLETTER)) == []
    assert member_ids_with_consent(NEWSLETTER, [member.pk]) == set()
    state = consent_overview(member)[0]
    assert (state.purpose, state.given, state.needs_confirming) == (NEWSLETTER, False, True)
    # nothing was changed to make it lapse: the parent's yes is still on record
    consent = Consent.objects.get(member=member)
    assert (consent.given, consent.by_guardian) == (True, True)


def test_the_member_confirms_a_lapsed_yes_themselves() -> None:
    member, parent = _with_parent(born_years_ago(16, days=1))
    consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.DESK, guardian=parent)
    _turns_16_today(member)

    consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)

    assert consent_given(member=member, purpose=NEWSLETTER) is True
    assert [m.pk for m in members_with_consent(NEWSLETTER)] == [member.pk]
    assert member_ids_with_consent(NEWSLETTER, [member.pk]) == {member.pk}
    consent = Consent.objects.get(member=member)
    assert (consent.given, consent.by_guardian) == (True, False)
    latest = ConsentEvent.objects.filter(member=member).latest("pk")
    assert (latest.given, latest.via, latest.guardian_id) == (True, "portal", None)
    state = consent_overview(member)[0]
    assert (state.given, state.needs_confirming) == (True, False)


def test_a_member_under_16_keeps_the_parents_yes() -> None:
    member, parent = _with_parent(born_years_ago(15))
    consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.DESK, guardian=parent)

    assert consent_given(member=member, purpose=NEWSLETTER) is True
    assert [m.pk for m in members_with_consent(NEWSLETTER)] == [member.pk]
    assert consent_overview(member)[0].needs_confirming is False


def test_the_member_sees_that_the_consent_needs_confirming(client: Client) -> None:
    member, parent = _with_parent(born_years_ago(16, days=1))
    consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.DESK, guardian=parent)
    _turns_16_today(member)
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")

    page = client.get("/mijn/toestemmingen/").content.decode()

    section = page.split('id="consent-newsletter"')[1].split("</li>")[0]
    assert "Wacht op uw bevestiging" in section, section
    assert "Toestemming bevestigen" in section


def test_the_statement_mail_queued_before_the_birthday_is_not_sent_after_it(
    smtp_server: SmtpSink,
) -> None:
    member, parent = _with_parent(born_years_ago(16, days=1))
    consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.DESK, guardian=parent)
    notice = notice_statement_changed(member=member, version=make_version(published=timezone.now()))
    _turns_16_today(member)

    notice_send(notice_id=notice.pk)

    assert smtp_server.wait_for(1, timeout=0.5) == []
    notice.refresh_from_db()
    assert (notice.status, notice.problem) == (NoticeStatus.FAILED, NoticeProblem.NO_CONSENT)


def test_the_migration_marks_the_yeses_parents_gave_before() -> None:
    migration = importlib.import_module("kaft.privacy.migrations.0006_consent_by_guardian")
    member, parent = _with_parent(born_years_ago(16))
    now = timezone.now()
    by_parent = Consent.objects.create(member=member, purpose=NEWSLETTER, given=True, since=now)
    ConsentEvent.objects.create(
        member=member,
        purpose=NEWSLETTER,
        given=True,
        at=now,
        via=ConsentVia.GUARDIAN,
        guardian=parent,
    )
    own = Consent.objects.create(
        member=member, purpose=ConsentPurpose.CONTESTS, given=True, since=now
    )
    ConsentEvent.objects.create(
        member=member, purpose=ConsentPurpose.CONTESTS, given=True, at=now, via=ConsentVia.PORTAL
    )

    migration.mark_guardian_consents(apps, None)

    by_parent.refresh_from_db()
    own.refresh_from_db()
    assert (by_parent.by_guardian, own.by_guardian) == (True, False)
    assert consent_given(member=member, purpose=NEWSLETTER) is False  # 16 today: lapsed


@pytest.mark.parametrize("given", [True, False])
def test_an_answer_via_a_parent_who_is_not_named_is_refused(given: bool) -> None:
    """``via=guardian`` without the guardian: for a member of 16 or older it would be a
    parent's answer recorded as the member's own yes; below 16 there is no parent to check."""
    member, _parent = _with_parent(born_years_ago(17))
    child, _ = _with_parent(born_years_ago(10))

    for who, code in (
        (member, PrivacyErrorCode.CONSENT_GUARDIAN_MEMBER_16),
        (child, PrivacyErrorCode.CONSENT_GUARDIAN_NOT_LINKED),
    ):
        with pytest.raises(PrivacyError) as refused:
            consent_set(member=who, purpose=NEWSLETTER, given=given, via=ConsentVia.GUARDIAN)
        assert refused.value.code == code
        if who is member:
            assert refused.value.message == REFUSED_EN
    assert _rows() == (0, 0)
    assert consent_given(member=member, purpose=NEWSLETTER) is False
