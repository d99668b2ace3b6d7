"""Fixtures for circulation tests: two branches, a member, a member of staff, a known clock."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest

from kaft.catalog.models import Branch
from kaft.members.models import Member, User
from tests.factories_circulation import make_branch, make_member, make_staff


@pytest.fixture
def central(db: None) -> Branch:
    return make_branch(code="centrale", name="Centrale Bibliotheek")


@pytest.fixture
def west(db: None) -> Branch:
    return make_branch(code="west", name="Vestiging West")


@pytest.fixture
def member(central: Branch) -> Member:
    return make_member(home_branch=central, first_name="Sanne")


@pytest.fixture
def other_member(central: Branch) -> Member:
    return make_member(home_branch=central, first_name="Daan")


@pytest.fixture
def staff(central: Branch) -> User:
    return make_staff(profile__branch=central)


class _Recorder:
    def __init__(self) -> None:
        self.hold_ids: list[int] = []

    def delay(self, hold_id: int) -> None:
        self.hold_ids.append(hold_id)


@pytest.fixture
def ready_notices(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Stand in for kaft.notices.tasks: records the hold ids announced as ready."""
    recorder = _Recorder()
    fake = types.ModuleType("kaft.notices.tasks")
    fake.notice_hold_ready = recorder  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kaft.notices.tasks", fake)
    yield recorder.hold_ids
