"""Rare search terms do not stay: the retention job (rule ``rare_search_terms``) deletes a day's
count of a term used fewer than ``KAFT_STATS_MIN_TERM_COUNT`` times in its calendar month, the
rule's days after that day and never before the month is over. Terms the statistics page shows
stay."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kaft.members.models import StaffRole
from kaft.outreach.models import SearchTermDay
from kaft.outreach.selectors import statistics as stats
from kaft.privacy.registry import RULES
from kaft.privacy.services.retention import retention_apply, retention_overdue
from tests.factories import StaffFactory
from tests.factories_desk import staff_login

pytestmark = pytest.mark.django_db

# Monday 15 June 2026, noon in Amsterdam: May is over, and 35 days back is 11 May.
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _defaults(settings: Any) -> None:
    settings.KAFT_STATS_MIN_TERM_COUNT = 5
    settings.KAFT_STATS_RARE_TERM_DAYS = 35


def _count(day: dt.date, term: str, count: int) -> SearchTermDay:
    return SearchTermDay.objects.create(day=day, term=term, count=count)


def _kept() -> list[tuple[dt.date, str, int]]:
    return sorted(SearchTermDay.objects.values_list("day", "term", "count"))


def test_a_rare_term_of_an_old_month_goes_and_a_frequent_one_stays() -> None:
    # given April 2026 (over for more than 35 days): a name searched 3 times in all, a subject
    # 5 times, and a term searched 4 times in April and 4 in March (rare in each month)
    _count(dt.date(2026, 4, 3), "jan jansen kerkstraat 4", 1)
    _count(dt.date(2026, 4, 20), "jan jansen kerkstraat 4", 2)
    _count(dt.date(2026, 4, 2), "dinosaurussen", 2)
    _count(dt.date(2026, 4, 28), "dinosaurussen", 3)
    _count(dt.date(2026, 3, 30), "vogels", 4)
    _count(dt.date(2026, 4, 1), "vogels", 4)

    # when the retention job runs
    run = retention_apply(now=NOW)

    # then only the subject's counts are left, and the page still shows it with its full count
    assert _kept() == [
        (dt.date(2026, 4, 2), "dinosaurussen", 2),
        (dt.date(2026, 4, 28), "dinosaurussen", 3),
    ]
    assert run.counts["rare_search_terms"] == {"outreach.SearchTermDay": 4}
    period = stats.period_of(3, today=NOW.date())
    assert [(t.term, t.count) for t in stats.top_search_terms(period)] == [("dinosaurussen", 5)]
    assert list(retention_overdue(now=NOW)) == []


def test_rare_terms_of_this_month_and_of_the_last_35_days_stay() -> None:
    # given rare terms this month, and in May within and past the 35 days
    this_month = _count(dt.date(2026, 6, 1), "piet de vries", 1)
    recent = _count(dt.date(2026, 5, 11), "marie smit", 1)  # 35 days ago: still inside
    past = _count(dt.date(2026, 5, 10), "kees bakker", 1)  # 36 days ago

    overdue = list(retention_overdue(now=NOW))
    run = retention_apply(now=NOW)

    assert [(row.pk, row.rule) for row in overdue] == [(past.pk, "rare_search_terms")]
    assert dt.timedelta(0) < overdue[0].overdue <= dt.timedelta(days=1)
    assert run.counts["rare_search_terms"] == {"outreach.SearchTermDay": 1}
    assert sorted(SearchTermDay.objects.values_list("pk", flat=True)) == sorted(
        [this_month.pk, recent.pk]
    )


def test_a_month_not_yet_over_is_never_judged_however_short_the_period(settings: Any) -> None:
    # given a period of 3 days: a term searched on 2 June might still reach 5 by the 30th
    settings.KAFT_STATS_RARE_TERM_DAYS = 3
    june = _count(dt.date(2026, 6, 2), "onbekende naam", 1)
    may = _count(dt.date(2026, 5, 31), "andere naam", 1)

    retention_apply(now=NOW)

    assert list(SearchTermDay.objects.values_list("pk", flat=True)) == [june.pk]
    assert not SearchTermDay.objects.filter(pk=may.pk).exists()
    # on 1 July June is over, and the row goes; the proof counts from then, not from 5 June
    july = dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC)  # 00:30 on 1 July in Amsterdam
    [late] = list(retention_overdue(now=july))
    assert late.pk == june.pk
    assert late.overdue == dt.timedelta(minutes=30)


def test_the_threshold_is_the_statistics_pages_own(settings: Any) -> None:
    settings.KAFT_STATS_MIN_TERM_COUNT = 3
    _count(dt.date(2026, 4, 9), "drie keer", 3)
    _count(dt.date(2026, 4, 9), "twee keer", 2)

    retention_apply(now=NOW)

    assert _kept() == [(dt.date(2026, 4, 9), "drie keer", 3)]


def test_in_chunks_each_costs_the_same_and_a_frequent_term_is_never_split() -> None:
    def run_with(rare: int) -> int:
        for n in range(rare):
            _count(dt.date(2026, 3, 1 + n), f"naam {n}", 1)
        for n in range(5):  # one search a day: frequent only over the whole month
            _count(dt.date(2026, 3, 1 + n), "kookboek", 1)
        with CaptureQueriesContext(connection) as queries:
            retention_apply(now=NOW, chunk_size=10)
        assert sorted(SearchTermDay.objects.values_list("term", flat=True)) == ["kookboek"] * 5
        SearchTermDay.objects.all().delete()
        return len(queries)

    # 11 and 19 rare rows both take two chunks: the same number of queries
    assert run_with(11) == run_with(19)


def test_the_rule_is_on_the_retention_pages_with_what_is_past_it() -> None:
    # given a rare term of April, past its rule
    _count(dt.date(2026, 4, 3), "jan jansen kerkstraat 4", 1)
    officer = StaffFactory.create(profile__role=StaffRole.PRIVACY_OFFICER)
    with translation.override("nl"):
        label = str(RULES["rare_search_terms"].label)
        explanation = str(RULES["rare_search_terms"].explanation)

    desk_page = staff_login(Client(), officer).get(reverse("desk:retention")).content.decode()
    public_page = Client().get(reverse("portal:retention")).content.decode()

    # then the privacy officer sees the rule, its fixed period and the one row past it
    desk_row = desk_page.split('id="rule-rare_search_terms"')[1].split("</tr>")[0]
    assert label in desk_row and explanation in desk_row
    assert "35" in desk_row and "<td>1</td>" in desk_row
    # and anyone reads it on the public page "Bewaartermijnen"
    public_rule = public_page.split('id="rule-rare_search_terms"')[1].split("</dd>")[0]
    assert label in public_rule and explanation in public_rule and "35" in public_rule
