"""Fixtures for the fines, lost-copy and money-block tests: a branch with a fine rule, a member."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaft.catalog.models import Branch
from kaft.circulation.models import LoanRule
from kaft.members.models import Member
from tests.factories_circulation import make_branch, make_member, make_rule


@pytest.fixture
def central(db: None) -> Branch:
    return make_branch(code="centrale", name="Centrale Bibliotheek")


@pytest.fixture
def fine_rule(central: Branch) -> LoanRule:
    """€ 0.20 a day, no days without a fine, at most € 5.00 per copy."""
    return make_rule(fine_per_day=Decimal("0.20"), fine_cap=Decimal("5.00"))


@pytest.fixture
def member(central: Branch) -> Member:
    return make_member(home_branch=central, first_name="Sanne")
