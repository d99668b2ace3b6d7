"""Shared rows for the statistics tests: loans, returns and reservations at fixed moments."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kaft.catalog.models import Branch
from kaft.circulation.models import Hold, HoldStatus, Loan
from kaft.circulation.services import loan_checkin, loan_checkout
from kaft.members.models import Member
from tests.factories_circulation import make_branch, make_category, make_item, make_member

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 3, 15)


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 11, 0, tzinfo=AMSTERDAM)


def lend(member: Member, branch: Branch, when: dt.datetime, *, via: str = "desk") -> Loan:
    item = make_item(home_branch=branch)
    return loan_checkout(item=item, member=member, staff=None, branch=branch, via=via, now=when)


def give_back(loan: Loan, branch: Branch, when: dt.datetime, *, via: str = "desk") -> None:
    loan_checkin(item=loan.item, branch=branch, staff=None, via=via, now=when)


def a_library() -> dict[str, object]:
    """Two branches, two categories and a few members, loans, returns and reservations."""
    centrum = make_branch(code="centrum", name="Centrum")
    noord = make_branch(code="noord", name="Noord")
    adult = make_category(code="adult", name="Volwassene")
    youth = make_category(code="youth", name="Jeugd", annual_fee=0)
    anna = make_member(
        category=adult,
        home_branch=centrum,
        date_of_birth=dt.date(1980, 1, 1),
        membership_start=dt.date(2026, 2, 3),
    )
    bas = make_member(
        category=youth,
        home_branch=noord,
        date_of_birth=dt.date(2015, 6, 1),
        membership_start=dt.date(2026, 3, 1),
    )
    first = lend(anna, centrum, at(1, 10))
    give_back(first, noord, at(2, 2))
    lend(anna, centrum, at(2, 5), via="kiosk")
    lend(anna, centrum, at(2, 6))
    second = lend(bas, noord, at(3, 2), via="kiosk")
    give_back(second, noord, at(3, 9), via="kiosk")
    Hold.objects.create(
        record=first.record,
        member=anna,
        pickup_branch=centrum,
        placed_at=at(2, 1),
        status=HoldStatus.FULFILLED,
        closed_at=at(3, 3),
    )
    Hold.objects.create(
        record=second.record,
        member=bas,
        pickup_branch=noord,
        placed_at=at(3, 4),
    )
    return {
        "centrum": centrum,
        "noord": noord,
        "adult": adult,
        "youth": youth,
        "anna": anna,
        "bas": bas,
    }
