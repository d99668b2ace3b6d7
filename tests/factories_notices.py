"""Factories for the messages tests: loans and holds as the circulation services leave them."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory
from factory.django import DjangoModelFactory

from kaft.circulation.models import Hold, HoldStatus, Loan, LoanStatus
from kaft.members.models import Member, MessagePreference
from tests.factories import BranchFactory, ItemFactory, MemberFactory, RecordFactory

READY_AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


class ReadyHoldFactory(DjangoModelFactory):
    """A hold whose copy waits on the holds shelf of the pickup branch."""

    class Meta:
        model = Hold

    record = factory.SubFactory(RecordFactory, title="De avonden")
    member = factory.SubFactory(MemberFactory)
    pickup_branch = factory.SubFactory(
        BranchFactory, name="Centrale Bibliotheek", street="Oudegracht 167", postcode="3511 AL"
    )
    status = HoldStatus.READY
    placed_at = factory.LazyFunction(lambda: READY_AT - dt.timedelta(days=10))
    item = factory.SubFactory(
        ItemFactory,
        record=factory.SelfAttribute("..record"),
        home_branch=factory.SelfAttribute("..pickup_branch"),
    )
    ready_at = READY_AT
    pickup_deadline = dt.date(2026, 12, 8)
    member_category = factory.SelfAttribute("member.category")


class OpenLoanFactory(DjangoModelFactory):
    class Meta:
        model = Loan

    item = factory.SubFactory(ItemFactory)
    member = factory.SubFactory(MemberFactory)
    status = LoanStatus.OPEN
    checked_out_at = dt.datetime(2026, 11, 10, 14, 0, tzinfo=dt.UTC)
    due_date = dt.date(2026, 12, 4)
    record = factory.SelfAttribute("item.record")
    branch = factory.SelfAttribute("item.home_branch")
    member_category = factory.SelfAttribute("member.category")


class MessagePreferenceFactory(DjangoModelFactory):
    class Meta:
        model = MessagePreference


# Typed shortcuts: a factory call is typed as the factory, these as the model they make.
def make_ready_hold(**kwargs: Any) -> Hold:
    return cast(Hold, ReadyHoldFactory(**kwargs))


def make_open_loan(**kwargs: Any) -> Loan:
    return cast(Loan, OpenLoanFactory(**kwargs))


def make_member(**kwargs: Any) -> Member:
    return cast(Member, MemberFactory(**kwargs))


def make_preference(**kwargs: Any) -> MessagePreference:
    return cast(MessagePreference, MessagePreferenceFactory(**kwargs))
