"""next_open_day: closed weekdays and single closed days push a date forward."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from pytest_django import DjangoAssertNumQueries

from kaft.catalog.models import Branch
from kaft.circulation.calendar import next_open_day
from tests.factories_circulation import close_day, make_branch

MONDAY = dt.date(2026, 3, 2)


def test_an_open_day_stays(central: Branch) -> None:
    assert next_open_day(central, MONDAY) == MONDAY


def test_a_closed_weekday_moves_to_the_next_open_day(db: None) -> None:
    # given a branch closed on Sundays and Mondays
    branch = make_branch(closed_weekdays=[6, 0])
    # when a date falls on Sunday 8 March
    # then it moves to Tuesday 10 March
    assert next_open_day(branch, dt.date(2026, 3, 8)) == dt.date(2026, 3, 10)


def test_a_closed_day_and_a_closed_weekday_together(db: None) -> None:
    branch = make_branch(closed_weekdays=[6])
    close_day(branch, dt.date(2026, 4, 6))  # Easter Monday, after Easter Sunday
    assert next_open_day(branch, dt.date(2026, 4, 5)) == dt.date(2026, 4, 7)


def test_closed_days_of_another_branch_do_not_count(central: Branch, west: Branch) -> None:
    close_day(west, MONDAY)
    assert next_open_day(central, MONDAY) == MONDAY
    assert next_open_day(west, MONDAY) == dt.date(2026, 3, 3)


def test_a_branch_closed_every_day_keeps_the_date_and_warns(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    branch = make_branch(code="dicht", closed_weekdays=[0, 1, 2, 3, 4, 5, 6])
    with caplog.at_level(logging.WARNING, logger="kaft.circulation.calendar"):
        assert next_open_day(branch, MONDAY) == MONDAY
    assert "Branch dicht has no open day after 2026-03-02" in caplog.text


def test_one_query(central: Branch, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    close_day(central, MONDAY)
    with django_assert_num_queries(1):
        assert next_open_day(central, MONDAY) == dt.date(2026, 3, 3)
