"""Reads for the staff statistics page: counts per month, never a member.

Every figure comes from what survives retention: the statistics columns of loans and reservations
(branch, member category, age band — not the member link, so a loan whose member was unlinked
still counts), loan events (``via``: the kiosk share), the counters of newsletter issues, the
contests' daily counts, and this part's own anonymous tables (search terms, page views with the
visitor's yes, the monthly member snapshot: ``kaft/outreach/models/statistics.py``).

A period is the last N whole calendar months, this month included, in the library's time zone.
The month of a row is found by comparing it with the month starts computed here (:func:`month_of`)
rather than a date function per row, as ``kaft/privacy/selectors/trends.py`` does for weeks. Each
reader is one query (two for loans and reservations), whatever the number of rows; months without
anything are filled in with zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy

from kaft.circulation.models import Hold, HoldStatus, Loan, LoanAction, LoanEvent
from kaft.outreach.models import (
    ContestDailyCount,
    EntryChannel,
    IssueStatus,
    MembersKind,
    MembersMonth,
    NewsletterIssue,
    PageViewDay,
    SearchTermDay,
)

PERIODS = (3, 6, 12, 24)  # the choice on the page, in months
DEFAULT_MONTHS = 12
TOP_TERMS = 25
KIOSK = "kiosk"


@dataclass(frozen=True)
class Period:
    months: list[dt.date]  # the first day of each month, oldest first

    @property
    def first(self) -> dt.date:
        return self.months[0]

    @property
    def end(self) -> dt.date:
        """The first day after the period (exclusive)."""
        return _next_month(self.months[-1])

    def zeros(self) -> list[int]:
        return [0] * len(self.months)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def period_of(months: int = DEFAULT_MONTHS, today: dt.date | None = None) -> Period:
    """The last ``months`` calendar months, this one included (an unknown length: the default)."""
    if months not in PERIODS:
        months = DEFAULT_MONTHS
    month = (today or timezone.localdate()).replace(day=1)
    starts = [month]
    for _n in range(months - 1):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        starts.append(month)
    return Period(list(reversed(starts)))


def _in_period(name: str, period: Period, *, dates: bool = False) -> Q:
    if dates:
        return Q(**{f"{name}__gte": period.first, f"{name}__lt": period.end})
    return Q(**{f"{name}__gte": _midnight(period.first), f"{name}__lt": _midnight(period.end)})


def month_of(name: str, period: Period, *, dates: bool = False) -> Case:
    """The index (0 = oldest) of the month a row's ``name`` falls in, for rows in the period.
    ``dates``: the field is a date, not a moment."""
    return Case(
        *(
            When(
                **{f"{name}__lt": _next_month(start) if dates else _midnight(_next_month(start))},
                then=n,
            )
            for n, start in enumerate(period.months)
        ),
        default=None,
        output_field=IntegerField(),
    )


def _category_label(name: str | None, name_en: str | None) -> str:
    if name is None:
        return ""
    english = (get_language() or "").startswith("en")
    return name_en if english and name_en else name


# --- Loans and returns ------------------------------------------------------------------------


@dataclass
class BranchMonths:
    branch: str
    checkouts: list[int]
    returns: list[int]

    @property
    def total_checkouts(self) -> int:
        return sum(self.checkouts)

    @property
    def total_returns(self) -> int:
        return sum(self.returns)


def loans_per_branch(period: Period) -> list[BranchMonths]:
    """Checkouts (at the lending branch) and returns (at the branch that took the copy back) per
    month and branch: two queries, from the loans' own columns, whoever borrowed."""
    found: dict[str, BranchMonths] = {}

    def row(name: str) -> BranchMonths:
        return found.setdefault(name, BranchMonths(name, period.zeros(), period.zeros()))

    out = (
        Loan.objects.filter(_in_period("checked_out_at", period))
        .annotate(month=month_of("checked_out_at", period))
        .values("branch__name", "month")
        .annotate(n=Count("pk"))
        .values_list("branch__name", "month", "n")
    )
    for name, month, n in out:
        row(name).checkouts[month] = n
    back = (
        Loan.objects.filter(_in_period("returned_at", period))
        .annotate(
            month=month_of("returned_at", period),
            at_branch=Coalesce(F("return_branch__name"), F("branch__name")),
        )
        .values("at_branch", "month")
        .annotate(n=Count("pk"))
        .values_list("at_branch", "month", "n")
    )
    for name, month, n in back:
        row(name).returns[month] = n
    return sorted(found.values(), key=lambda b: b.branch)


# --- Members ----------------------------------------------------------------------------------


@dataclass
class MembersRow:
    category: str
    age_band: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


def members_per_month(period: Period, kind: str) -> list[MembersRow]:
    """New (``kind="new"``) or active (who borrowed, ``"active"``) members per month, category
    and age band, from the monthly snapshot: one query."""
    rows = (
        MembersMonth.objects.filter(_in_period("month", period, dates=True), kind=kind)
        .annotate(m=month_of("month", period, dates=True))
        .values_list("category__name", "category__name_en", "age_band", "m", "count")
    )
    found: dict[tuple[str, str], MembersRow] = {}
    for name, name_en, band, month, count in rows:
        label = _category_label(name, name_en)
        row = found.setdefault((label, band), MembersRow(label, band, period.zeros()))
        row.counts[month] += count
    return sorted(found.values(), key=lambda r: (r.category, r.age_band))


def members_totals(rows: list[MembersRow], period: Period) -> list[int]:
    """The sum over categories and bands, per month."""
    return [sum(row.counts[n] for row in rows) for n in range(len(period.months))]


NEW = MembersKind.NEW
ACTIVE = MembersKind.ACTIVE


# --- Reservations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldMonth:
    month: dt.date
    placed: int
    picked_up: int


def holds_per_month(period: Period) -> list[HoldMonth]:
    """Reservations placed, and picked up, per month: two queries."""
    placed = dict(
        Hold.objects.filter(_in_period("placed_at", period))
        .annotate(m=month_of("placed_at", period))
        .values("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n")
    )
    picked = dict(
        Hold.objects.filter(_in_period("closed_at", period), status=HoldStatus.FULFILLED)
        .annotate(m=month_of("closed_at", period))
        .values("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n")
    )
    return [
        HoldMonth(start, placed.get(n, 0), picked.get(n, 0))
        for n, start in enumerate(period.months)
    ]


# --- Kiosk share ------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass(frozen=True)
class KioskMonth:
    month: dt.date
    checkouts: int
    kiosk_checkouts: int
    returns: int
    kiosk_returns: int

    @property
    def checkout_share(self) -> int:
        """Per cent of checkouts done at a kiosk, rounded."""
        return _percent(self.kiosk_checkouts, self.checkouts)

    @property
    def return_share(self) -> int:
        return _percent(self.kiosk_returns, self.returns)


def kiosk_share(period: Period) -> list[KioskMonth]:
    """Checkouts and returns per month, and how many of them at a self-service kiosk (the loan
    event's ``via``): one query."""
    rows = (
        LoanEvent.objects.filter(
            _in_period("at", period), action__in=(LoanAction.CHECKOUT, LoanAction.RETURN)
        )
        .annotate(m=month_of("at", period))
        .values("m", "action")
        .annotate(n=Count("pk"), kiosk=Count("pk", filter=Q(via=KIOSK)))
        .values_list("m", "action", "n", "kiosk")
    )
    found = {(month, action): (n, kiosk) for month, action, n, kiosk in rows}
    months = []
    for n, start in enumerate(period.months):
        out = found.get((n, LoanAction.CHECKOUT.value), (0, 0))
        back = found.get((n, LoanAction.RETURN.value), (0, 0))
        months.append(KioskMonth(start, out[0], out[1], back[0], back[1]))
    return months


# --- Search terms and page views --------------------------------------------------------------


@dataclass(frozen=True)
class TermCount:
    term: str
    count: int


def min_term_count() -> int:
    return max(1, int(getattr(settings, "KAFT_STATS_MIN_TERM_COUNT", 5)))


def top_search_terms(period: Period, *, limit: int = TOP_TERMS) -> list[TermCount]:
    """The most used search terms of the period, most first: only terms used at least
    ``KAFT_STATS_MIN_TERM_COUNT`` times in it (a rare term could point at a person). One query."""
    rows = (
        SearchTermDay.objects.filter(_in_period("day", period, dates=True))
        .values("term")
        .annotate(n=Sum("count"))
        .filter(n__gte=min_term_count())
        .order_by("-n", "term")
        .values_list("term", "n")[:limit]
    )
    return [TermCount(term, n) for term, n in rows]


# The page groups as the portal stores them (``kaft/portal/page_views.py``: Dutch keys, kept as
# they are in ``PageViewDay.group``) and as the statistics page names them.
PAGE_GROUP_LABELS: dict[str, Promise] = {
    "start": gettext_lazy("Home page"),
    "catalogus": gettext_lazy("Catalogue"),
    "titel": gettext_lazy("Title pages"),
    "mijn": gettext_lazy("MijnBibliotheek"),
    "nieuwsbrief": gettext_lazy("Newsletter"),
    "prijsvraag": gettext_lazy("Contests"),
    "overig": gettext_lazy("Other pages"),
}


def page_group_label(group: str) -> str:
    """The name of a page group in the current language (an unknown key as it is stored)."""
    label = PAGE_GROUP_LABELS.get(group)
    return str(label) if label is not None else group


@dataclass
class GroupMonths:
    group: str  # the stored key
    counts: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def label(self) -> str:
        return page_group_label(self.group)


def page_views(period: Period) -> list[GroupMonths]:
    """Page views (with the visitor's yes) per page group and month, most viewed first: one query."""
    rows = (
        PageViewDay.objects.filter(_in_period("day", period, dates=True))
        .annotate(m=month_of("day", period, dates=True))
        .values("group", "m")
        .annotate(n=Sum("count"))
        .values_list("group", "m", "n")
    )
    found: dict[str, GroupMonths] = {}
    for group, month, n in rows:
        found.setdefault(group, GroupMonths(group, period.zeros())).counts[month] = n
    return sorted(found.values(), key=lambda g: (-g.total, g.group))


# --- Newsletter and campaigns -----------------------------------------------------------------


@dataclass(frozen=True)
class IssueFigures:
    subject: str
    sent_at: dt.datetime
    sent: int
    bounced: int
    unsubscribed: int


def newsletter_figures(period: Period) -> list[IssueFigures]:
    """The issues sent in the period with their counters (kept as counts after the deliveries
    are gone), oldest first: one query."""
    rows = (
        NewsletterIssue.objects.filter(_in_period("sent_at", period), status=IssueStatus.SENT)
        .order_by("sent_at", "pk")
        .values_list("subject", "sent_at", "sent_count", "bounced_count", "unsubscribed_count")
    )
    return [
        IssueFigures(subject, sent_at, sent, bounced, unsubscribed)
        for subject, sent_at, sent, bounced, unsubscribed in rows
        if sent_at is not None  # always set when sent: the filter asked for it
    ]


@dataclass
class CampaignFigures:
    title: str
    public: int = 0
    portal: int = 0

    @property
    def total(self) -> int:
        return self.public + self.portal


def campaign_figures(period: Period) -> list[CampaignFigures]:
    """Contest entries received in the period per campaign and channel (the contests' anonymous
    daily counts), most first: one query."""
    rows = (
        ContestDailyCount.objects.filter(_in_period("day", period, dates=True))
        .values("campaign_id", "campaign__title", "channel")
        .annotate(n=Sum("count"))
        .values_list("campaign_id", "campaign__title", "channel", "n")
    )
    found: dict[int, CampaignFigures] = {}
    for campaign_id, title, channel, n in rows:
        figures = found.setdefault(campaign_id, CampaignFigures(title))
        if channel == EntryChannel.PORTAL:
            figures.portal += n
        else:
            figures.public += n
    return sorted(found.values(), key=lambda c: (-c.total, c.title))
