"""Fixtures for members tests: a branch, an adult and a youth category."""

from __future__ import annotations

from typing import cast

import pytest

from kaft.catalog.models import Branch
from kaft.members.models import MemberCategory
from tests.factories import BranchFactory, MemberCategoryFactory


@pytest.fixture
def branch(db: None) -> Branch:
    return cast(Branch, BranchFactory(code="centrale", name="Centrale Bibliotheek"))


@pytest.fixture
def adult(db: None) -> MemberCategory:
    return cast(MemberCategory, MemberCategoryFactory(code="adult", name="Volwassene"))


@pytest.fixture
def youth(db: None) -> MemberCategory:
    return cast(MemberCategory, MemberCategoryFactory(code="youth", name="Jeugd", max_age=18))
