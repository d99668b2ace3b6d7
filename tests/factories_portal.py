"""Factories for loans and reservations as the portal tests need them (rows made directly)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kaft.catalog.models import ItemStatus
from kaft.circulation.models import Hold, HoldStatus, Loan, LoanStatus
from tests.factories import BranchFactory, ItemFactory, MemberFactory, RecordFactory


class LoanFactory(DjangoModelFactory[Loan]):
    """An open loan, checked out a week ago and due in two weeks; the item is marked on loan."""

    class Meta:
        model = Loan

    member = factory.SubFactory(MemberFactory)
    item = factory.SubFactory(
        ItemFactory,
        status=ItemStatus.ON_LOAN,
        home_branch=factory.SelfAttribute("..member.home_branch"),
    )
    status = LoanStatus.OPEN
    checked_out_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    record = factory.SelfAttribute("item.record")
    branch = factory.SelfAttribute("item.home_branch")
    member_category = factory.SelfAttribute("member.category")


class HoldFactory(DjangoModelFactory[Hold]):
    """A reservation waiting in the queue."""

    class Meta:
        model = Hold

    record = factory.SubFactory(RecordFactory)
    member = factory.SubFactory(MemberFactory)
    pickup_branch = factory.SubFactory(BranchFactory)
    status = HoldStatus.WAITING
    placed_at = factory.LazyFunction(timezone.now)
    member_category = factory.SelfAttribute("member.category")
