"""Online sign-ups that lapse become nothing: not confirmed within ``KAFT_SIGNUP_VERIFY_DAYS``
days, or not completed at the desk within ``KAFT_SIGNUP_COMPLETE_DAYS`` days of joining, the
daily retention job deletes them with every row tied to them; a completed one stays."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kaft.catalog.models import Branch
from kaft.circulation.models import Hold
from kaft.circulation.services.holds import hold_place
from kaft.members.models import (
    Address,
    EmailChange,
    Member,
    MemberCategory,
    MemberEvent,
    StaffRole,
    User,
)
from kaft.members.services.signup import signup_complete, signup_verify
from kaft.notices.models import Notice
from kaft.privacy.models import AccessLogEntry, Consent, ConsentPurpose, ConsentVia, DataPart
from kaft.privacy.registry import REGISTRY, RULES
from kaft.privacy.services.access import access_log_record
from kaft.privacy.services.consent import consent_set
from kaft.privacy.services.retention import retention_apply, retention_periods
from tests.factories import (
    BranchFactory,
    ItemFactory,
    MemberCategoryFactory,
    MemberFactory,
    StaffFactory,
)
from tests.factories_desk import staff_login
from tests.factories_signup import signed_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


@pytest.fixture
def branch(db: None) -> Branch:
    return BranchFactory.create(code="centrale", name="Centrale Bibliotheek")


@pytest.fixture
def adult(db: None) -> MemberCategory:
    return MemberCategoryFactory.create(code="adult", name="Volwassene")


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _traces(member_id: int, user_id: int | None) -> dict[str, int]:
    assert user_id is not None
    """Every row that could still tell the person joined."""
    return {
        "member": Member.objects.filter(pk=member_id).count(),
        "user": User.objects.filter(pk=user_id).count(),
        "addresses": Address.objects.filter(member_id=member_id).count(),
        "events": MemberEvent.objects.filter(member_id=member_id).count(),
        "links": EmailChange.objects.filter(member_id=member_id).count(),
        "consents": Consent.objects.filter(member_id=member_id).count(),
        "messages": Notice.objects.filter(member_id=member_id).count(),
        "looks": AccessLogEntry.objects.filter(member_id=member_id).count(),
        "holds": Hold.objects.filter(member_id=member_id).count(),
    }


NOTHING = dict.fromkeys(
    ["member", "user", "addresses", "events", "links", "consents", "messages", "looks", "holds"],
    0,
)


def test_an_unconfirmed_sign_up_past_its_days_leaves_nothing(
    branch: Branch, adult: MemberCategory
) -> None:
    member, _token = signed_up(branch, now=_ago(7.1))
    user_id = member.user_id
    staff = StaffFactory.create(profile__branch=branch)
    access_log_record(staff=staff, member=member, parts=[DataPart.IDENTITY], branch=branch)
    consent_set(member=member, purpose=ConsentPurpose.NEWSLETTER, given=True, via=ConsentVia.DESK)
    AccessAttempt.objects.create(
        username=member.card_number, ip_address="192.0.2.1", user_agent="", failures_since_start=1
    )
    assert _traces(member.pk, user_id)["member"] == 1

    run = retention_apply()

    assert _traces(member.pk, user_id) == NOTHING
    assert not AccessAttempt.objects.filter(username=member.card_number).exists()
    assert run.counts["signups_unconfirmed"] == {"members.Member": 1}


def test_a_confirmed_sign_up_not_completed_in_time_leaves_nothing_and_its_copy_moves_on(
    branch: Branch, adult: MemberCategory
) -> None:
    member, token = signed_up(branch, now=_ago(30.1))
    signup_verify(token=token, now=_ago(29))
    item = ItemFactory.create(home_branch=branch)
    hold_place(record=item.record, member=member, pickup_branch=branch, staff=None)
    user_id = member.user_id

    run = retention_apply()

    assert _traces(member.pk, user_id) == NOTHING
    assert run.counts["signups_incomplete"] == {"members.Member": 1}


def test_sign_ups_within_their_days_and_completed_ones_stay(
    branch: Branch, adult: MemberCategory
) -> None:
    fresh, _ = signed_up(branch, email="vers@example.org", now=_ago(6.9))
    confirmed, token = signed_up(branch, email="bevestigd@example.org", now=_ago(29.9))
    signup_verify(token=token, now=_ago(29))
    completed, token2 = signed_up(branch, email="klaar@example.org", now=_ago(300))
    signup_verify(token=token2, now=_ago(299))
    signup_complete(
        member=completed, document_type="passport", staff=StaffFactory.create(), now=_ago(298)
    )
    at_the_desk = MemberFactory.create(home_branch=branch)

    retention_apply()

    kept = set(Member.objects.values_list("pk", flat=True))
    assert {fresh.pk, confirmed.pk, completed.pk, at_the_desk.pk} <= kept


def test_the_periods_are_the_operators_settings(settings: object) -> None:
    settings.KAFT_SIGNUP_VERIFY_DAYS = 3  # type: ignore[attr-defined]
    settings.KAFT_SIGNUP_COMPLETE_DAYS = 14  # type: ignore[attr-defined]

    periods = retention_periods()

    assert (periods["signups_unconfirmed"], periods["signups_incomplete"]) == (3, 14)


def test_the_sign_up_fields_are_in_the_register_and_the_rules_on_the_retention_pages(
    branch: Branch,
) -> None:
    member_entry = next(e for e in REGISTRY if e.model == "members.Member")
    for field in (
        "signed_up_online_at",
        "email_verified_at",
        "identity_checked_at",
        "identity_document",
    ):
        assert field in member_entry.exported_fields
    officer = StaffFactory.create(profile__branch=branch, profile__role=StaffRole.PRIVACY_OFFICER)
    desk_page = staff_login(Client(), officer).get(reverse("desk:retention")).content.decode()
    public_page = Client().get(reverse("portal:retention")).content.decode()
    for key in ("signups_unconfirmed", "signups_incomplete"):
        with translation.override("nl"):
            label = str(RULES[key].label)
        assert label in desk_page
        assert label in public_page
