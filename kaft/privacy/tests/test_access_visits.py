"""The access log as visits: one line per visit of one staff member (as the member is shown
them) at one branch, not one per scan; rows past the retention period never shown."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart
from kaft.privacy.selectors.transparency import member_access_log
from kaft.privacy.selectors.visits import VisitStream
from kaft.privacy.services.retention import retention_setting_change
from tests.factories import BranchFactory, MemberFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _look(
    member: Any,
    at: dt.datetime,
    *,
    name: str = "Anna",
    role: str = "desk",
    branch: Any = None,
    part: str = DataPart.LOANS,
    purpose: str = AccessPurpose.DESK,
) -> AccessLogEntry:
    return AccessLogEntry(
        member=member,
        at=at,
        staff_name=name,
        staff_role=role,
        branch=branch,
        part=part,
        purpose=purpose,
    )


def _visits(member: Any, page: int = 1) -> list[tuple[Any, ...]]:
    _page, visits = member_access_log(member, page)
    return [(v.first, v.last, v.name, v.branch, v.parts, v.looks) for v in visits]


def test_one_desk_session_of_78_looks_is_one_visit_with_its_parts_and_times() -> None:
    member, branch = MemberFactory.create(), BranchFactory.create(name="Oost")
    start = NOW - dt.timedelta(hours=2)
    parts = [DataPart.IDENTITY, DataPart.LOANS, DataPart.HOLDS]
    AccessLogEntry.objects.bulk_create(
        _look(member, start + dt.timedelta(seconds=20 * i), branch=branch, part=parts[i % 3])
        for i in range(78)
    )

    visits = _visits(member)

    assert visits == [
        (
            start,
            start + dt.timedelta(seconds=20 * 77),
            "Anna",
            "Oost",
            ["Name and date of birth", "Loans", "Reservations"],
            78,
        )
    ]


def test_a_gap_of_more_than_half_an_hour_another_staff_member_or_branch_start_a_new_visit() -> None:
    member, oost, west = (
        MemberFactory.create(),
        BranchFactory.create(name="Oost"),
        BranchFactory.create(name="West"),
    )
    t = NOW - dt.timedelta(hours=5)
    AccessLogEntry.objects.bulk_create(
        [
            _look(member, t, branch=oost),
            _look(member, t + dt.timedelta(minutes=30), branch=oost),  # within the gap
            _look(member, t + dt.timedelta(minutes=61), branch=oost),  # 31 minutes later
            _look(member, t + dt.timedelta(minutes=62), branch=west),  # other branch
            _look(member, t + dt.timedelta(minutes=63), branch=oost, name="Bram"),
            _look(member, t + dt.timedelta(minutes=64), branch=oost),  # Anna again
        ]
    )

    visits = [(v[0], v[1], v[2], v[3], v[5]) for v in _visits(member)]

    m = dt.timedelta(minutes=1)
    assert visits == [
        (t + 61 * m, t + 64 * m, "Anna", "Oost", 2),
        (t + 63 * m, t + 63 * m, "Bram", "Oost", 1),
        (t + 62 * m, t + 62 * m, "Anna", "West", 1),
        (t, t + 30 * m, "Anna", "Oost", 2),
    ]


def test_colleagues_with_the_same_role_are_one_visit_when_the_library_shows_only_roles(
    settings: Any,
) -> None:
    settings.KAFT_ACCESS_LOG_SHOWS = "role"
    member, branch = MemberFactory.create(), BranchFactory.create(name="Oost")
    AccessLogEntry.objects.bulk_create(
        [
            _look(member, NOW - dt.timedelta(minutes=10), branch=branch, name="Anna"),
            _look(member, NOW - dt.timedelta(minutes=5), branch=branch, name="Bram"),
        ]
    )

    visits = _visits(member)

    assert [(v[2], v[5]) for v in visits] == [("", 2)]


def test_rows_past_the_retention_period_are_not_shown_before_the_nightly_job() -> None:
    member = MemberFactory.create()
    AccessLogEntry.objects.bulk_create(
        [
            _look(member, NOW - dt.timedelta(days=366)),
            _look(member, NOW - dt.timedelta(days=200)),
        ]
    )

    shown_by_default = [v[0] for v in _visits(member)]
    retention_setting_change(rule="access_log", days=180, staff=None)
    shown_at_180_days = [v[0] for v in _visits(member)]

    assert shown_by_default == [NOW - dt.timedelta(days=200)]
    assert shown_at_180_days == []
    assert AccessLogEntry.objects.filter(member=member).count() == 2  # nothing deleted here


def test_pages_hold_25_visits_newest_first_and_a_later_page_continues_exactly() -> None:
    member = MemberFactory.create()
    AccessLogEntry.objects.bulk_create(
        _look(member, NOW - dt.timedelta(hours=i), part=p)
        for i in range(30)
        for p in (DataPart.LOANS, DataPart.CONTACT)
    )

    page_one, page_two = _visits(member, 1), _visits(member, 2)

    assert [v[1] for v in page_one] == [NOW - dt.timedelta(hours=i) for i in range(25)]
    assert [v[1] for v in page_two] == [NOW - dt.timedelta(hours=i) for i in range(25, 30)]
    assert {v[5] for v in page_one + page_two} == {2}


def test_the_first_page_of_10000_looks_reads_a_bounded_part_and_stays_fast(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = MemberFactory.create()
    AccessLogEntry.objects.bulk_create(
        (_look(member, NOW - dt.timedelta(minutes=45 * i)) for i in range(10_000)),
        batch_size=2000,
    )
    read = {"rows": 0}
    original = VisitStream._rows

    def counting(self: VisitStream, *columns: str) -> Any:
        for row in original(self, *columns):
            if columns:  # the pass that keeps the page's visits
                read["rows"] += 1
            yield row

    monkeypatch.setattr(VisitStream, "_rows", counting)

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        page, visits = member_access_log(member, 1)
    seconds = time.perf_counter() - started

    assert page.paginator.count == 10_000
    assert len(visits) == 25
    assert read["rows"] == 26  # the page's 25 looks and the one that shows the page is done
    assert len(captured.captured_queries) <= 12
    assert seconds < 5
