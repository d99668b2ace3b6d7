"""The statistics page's figures: counts per month from what survives retention."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.circulation.models import Hold, Loan
from kaft.members.models import Member
from kaft.outreach.models import (
    Campaign,
    ContestDailyCount,
    IssueStatus,
    MembersMonth,
    NewsletterIssue,
)
from kaft.outreach.selectors import statistics as stats
from kaft.outreach.services.statistics import members_month_snapshot
from kaft.outreach.tests.statistics_support import TODAY, a_library, at, lend
from kaft.privacy.services.retention import retention_apply

pytestmark = pytest.mark.django_db


def _all_figures(period: stats.Period) -> dict[str, object]:
    return {
        "loans": [(b.branch, b.checkouts, b.returns) for b in stats.loans_per_branch(period)],
        "new": [(r.category, r.age_band, r.counts) for r in stats.members_per_month(period, "new")],
        "active": [
            (r.category, r.age_band, r.counts) for r in stats.members_per_month(period, "active")
        ],
        "holds": stats.holds_per_month(period),
        "kiosk": stats.kiosk_share(period),
    }


def test_loans_and_returns_per_branch_and_month() -> None:
    a_library()
    period = stats.period_of(3, today=TODAY)

    assert period.months == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    rows = {b.branch: (b.checkouts, b.returns) for b in stats.loans_per_branch(period)}
    # The first loan was lent at Centrum and returned at Noord.
    assert rows == {"Centrum": ([1, 2, 0], [0, 0, 0]), "Noord": ([0, 0, 1], [0, 1, 1])}


def test_reservations_and_kiosk_share_per_month() -> None:
    a_library()
    period = stats.period_of(3, today=TODAY)

    holds = stats.holds_per_month(period)
    assert [(h.placed, h.picked_up) for h in holds] == [(0, 0), (1, 0), (1, 1)]
    kiosk = stats.kiosk_share(period)
    assert [(k.checkouts, k.kiosk_checkouts) for k in kiosk] == [(1, 0), (2, 1), (1, 1)]
    assert [(k.returns, k.kiosk_returns) for k in kiosk] == [(0, 0), (1, 0), (1, 1)]
    assert [k.checkout_share for k in kiosk] == [0, 50, 100]


def test_new_and_active_members_per_category_and_age_band() -> None:
    a_library()
    members_month_snapshot(today=TODAY, months=3)
    period = stats.period_of(3, today=TODAY)

    new = {(r.category, r.age_band): r.counts for r in stats.members_per_month(period, "new")}
    assert new == {("Jeugd", "0-11"): [0, 0, 1], ("Volwassene", "30-64"): [0, 1, 0]}
    active = {(r.category, r.age_band): r.counts for r in stats.members_per_month(period, "active")}
    # Anna borrowed twice in February: one active member, not two.
    assert active == {("Jeugd", "0-11"): [0, 0, 1], ("Volwassene", "30-64"): [1, 1, 0]}


def test_the_figures_survive_retention_unlinking_loans_and_erasing_members() -> None:
    a_library()
    members_month_snapshot(today=TODAY, months=3)
    period = stats.period_of(3, today=TODAY)
    before = _all_figures(period)

    # What the retention job and an erasure do: loans and holds lose their member, the member
    # their date of birth. The nightly snapshot runs again afterwards.
    Loan.objects.update(member=None)
    Hold.objects.update(member=None)
    Member.objects.update(date_of_birth=None, first_name="", last_name="", erased_at=at(3, 10))
    members_month_snapshot(today=TODAY, months=3)

    assert _all_figures(period) == before
    assert Loan.objects.filter(member__isnull=True).count() == 4


def test_the_snapshot_is_idempotent() -> None:
    a_library()
    members_month_snapshot(today=TODAY, months=3)
    rows = sorted(MembersMonth.objects.values_list("month", "kind", "age_band", "count"))

    assert members_month_snapshot(today=TODAY, months=3) == 0
    assert sorted(MembersMonth.objects.values_list("month", "kind", "age_band", "count")) == rows


def test_newsletter_and_campaign_figures_are_read_from_their_counters() -> None:
    NewsletterIssue.objects.create(
        subject="Lentenummer",
        status=IssueStatus.SENT,
        created_at=at(2, 1),
        sent_at=at(2, 3),
        sent_count=120,
        bounced_count=3,
        unsubscribed_count=2,
    )
    NewsletterIssue.objects.create(subject="Concept", created_at=at(2, 1))  # a draft: not shown
    campaign = Campaign.objects.create(
        title="Voorleeswedstrijd",
        question="?",
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 2, 28),
        prize="Boekenbon",
        keep_days=30,
        entries_kept_until=dt.date(2026, 3, 30),
        created_at=at(1, 20),
    )
    ContestDailyCount.objects.create(
        campaign=campaign, day=dt.date(2026, 2, 4), channel="public", count=7
    )
    ContestDailyCount.objects.create(
        campaign=campaign, day=dt.date(2026, 2, 5), channel="portal", count=4
    )
    period = stats.period_of(3, today=TODAY)

    issues = stats.newsletter_figures(period)
    assert [(i.subject, i.sent, i.bounced, i.unsubscribed) for i in issues] == [
        ("Lentenummer", 120, 3, 2)
    ]
    campaigns = stats.campaign_figures(period)
    assert [(c.title, c.public, c.portal, c.total) for c in campaigns] == [
        ("Voorleeswedstrijd", 7, 4, 11)
    ]


def test_a_period_outside_the_rows_counts_nothing() -> None:
    a_library()
    period = stats.period_of(3, today=dt.date(2025, 6, 1))

    assert stats.loans_per_branch(period) == []
    assert sum(h.placed for h in stats.holds_per_month(period)) == 0


def test_an_unknown_period_length_falls_back_to_twelve_months() -> None:
    assert len(stats.period_of(7, today=TODAY).months) == 12
    assert len(stats.period_of(24, today=TODAY).months) == 24


def test_each_reader_is_one_or_two_queries_whatever_the_number_of_rows() -> None:
    library = a_library()
    members_month_snapshot(today=TODAY, months=3)
    period = stats.period_of(3, today=TODAY)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _all_figures(period)
            stats.top_search_terms(period)
            stats.page_views(period)
            stats.newsletter_figures(period)
            stats.campaign_figures(period)
        return len(captured)

    few = queries()
    for day in range(1, 10):
        lend(library["anna"], library["noord"], at(2, 10 + day))  # type: ignore[arg-type]
    members_month_snapshot(today=TODAY, months=3)

    assert queries() == few <= 11


def test_the_real_retention_job_leaves_the_figures_as_they_were() -> None:
    a_library()
    members_month_snapshot(today=TODAY, months=3)
    period = stats.period_of(3, today=TODAY)
    before = _all_figures(period)
    linked = Loan.objects.filter(member__isnull=False, status="returned").count()

    retention_apply(now=at(6, 1))  # months later: the returned loans are past their period
    members_month_snapshot(today=TODAY, months=3)

    assert linked == 2
    assert Loan.objects.filter(member__isnull=False, status="returned").count() == 0
    assert _all_figures(period) == before
