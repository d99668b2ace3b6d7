"""Fixtures of the portal tests: a member with a password and a client logged in as them."""

from __future__ import annotations

import pytest
from django.test import Client

from kaft.catalog.models import Branch
from kaft.members.models import Member
from tests.factories import BranchFactory, MemberFactory


@pytest.fixture
def branch() -> Branch:
    return BranchFactory.create(code="centrum", name="Centrale Bibliotheek")


@pytest.fixture
def member(branch: Branch) -> Member:
    return MemberFactory.create(
        card_number="21000000000001",
        email="sanne@example.org",
        first_name="Sanne",
        last_name="Visser",
        home_branch=branch,
    )


@pytest.fixture
def member_client(client: Client, member: Member) -> Client:
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    return client
