"""The consent service: giving and withdrawing, history, idempotence, children under 16, and
that a member without consent is never included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kaft.members.models import MemberStatus
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import Consent, ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.selectors.consent import consent_counts, consent_overview
from kaft.privacy.services.consent import (
    consent_given,
    consent_set,
    member_ids_with_consent,
    members_with_consent,
)
from kaft.privacy.services.statement import statement_current
from tests.factories import StaffFactory
from tests.factories_consent import make_child_with_guardian, make_member


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Refusals are compared with their English text here; the Dutch is checked in the pages."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

NEWSLETTER = ConsentPurpose.NEWSLETTER


def _rows() -> tuple[int, int]:
    return Consent.objects.count(), ConsentEvent.objects.count()


def test_giving_records_the_state_and_an_event_with_the_statement_version() -> None:
    member = make_member()

    consent = consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)

    assert (consent.member_id, consent.purpose, consent.given) == (member.pk, "newsletter", True)
    event = ConsentEvent.objects.get()
    current = statement_current()
    assert current is not None and current.version == "1"
    assert (event.purpose, event.given, event.via, event.statement_version_id) == (
        "newsletter",
        True,
        "portal",
        current.pk,
    )
    assert event.at == consent.since
    assert (event.staff_id, event.guardian_id) == (None, None)
    assert consent_given(member=member, purpose=NEWSLETTER) is True


def test_withdrawing_changes_the_state_and_keeps_the_history() -> None:
    member = make_member()
    staff = StaffFactory.create()
    consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)

    consent = consent_set(
        member=member, purpose=NEWSLETTER, given=False, via=ConsentVia.PAPER, staff=staff
    )

    assert consent.given is False
    assert Consent.objects.filter(member=member).count() == 1
    history = list(
        ConsentEvent.objects.filter(member=member)
        .order_by("pk")
        .values_list("given", "via", "staff_id")
    )
    assert history == [(True, "portal", None), (False, "paper", staff.pk)]
    assert consent_given(member=member, purpose=NEWSLETTER) is False


def test_setting_the_same_answer_again_writes_nothing() -> None:
    member = make_member()
    first = consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)

    again = consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.DESK)

    assert again.pk == first.pk and again.since == first.since
    assert _rows() == (1, 1)


def test_a_child_cannot_give_consent_and_nothing_is_written() -> None:
    child, _parent = make_child_with_guardian()

    with pytest.raises(PrivacyError) as refused:
        consent_set(member=child, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)

    assert refused.value.code == PrivacyErrorCode.CONSENT_CHILD_NEEDS_GUARDIAN
    assert "younger than 16" in refused.value.message
    assert _rows() == (0, 0)
    assert consent_given(member=child, purpose=NEWSLETTER) is False


def test_a_linked_guardian_gives_consent_for_a_child_and_the_child_can_withdraw() -> None:
    child, parent = make_child_with_guardian()
    staff = StaffFactory.create()

    consent_set(
        member=child,
        purpose=NEWSLETTER,
        given=True,
        via=ConsentVia.DESK,
        staff=staff,
        guardian=parent,
    )
    assert consent_given(member=child, purpose=NEWSLETTER) is True
    event = ConsentEvent.objects.get()
    assert (event.via, event.guardian_id, event.staff_id) == ("guardian", parent.pk, staff.pk)

    consent_set(member=child, purpose=NEWSLETTER, given=False, via=ConsentVia.PORTAL)

    assert consent_given(member=child, purpose=NEWSLETTER) is False
    assert _rows() == (1, 2)


def test_someone_who_is_not_a_linked_guardian_is_refused() -> None:
    child, parent = make_child_with_guardian()
    stranger = make_member(first_name="Kees")
    child.guardians.update(ended_at=timezone.now())  # the link was ended

    for who in (stranger, parent):
        with pytest.raises(PrivacyError) as refused:
            consent_set(
                member=child, purpose=NEWSLETTER, given=True, via=ConsentVia.DESK, guardian=who
            )
        assert refused.value.code == PrivacyErrorCode.CONSENT_GUARDIAN_NOT_LINKED
        assert refused.value.message == (
            "This person is not recorded as a parent or guardian of this member."
        )
    assert _rows() == (0, 0)


def test_a_member_turning_16_consents_themselves() -> None:
    member = make_member(age=16)

    consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)

    assert consent_given(member=member, purpose=NEWSLETTER) is True


def test_an_erased_member_is_refused() -> None:
    member = make_member(status=MemberStatus.ERASED)

    with pytest.raises(PrivacyError) as refused:
        consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)

    assert refused.value.code == PrivacyErrorCode.CONSENT_MEMBER_ERASED
    assert _rows() == (0, 0)


def test_a_member_without_consent_is_never_included() -> None:
    never = make_member(first_name="Nooit")
    withdrew = make_member(first_name="Ingetrokken")
    gave = make_member(first_name="Gegeven")
    other_purpose = make_member(first_name="Ander")
    consent_set(member=withdrew, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)
    consent_set(member=withdrew, purpose=NEWSLETTER, given=False, via=ConsentVia.PORTAL)
    consent_set(member=gave, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)
    consent_set(
        member=other_purpose, purpose=ConsentPurpose.CONTESTS, given=True, via=ConsentVia.PORTAL
    )
    everyone = [never.pk, withdrew.pk, gave.pk, other_purpose.pk]

    assert list(members_with_consent(NEWSLETTER).values_list("pk", flat=True)) == [gave.pk]
    with CaptureQueriesContext(connection) as captured:
        ids = member_ids_with_consent(NEWSLETTER, everyone)
    assert ids == {gave.pk}
    assert len(captured.captured_queries) == 1
    assert member_ids_with_consent(ConsentPurpose.CONTESTS, everyone) == {other_purpose.pk}


def test_an_erased_member_is_not_included_even_with_a_consent_row() -> None:
    gave = make_member()
    consent_set(member=gave, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)
    gave.status, gave.erased_at = MemberStatus.ERASED, timezone.now()
    gave.save()

    assert list(members_with_consent(NEWSLETTER)) == []
    assert member_ids_with_consent(NEWSLETTER, [gave.pk]) == set()


def test_the_overview_lists_every_purpose_with_state_and_history(settings: Any) -> None:
    settings.KAFT_USAGE_STATISTICS = True  # with statistics on, every purpose is asked
    member = make_member()
    consent_set(member=member, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)
    consent_set(member=member, purpose=NEWSLETTER, given=False, via=ConsentVia.PORTAL)
    consent_set(member=member, purpose=ConsentPurpose.CONTESTS, given=True, via=ConsentVia.DESK)

    with CaptureQueriesContext(connection) as captured:
        overview = consent_overview(member)

    assert len(captured.captured_queries) == 3
    assert [state.purpose.value for state in overview] == list(ConsentPurpose.values)
    states = {state.purpose.value: (state.given, len(state.history)) for state in overview}
    assert states["newsletter"] == (False, 2)
    assert states["contests"] == (True, 1)
    assert states["research_panel"] == (None, 0)
    newsletter = overview[0]
    assert [event.given for event in newsletter.history] == [False, True]  # newest first


def test_consent_counts_per_purpose() -> None:
    a, b, c = make_member(), make_member(), make_member()
    consent_set(member=a, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)
    consent_set(member=b, purpose=NEWSLETTER, given=True, via=ConsentVia.PORTAL)
    consent_set(member=b, purpose=NEWSLETTER, given=False, via=ConsentVia.PORTAL)
    consent_set(member=c, purpose=ConsentPurpose.CONTESTS, given=True, via=ConsentVia.PORTAL)

    with CaptureQueriesContext(connection) as captured:
        counts = consent_counts()

    assert len(captured.captured_queries) == 2
    assert set(counts) == set(ConsentPurpose.values)
    assert counts["newsletter"] == {"given": 1, "withdrawn": 1, "unanswered": 1}
    assert counts["contests"] == {"given": 1, "withdrawn": 0, "unanswered": 2}
    assert counts["research_panel"] == {"given": 0, "withdrawn": 0, "unanswered": 3}
