"""Migration 0019: blocks a kiosk placed before ``blocked_by_kiosk`` existed are found from their
event (no staff) and their reason; a block staff placed stays staff's whatever its reason says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import cast

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kaft.catalog.models import Branch
from kaft.members.models import Member, MemberCategory, User
from tests.factories import BranchFactory, MemberCategoryFactory, StaffFactory

BEFORE = [("members", "0018_member_kiosk_pin_alter_memberevent_action")]
AFTER = [("members", "0019_member_blocked_by_kiosk")]


@pytest.fixture
def back_to_the_latest_schema() -> Iterator[None]:
    """The test moves the database back to an old schema; leave it at the latest again, or
    every later test that commits (threads, live servers) finds columns missing."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_blocks_kiosks_placed_are_marked_and_staffs_are_not() -> None:
    branch = cast(Branch, BranchFactory())
    category = cast(MemberCategory, MemberCategoryFactory())
    staff = cast(User, StaffFactory(username="balie1", profile__branch=branch))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Old = apps.get_model("members", "Member")
    Event = apps.get_model("members", "MemberEvent")
    at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

    def blocked(card: str, reason: str, by: int | None) -> int:
        member = Old.objects.create(
            card_number=card,
            first_name="Lid",
            last_name=card,
            date_of_birth=dt.date(1980, 1, 1),
            category_id=category.pk,
            home_branch_id=branch.pk,
            membership_start=dt.date(2020, 1, 1),
            status="blocked",
            block_reason=reason,
        )
        Event.objects.create(member=member, action="blocked", staff_id=by, at=at, note=reason)
        return int(member.pk)

    by_kiosk = blocked("21990000000001", "Kiosk Hal: card kept by the kiosk", None)
    typed_by_staff = blocked("21990000000002", "Kiosk Hal: pas ingehouden", staff.pk)
    other = blocked("21990000000003", "Gedrag", None)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    flags = dict(Member.objects.values_list("pk", "blocked_by_kiosk"))
    assert (flags[by_kiosk], flags[typed_by_staff], flags[other]) == (True, False, False)


@pytest.mark.django_db(transaction=True)
def test_the_database_is_back_at_the_latest_schema_afterwards() -> None:
    """Runs after the test above (file order): a column of the newest migrations is there."""
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert MemberCategory.objects.filter(min_age__isnull=True).count() == 0
