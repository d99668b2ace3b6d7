"""Factories for family access, parents and guardians, and staff notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kaft.members.models import FamilyAccess, FamilyAccessStatus, Member, MemberNote
from tests.factories import MemberFactory


class FamilyAccessFactory(DjangoModelFactory[FamilyAccess]):
    """A request for access, made now, to be answered within 14 days."""

    class Meta:
        model = FamilyAccess

    owner = factory.SubFactory(MemberFactory)
    grantee = factory.SubFactory(
        MemberFactory, home_branch=factory.SelfAttribute("..owner.home_branch")
    )
    status = FamilyAccessStatus.REQUESTED
    requested_at = factory.LazyFunction(timezone.now)
    answer_by = factory.LazyAttribute(lambda access: access.requested_at + dt.timedelta(days=14))


def active_access(owner: Member, grantee: Member, **kwargs: Any) -> FamilyAccess:
    """``owner`` granted ``grantee`` access a day ago."""
    now = timezone.now()
    return FamilyAccessFactory.create(
        owner=owner,
        grantee=grantee,
        status=FamilyAccessStatus.ACTIVE,
        requested_at=now - dt.timedelta(days=2),
        answer_by=now + dt.timedelta(days=12),
        decided_at=now - dt.timedelta(days=1),
        **kwargs,
    )


def born_years_ago(years: int, *, days: int = 0, today: dt.date | None = None) -> dt.date:
    """The date of birth of someone who turns ``years`` today (minus ``days`` days later)."""
    today = today or timezone.localdate()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    return birthday + dt.timedelta(days=days)


class MemberNoteFactory(DjangoModelFactory[MemberNote]):
    class Meta:
        model = MemberNote

    member = factory.SubFactory(MemberFactory)
    text = "Heeft een leesloep nodig bij het balieformulier."
    created_at = factory.LazyFunction(timezone.now)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
