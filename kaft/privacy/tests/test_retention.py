"""The daily retention job: exactly the rows past their rule, in chunks, once, statistics kept."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kaft.circulation.models import Loan
from kaft.members.models import Member, MemberStatus
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import Consent, RetentionRun, RetentionSetting
from kaft.privacy.registry import RULES
from kaft.privacy.services.retention import (
    TARGETS,
    Action,
    Target,
    retention_apply,
    retention_overdue,
    retention_periods,
    retention_setting_change,
)
from tests.factories_retention import (
    World,
    access_entry,
    boundary_dataset,
    note,
    notice,
    now_fixed,
    returned_loan,
)


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Refusals are compared with their English text here; the Dutch is checked in the pages."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return World()


def _present(target: Target, pk: Any) -> bool:
    """Still kept as it was: the row exists, linked to its member, or the member not erased."""
    model = target.model_class
    if target.action is Action.UNLINK:
        return model._base_manager.filter(pk=pk, member__isnull=False).exists()
    if target.action is Action.ERASE:
        return model._base_manager.filter(pk=pk, erased_at__isnull=True).exists()
    return model._base_manager.filter(pk=pk).exists()


def test_the_job_removes_exactly_the_rows_past_their_boundary(world: World) -> None:
    # given for every rule a row just inside and one just past its period
    now = now_fixed()
    rows = boundary_dataset(world, now)

    # when the job runs
    run = retention_apply(now=now)

    # then per target the ones past are gone (or unlinked, or erased), the others stay
    for target in TARGETS:
        kept, gone = rows[target.key]
        assert [_present(target, pk) for pk in kept] == [True] * len(kept), target.key
        assert [_present(target, pk) for pk in gone] == [False] * len(gone), target.key
    assert run.finished_at is not None
    assert run.counts["loan_history"] == {
        "circulation.Loan": 1,
        "interlibrary.InterlibraryRequest": 1,
    }
    assert run.counts["notes"] == {"members.MemberNote": 2}
    assert run.counts["login_attempts"] == {
        "axes.AccessAttempt": 1,
        "axes.AccessLog": 1,
        "axes.AccessFailureLog": 1,
    }
    assert run.counts["ended_membership"] == {"members.Member": 1}
    assert run.counts["erasure_requests"] == {"privacy.ErasureRequest": 0}
    assert RetentionRun.objects.get() == run


def test_the_proof_lists_exactly_the_same_rows_and_nothing_afterwards(world: World) -> None:
    now = now_fixed()
    rows = boundary_dataset(world, now)
    expected = {(target.model, pk) for target in TARGETS for pk in rows[target.key][1]}

    overdue = list(retention_overdue(now=now))

    assert {(row.table, row.pk) for row in overdue} == expected
    assert [r for r in overdue if not dt.timedelta(0) < r.overdue <= dt.timedelta(days=2)] == []
    retention_apply(now=now)
    assert list(retention_overdue(now=now)) == []


def test_a_second_run_changes_nothing(world: World) -> None:
    now = now_fixed()
    boundary_dataset(world, now)
    retention_apply(now=now)
    before = _snapshot()

    second = retention_apply(now=now)

    assert _snapshot() == before
    assert {n for per_model in second.counts.values() for n in per_model.values()} == {0}


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        t.key: sorted(t.model_class._base_manager.values_list("pk", *_extra(t))) for t in TARGETS
    }


def _extra(target: Target) -> tuple[str, ...]:
    if target.action is Action.UNLINK:
        return ("member_id",)
    if target.action is Action.ERASE:
        return ("erased_at",)
    return ()


def test_members_who_keep_their_loan_history_keep_it(world: World) -> None:
    now = now_fixed()
    Consent.objects.create(member=world.member, purpose="loan_history", given=True, since=now)
    Consent.objects.create(member=world.other, purpose="loan_history", given=False, since=now)
    old = now - dt.timedelta(days=400)
    kept = returned_loan(world, old)
    unlinked = returned_loan(world, old, member=world.other)

    retention_apply(now=now)

    assert Loan.objects.get(pk=kept.pk).member_id == world.member.pk
    assert Loan.objects.get(pk=unlinked.pk).member_id is None
    assert list(retention_overdue(now=now)) == []


def test_anonymous_statistics_survive(world: World) -> None:
    # given loans of two members in two categories, old and recent
    now = now_fixed()
    for days in (400, 200, 35, 31, 10, 1):
        returned_loan(world, now - dt.timedelta(days=days))
        returned_loan(world, now - dt.timedelta(days=days), member=world.other)
    before = _loan_statistics()
    assert sum(before.values()) == 12

    run = retention_apply(now=now)

    assert run.counts["loan_history"] == {
        "circulation.Loan": 8,
        "interlibrary.InterlibraryRequest": 0,
    }
    assert _loan_statistics() == before


def _loan_statistics() -> Counter[tuple[Any, ...]]:
    rows = Loan.objects.annotate(month=TruncMonth("checked_out_at")).values_list(
        "record_id", "branch_id", "member_category_id", "age_band", "month"
    )
    return Counter(rows)


def test_each_chunk_costs_the_same_number_of_queries_whatever_its_size(world: World) -> None:
    now = now_fixed()

    def run_with(count: int) -> int:
        old = now - dt.timedelta(days=1000)
        for _ in range(count):
            returned_loan(world, old)
            note(world, old, old.date())
            access_entry(world, old)
            notice(world, old)
        with CaptureQueriesContext(connection) as queries:
            retention_apply(now=now, chunk_size=10)
        return len(queries)

    # 11 and 19 rows per table both take two chunks: the same number of queries
    assert run_with(11) == run_with(19)
    assert Loan.objects.filter(member__isnull=False).count() == 0


def test_the_librarys_own_period_is_used(world: World) -> None:
    now = now_fixed()
    recent = returned_loan(world, now - dt.timedelta(days=3))
    retention_setting_change(rule="loan_history", days=2, staff=world.officer)

    retention_apply(now=now)

    assert Loan.objects.get(pk=recent.pk).member_id is None
    assert retention_periods()["loan_history"] == 2


def test_changing_a_period_within_bounds(world: World) -> None:
    setting = retention_setting_change(rule="messages", days=60, staff=world.officer)
    again = retention_setting_change(rule="messages", days=45, staff=world.officer)

    assert again.pk == setting.pk
    assert list(RetentionSetting.objects.values_list("rule", "days", "changed_by")) == [
        ("messages", 45, world.officer.pk)
    ]


@pytest.mark.parametrize(
    ("rule", "days", "code", "english"),
    [
        (
            "messages",
            29,
            PrivacyErrorCode.RETENTION_OUT_OF_BOUNDS,
            "Choose a period from 30 to 365 days for this rule.",
        ),
        (
            "access_log",
            731,
            PrivacyErrorCode.RETENTION_OUT_OF_BOUNDS,
            "Choose a period from 180 to 730 days for this rule.",
        ),
        (
            "notes",
            10,
            PrivacyErrorCode.RETENTION_NOT_CONFIGURABLE,
            "The period of this retention rule is fixed and cannot be changed.",
        ),
        (
            "financial",
            2000,
            PrivacyErrorCode.RETENTION_OUT_OF_BOUNDS,
            "Choose a period from 2555 to 3650 days for this rule.",
        ),
        (
            "nonsense",
            10,
            PrivacyErrorCode.RETENTION_UNKNOWN_RULE,
            "There is no retention rule with this name.",
        ),
    ],
)
def test_a_period_outside_its_bounds_is_refused(
    world: World, rule: str, days: int, code: PrivacyErrorCode, english: str
) -> None:
    retention_setting_change(rule="messages", days=60, staff=world.officer)
    with pytest.raises(PrivacyError) as refused:
        retention_setting_change(rule=rule, days=days, staff=world.officer)

    assert refused.value.code == code
    assert refused.value.message == english
    assert list(RetentionSetting.objects.values_list("rule", "days")) == [("messages", 60)]


def test_the_refusal_is_in_dutch_for_dutch_users(world: World) -> None:
    from django.utils import translation

    with translation.override("nl"), pytest.raises(PrivacyError) as refused:
        retention_setting_change(rule="messages", days=5, staff=world.officer)
    assert "30" in refused.value.message and "365" in refused.value.message


def test_a_member_with_an_open_loan_is_not_erased(world: World) -> None:
    from tests.factories_retention import member_ended

    now = now_fixed()
    ended = member_ended(world, now.date() - dt.timedelta(days=800))
    loan = returned_loan(world, now, member=ended)
    Loan.objects.filter(pk=loan.pk).update(status="open", returned_at=None)

    run = retention_apply(now=now)

    assert run.counts["ended_membership"] == {"members.Member": 0}
    assert Member.objects.get(pk=ended.pk).status != MemberStatus.ERASED


def test_every_rule_with_a_period_has_a_plain_explanation() -> None:
    for rule in RULES.values():
        assert str(rule.label) and str(rule.explanation)
    assert timezone.is_aware(now_fixed())


def test_the_job_runs_every_night() -> None:
    from celery.schedules import crontab
    from django.conf import settings

    from kaft.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "kaft.privacy.tasks.apply_retention"
    assert entry["schedule"] == crontab(hour=3, minute=30)
    app.loader.import_default_modules()
    assert "kaft.privacy.tasks.apply_retention" in app.tasks


def test_a_member_with_a_police_request_under_a_running_order_is_not_erased(world: World) -> None:
    """Erasing would delete the request, which must stay until its order has ended."""
    from kaft.privacy.models import LegalRequest
    from tests.factories_retention import member_ended
    from tests.factories_transparency import legal_request

    now = now_fixed()
    ended = member_ended(world, now.date() - dt.timedelta(days=800))
    order = legal_request(
        ended,
        world.staff,
        status="approved",
        decided_by=world.officer,
        decided_at=now - dt.timedelta(days=900),
        non_disclosure_until=timezone.localdate() + dt.timedelta(days=365),
    )

    run = retention_apply(now=now)

    assert run.counts["ended_membership"] == {"members.Member": 0}
    assert Member.objects.get(pk=ended.pk).status != MemberStatus.ERASED
    assert LegalRequest.objects.filter(pk=order.pk).exists()
    assert [row.pk for row in retention_overdue(now=now) if row.table == "members.Member"] == []
