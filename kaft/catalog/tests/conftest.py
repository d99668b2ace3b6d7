"""Catalogue fixtures: a branch, and a member of staff working there."""

from __future__ import annotations

from typing import cast

import pytest

from kaft.catalog.models import Branch
from kaft.members.models import User
from tests.factories import BranchFactory, StaffFactory


@pytest.fixture
def branch(db: None) -> Branch:
    return cast(Branch, BranchFactory(code="centrale", name="Centrale"))


@pytest.fixture
def staff(branch: Branch) -> User:
    return cast(User, StaffFactory(profile__branch=branch))
