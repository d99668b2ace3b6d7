"""Family access: asking, answering, lapsing after 14 days, ending, and what grantees did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import translation

from kaft.core.lifecycle import allowed_actions
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import (
    FamilyAccess,
    FamilyAccessEvent,
    FamilyAccessStatus,
    FamilyAction,
    Member,
    MessageType,
)
from kaft.members.selectors.family import access_owner_ids, family_overview
from kaft.members.services.family import (
    TRANSITIONS,
    AccessStep,
    family_access_accept,
    family_access_decline,
    family_access_end,
    family_access_lapse_overdue,
    family_access_request,
    family_event_record,
)
from kaft.members.tasks import lapse_family_requests
from kaft.notices.models import Notice, NoticeStatus
from tests.factories import MemberFactory
from tests.factories_family import FamilyAccessFactory, active_access


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Refusals are compared with their English text here; the Dutch is checked in the pages."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
S = FamilyAccessStatus


@pytest.fixture
def owner() -> Member:
    return MemberFactory.create(
        card_number="21000000000555",
        first_name="Mees",
        name_prefix="van",
        last_name="Dijk",
        email="mees@example.org",
    )


@pytest.fixture
def grantee() -> Member:
    return MemberFactory.create(
        card_number="21000000000777",
        first_name="Fenna",
        last_name="Bosch",
        email="fenna@example.org",
    )


def _snapshot() -> list[Any]:
    return [
        list(FamilyAccess.objects.order_by("pk").values()),
        list(FamilyAccessEvent.objects.order_by("pk").values()),
        list(Notice.objects.order_by("pk").values("pk", "dedup_key")),
    ]


def _refused(code: MemberErrorCode, call: Any, **kwargs: Any) -> MemberError:
    before = _snapshot()
    with pytest.raises(MemberError) as caught:
        call(**kwargs)
    assert caught.value.code == code
    assert _snapshot() == before
    return caught.value


# --- the table -------------------------------------------------------------------------------


def test_the_lifecycle_table() -> None:
    assert TRANSITIONS == {
        (S.REQUESTED, AccessStep.ACCEPT): S.ACTIVE,
        (S.REQUESTED, AccessStep.DECLINE): S.DECLINED,
        (S.REQUESTED, AccessStep.LAPSE): S.LAPSED,
        (S.REQUESTED, AccessStep.END): S.ENDED,
        (S.ACTIVE, AccessStep.END): S.ENDED,
    }
    for closed in (S.DECLINED, S.LAPSED, S.ENDED):
        assert allowed_actions(TRANSITIONS, closed) == []


# --- asking ----------------------------------------------------------------------------------


def test_request_is_waiting_for_14_days_and_the_owner_gets_a_message(
    owner: Member, grantee: Member, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        access = family_access_request(
            grantee=grantee, card_number=" 21000000000555 ", last_name="van dijk", now=NOW
        )

    access.refresh_from_db()
    assert (access.owner_id, access.grantee_id, access.status) == (
        owner.pk,
        grantee.pk,
        S.REQUESTED,
    )
    assert access.requested_at == NOW
    assert access.answer_by == dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
    assert (access.decided_at, access.ended_at) == (None, None)
    notice = Notice.objects.get()
    assert notice.member_id == owner.pk
    assert notice.message_type == MessageType.FAMILY_REQUEST
    assert notice.dedup_key == f"family_request:{access.pk}"
    assert notice.recipient == "mees@example.org"
    assert notice.status == NoticeStatus.PENDING
    # the asker is not named (the stored copy would outlive their erasure)
    for private in ("Fenna", "Bosch", "21000000000777", "fenna@example.org"):
        assert private not in notice.body
        assert private not in notice.subject
    assert len(callbacks) == 1  # sending is scheduled after commit


def test_last_name_without_prefix_and_in_other_case_matches(owner: Member, grantee: Member) -> None:
    access = family_access_request(grantee=grantee, card_number=owner.card_number, last_name="DIJK")

    assert access.owner_id == owner.pk


@pytest.mark.parametrize(
    ("card_number", "last_name"),
    [
        ("21000000000555", "Jansen"),  # the card exists, the name is wrong
        ("21000000000999", "Dijk"),  # no such card
        ("21000000000555", ""),
    ],
)
def test_unknown_card_and_wrong_name_get_the_same_neutral_answer(
    owner: Member, grantee: Member, card_number: str, last_name: str
) -> None:
    error = _refused(
        MemberErrorCode.FAMILY_NO_MATCH,
        family_access_request,
        grantee=grantee,
        card_number=card_number,
        last_name=last_name,
    )

    assert error.message == (
        "We cannot send a request with this card number and last name. Check both and try again."
    )


def test_asking_for_ones_own_account_is_refused(grantee: Member) -> None:
    error = _refused(
        MemberErrorCode.FAMILY_SELF,
        family_access_request,
        grantee=grantee,
        card_number=grantee.card_number,
        last_name="Bosch",
    )

    assert error.message == "You cannot ask for access to your own account."


@pytest.mark.parametrize("status", [S.REQUESTED, S.ACTIVE])
def test_a_second_open_request_is_refused(owner: Member, grantee: Member, status: str) -> None:
    FamilyAccessFactory.create(owner=owner, grantee=grantee, status=status)

    error = _refused(
        MemberErrorCode.FAMILY_ALREADY_OPEN,
        family_access_request,
        grantee=grantee,
        card_number=owner.card_number,
        last_name="Dijk",
    )

    assert error.message == "You already asked for access to this account, or you already have it."


@pytest.mark.parametrize("status", [S.DECLINED, S.LAPSED, S.ENDED])
def test_after_a_closed_request_one_may_ask_again(
    owner: Member, grantee: Member, status: str
) -> None:
    FamilyAccessFactory.create(owner=owner, grantee=grantee, status=status)

    access = family_access_request(grantee=grantee, card_number=owner.card_number, last_name="Dijk")

    assert access.status == S.REQUESTED
    assert FamilyAccess.objects.filter(owner=owner, grantee=grantee).count() == 2


def test_the_other_direction_is_a_separate_access(owner: Member, grantee: Member) -> None:
    FamilyAccessFactory.create(owner=owner, grantee=grantee)

    access = family_access_request(
        grantee=owner, card_number=grantee.card_number, last_name="Bosch"
    )

    assert (access.owner_id, access.grantee_id) == (grantee.pk, owner.pk)


# --- answering -------------------------------------------------------------------------------


def test_owner_accepts_and_the_grantee_reaches_the_owner(owner: Member, grantee: Member) -> None:
    access = FamilyAccessFactory.create(owner=owner, grantee=grantee, requested_at=NOW)
    later = NOW + dt.timedelta(days=3)

    family_access_accept(owner=owner, access=access, now=later)

    access.refresh_from_db()
    assert (access.status, access.decided_at, access.ended_at) == (S.ACTIVE, later, None)
    assert access_owner_ids(grantee.pk) == [owner.pk]
    assert access_owner_ids(owner.pk) == []


def test_owner_declines(owner: Member, grantee: Member) -> None:
    access = FamilyAccessFactory.create(owner=owner, grantee=grantee, requested_at=NOW)

    family_access_decline(owner=owner, access=access, now=NOW + dt.timedelta(hours=1))

    access.refresh_from_db()
    assert (access.status, access.decided_at) == (S.DECLINED, NOW + dt.timedelta(hours=1))
    assert access_owner_ids(grantee.pk) == []


@pytest.mark.parametrize("answer", [family_access_accept, family_access_decline])
def test_only_the_owner_answers(owner: Member, grantee: Member, answer: Any) -> None:
    access = FamilyAccessFactory.create(owner=owner, grantee=grantee)

    error = _refused(MemberErrorCode.FAMILY_NOT_YOURS, answer, owner=grantee, access=access)

    assert error.message == "This request is not addressed to you."


def test_an_answered_request_cannot_be_answered_again(owner: Member, grantee: Member) -> None:
    access = FamilyAccessFactory.create(owner=owner, grantee=grantee, status=S.DECLINED)

    error = _refused(
        MemberErrorCode.FAMILY_NOT_WAITING, family_access_accept, owner=owner, access=access
    )

    assert error.message == "This request has already been answered."


# --- lapsing after 14 days -------------------------------------------------------------------


def test_an_answer_after_14_days_is_refused_even_before_the_job_ran(
    owner: Member, grantee: Member
) -> None:
    access = FamilyAccessFactory.create(
        owner=owner, grantee=grantee, requested_at=NOW, answer_by=NOW + dt.timedelta(days=14)
    )

    family_access_accept_late = _refused(
        MemberErrorCode.FAMILY_LAPSED,
        family_access_accept,
        owner=owner,
        access=access,
        now=NOW + dt.timedelta(days=14, seconds=1),
    )

    assert family_access_accept_late.message == (
        "This request was not answered within 14 days and has lapsed. A new request can be made."
    )


def test_the_daily_job_lapses_requests_past_their_date_only(
    owner: Member, grantee: Member, django_assert_num_queries: Any
) -> None:
    others = MemberFactory.create_batch(3)
    overdue = [
        FamilyAccessFactory.create(owner=owner, grantee=grantee, requested_at=NOW),
        FamilyAccessFactory.create(owner=others[0], grantee=grantee, requested_at=NOW),
    ]
    in_time = FamilyAccessFactory.create(
        owner=others[1], grantee=grantee, requested_at=NOW + dt.timedelta(days=1)
    )
    active = active_access(others[2], grantee)
    run_at = NOW + dt.timedelta(days=14, minutes=1)

    with django_assert_num_queries(4):  # savepoint, lock the overdue, update, release
        lapsed = family_access_lapse_overdue(now=run_at)

    assert lapsed == 2
    for access in overdue:
        access.refresh_from_db()
        assert (access.status, access.decided_at) == (S.LAPSED, run_at)
    in_time.refresh_from_db()
    active.refresh_from_db()
    assert (in_time.status, active.status) == (S.REQUESTED, S.ACTIVE)
    assert family_access_lapse_overdue(now=run_at) == 0  # a second run changes nothing


def test_acting_on_a_lapsed_request_is_refused(owner: Member, grantee: Member) -> None:
    access = FamilyAccessFactory.create(owner=owner, grantee=grantee, status=S.LAPSED)

    for answer in (family_access_accept, family_access_decline):
        _refused(MemberErrorCode.FAMILY_LAPSED, answer, owner=owner, access=access)
    _refused(MemberErrorCode.FAMILY_LAPSED, family_access_end, member=grantee, access=access)


def test_the_task_calls_the_job_and_is_scheduled_daily(
    owner: Member, grantee: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    access = FamilyAccessFactory.create(
        owner=owner,
        grantee=grantee,
        requested_at=NOW - dt.timedelta(days=20),
        answer_by=NOW - dt.timedelta(days=6),
    )

    assert lapse_family_requests.apply().get() == 1

    access.refresh_from_db()
    assert access.status == S.LAPSED
    entry = settings.CELERY_BEAT_SCHEDULE["lapse-family-requests"]
    assert entry["task"] == "kaft.members.tasks.lapse_family_requests"
    assert entry["schedule"] == crontab(hour=3, minute=15)


# --- ending ----------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["owner", "grantee"])
def test_either_side_ends_an_access(owner: Member, grantee: Member, side: str) -> None:
    access = active_access(owner, grantee)
    member = owner if side == "owner" else grantee

    family_access_end(member=member, access=access, now=NOW)

    access.refresh_from_db()
    assert (access.status, access.ended_at, access.ended_by_id) == (S.ENDED, NOW, member.pk)
    assert access_owner_ids(grantee.pk) == []


def test_the_asker_withdraws_a_request(owner: Member, grantee: Member) -> None:
    access = FamilyAccessFactory.create(owner=owner, grantee=grantee)

    family_access_end(member=grantee, access=access, now=NOW)

    access.refresh_from_db()
    assert access.status == S.ENDED


def test_a_stranger_cannot_end_an_access(owner: Member, grantee: Member) -> None:
    access = active_access(owner, grantee)

    _refused(
        MemberErrorCode.FAMILY_NOT_YOURS,
        family_access_end,
        member=MemberFactory.create(),
        access=access,
    )


def test_an_ended_access_cannot_end_again(owner: Member, grantee: Member) -> None:
    access = FamilyAccessFactory.create(owner=owner, grantee=grantee, status=S.ENDED)

    error = _refused(
        MemberErrorCode.FAMILY_NOT_ACTIVE, family_access_end, member=owner, access=access
    )

    assert error.message == "This access has already ended."


# --- what grantees did -----------------------------------------------------------------------


def test_viewing_is_written_once_per_owner_per_day(owner: Member, grantee: Member) -> None:
    access = active_access(owner, grantee)

    first = family_event_record(grantee=grantee, owner=owner, action=FamilyAction.VIEWED, now=NOW)
    again = family_event_record(
        grantee=grantee, owner=owner, action=FamilyAction.VIEWED, now=NOW + dt.timedelta(hours=2)
    )
    next_day = family_event_record(
        grantee=grantee, owner=owner, action=FamilyAction.VIEWED, now=NOW + dt.timedelta(days=1)
    )

    assert first is not None and next_day is not None and again is None
    assert list(
        FamilyAccessEvent.objects.order_by("at").values_list(
            "access_id", "actor_id", "action", "at"
        )
    ) == [
        (access.pk, grantee.pk, "viewed", NOW),
        (access.pk, grantee.pk, "viewed", NOW + dt.timedelta(days=1)),
    ]


def test_actions_are_written_each_time_with_the_title(owner: Member, grantee: Member) -> None:
    active_access(owner, grantee)

    for _ in range(2):
        family_event_record(
            grantee=grantee, owner=owner, action=FamilyAction.RENEWED, detail="De avonden", now=NOW
        )

    assert list(FamilyAccessEvent.objects.values_list("owner_id", "action", "detail")) == [
        (owner.pk, "renewed", "De avonden"),
        (owner.pk, "renewed", "De avonden"),
    ]


def test_nothing_is_written_without_an_active_access(owner: Member, grantee: Member) -> None:
    FamilyAccessFactory.create(owner=owner, grantee=grantee, status=S.ENDED)

    assert (
        family_event_record(grantee=grantee, owner=owner, action=FamilyAction.RESERVED, now=NOW)
        is None
    )
    assert FamilyAccessEvent.objects.count() == 0


# --- the overview and locks ------------------------------------------------------------------


def test_overview_sorts_the_accesses_by_side(owner: Member, grantee: Member) -> None:
    third = MemberFactory.create()
    incoming = FamilyAccessFactory.create(owner=owner, grantee=grantee)
    given = active_access(owner, third)
    received = active_access(third, owner)
    FamilyAccessFactory.create(owner=owner, grantee=MemberFactory.create(), status=S.DECLINED)
    stale = FamilyAccessFactory.create(
        owner=MemberFactory.create(),
        grantee=owner,
        requested_at=NOW - dt.timedelta(days=30),
        answer_by=NOW - dt.timedelta(days=16),
    )

    overview = family_overview(owner)

    assert overview.incoming == [incoming]
    assert overview.given == [given]
    assert overview.received == [received]
    assert overview.outgoing == []  # past its date: no longer waiting
    assert stale.status == S.REQUESTED


# The row locks of answering and ending are proven on PostgreSQL, from a second connection, in
# test_family_concurrency.py (SQLite has no row locks).
