"""The access log service: one entry per member and part shown, in one insert."""

from __future__ import annotations

from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.catalog.models import Branch
from kaft.members.models import Member, User
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart
from kaft.privacy.services import access_log_record, access_log_record_many
from tests.factories import BranchFactory, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_result_list_is_logged_per_member_in_one_insert() -> None:
    staff = cast(User, StaffFactory())
    branch = cast(Branch, BranchFactory())
    members = [cast(Member, MemberFactory()) for _ in range(3)]

    with CaptureQueriesContext(connection) as queries:
        access_log_record_many(staff=staff, members=members, parts=[DataPart.SEARCH], branch=branch)

    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    rows = AccessLogEntry.objects.order_by("member_id").values_list(
        "member_id", "staff_id", "branch_id", "part", "purpose"
    )
    assert list(rows) == [
        (m.pk, staff.pk, branch.pk, DataPart.SEARCH, AccessPurpose.DESK) for m in members
    ]


def test_one_member_gets_each_part_once_and_an_empty_list_writes_nothing() -> None:
    staff = cast(User, StaffFactory())
    member = cast(Member, MemberFactory())

    access_log_record(
        staff=staff,
        member=member,
        parts=[DataPart.LOANS, DataPart.HOLDS, DataPart.LOANS],
        branch=None,
    )
    assert (
        access_log_record_many(staff=staff, members=[], parts=[DataPart.LOANS], branch=None) == []
    )

    assert sorted(AccessLogEntry.objects.values_list("part", flat=True)) == ["holds", "loans"]
