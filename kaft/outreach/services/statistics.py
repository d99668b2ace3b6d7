"""Counting what nothing else keeps: searches in the public catalogue and page views of visitors
who said yes to usage statistics. Each count is one ``INSERT … ON CONFLICT DO UPDATE`` statement on a row per day and
key (SQLite 3.24+ and PostgreSQL), so two requests at once both count and a busy day stays one row.
And the nightly snapshot of new and active members per month (:func:`members_month_snapshot`),
whose sources do not survive retention (see ``kaft/outreach/models/statistics.py``).

Nothing here knows who searched or viewed: the callers pass a term or a page group, never a
member, session or address.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from kaft.circulation.models import AgeBand, Loan
from kaft.members.models import Member
from kaft.outreach.models import (
    TERM_MAX_LENGTH,
    MembersKind,
    MembersMonth,
    PageViewDay,
    SearchTermDay,
)

_SPACES = re.compile(r"\s+")
# Not counted, as it could be someone's data rather than a search for a book: an e-mail address,
# or a long number (a card, phone or account number) unless it has the shape of an ISBN.
_EMAIL = re.compile(r"\S+@\S+")
_LONG_NUMBER = re.compile(r"^\+?\d{7,}$")
_ISBN = re.compile(r"^(97[89])?\d{9}[\dx]$")


def search_term_normalise(term: str) -> str:
    """The term as counted: lower case, single spaces, at most ``TERM_MAX_LENGTH`` characters;
    "" for what is not counted (empty, an e-mail address, a long number that is no ISBN)."""
    text = _SPACES.sub(" ", term).strip().lower()[:TERM_MAX_LENGTH].strip()
    if not text or _EMAIL.search(text):
        return ""
    compact = text.replace("-", "").replace(" ", "")
    if _LONG_NUMBER.match(compact) and not _ISBN.match(compact):
        return ""
    return text


def _add_one(table: str, key: str, day: dt.date, value: str) -> None:
    quoted = connection.ops.quote_name(table)
    column = connection.ops.quote_name(key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quoted} (day, {column}, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (day, {column}) DO UPDATE SET count = {quoted}.count + 1",
            [day, value],
        )


def search_term_count(*, term: str, day: dt.date | None = None) -> None:
    """Add one search for ``term`` today (normalised; nothing when it is not counted)."""
    text = search_term_normalise(term)
    if text:
        _add_one(SearchTermDay._meta.db_table, "term", day or timezone.localdate(), text)


def page_view_count(*, group: str, day: dt.date | None = None) -> None:
    """Add one view of a page of ``group`` today. The caller checked the visitor's yes
    (``kaft/portal/page_views.py``)."""
    _add_one(PageViewDay._meta.db_table, "group", day or timezone.localdate(), group)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _band(born: dt.date | None, on: dt.date) -> str:
    if born is None:
        return ""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for top, band in ((12, AgeBand.UNDER_12), (18, AgeBand.TEEN), (30, AgeBand.YOUNG_ADULT)):
        if age < top:
            return str(band)
    return str(AgeBand.ADULT if age < 65 else AgeBand.SENIOR)


def _new_members(month: dt.date) -> Counter[tuple[int | None, str]]:
    """Members who joined in ``month`` per category and age band on the day they joined. The date
    of birth is read only to find the band, and nothing else of the member. A sign-up still
    waiting for its identity check does not count yet; an erased member no more (an earlier
    night counted them, and the highest count stays)."""
    rows = (
        Member.objects.filter(
            membership_start__gte=month,
            membership_start__lt=_next_month(month),
            erased_at__isnull=True,
        )
        .exclude(signed_up_online_at__isnull=False, identity_checked_at__isnull=True)
        .only("category_id", "date_of_birth", "membership_start")
    )
    return Counter(
        (m.category_id, _band(m.date_of_birth, m.membership_start))
        for m in rows
        if m.date_of_birth is not None
    )


def _active_members(month: dt.date) -> Counter[tuple[int | None, str]]:
    """Members who borrowed in ``month`` per category and age band (the loan's own statistics
    columns), told apart by the loans still linked to them."""
    rows = (
        Loan.objects.filter(
            checked_out_at__gte=_midnight(month),
            checked_out_at__lt=_midnight(_next_month(month)),
            member__isnull=False,
        )
        .values("member_category", "age_band")
        .annotate(n=Count("member", distinct=True))
        .values_list("member_category", "age_band", "n")
    )
    return Counter({(category, band): n for category, band, n in rows})


@transaction.atomic
def members_month_snapshot(*, today: dt.date | None = None, months: int = 2) -> int:
    """Count new and active members for the last ``months`` months (this one included) and keep,
    per month, kind, category and age band, the highest count seen: a count only ever drops
    because retention unlinked loans or erased a date of birth, never because fewer joined or
    borrowed. Idempotent; returns the number of rows written."""
    today = today or timezone.localdate()
    month = _month_start(today)
    written = 0
    for _n in range(months):
        for kind, counts in (
            (MembersKind.NEW, _new_members(month)),
            (MembersKind.ACTIVE, _active_members(month)),
        ):
            kept = {
                (row.category_id, row.age_band): row
                for row in MembersMonth.objects.select_for_update().filter(month=month, kind=kind)
            }
            for (category, band), count in counts.items():
                row = kept.get((category, band))
                if row is None:
                    MembersMonth.objects.create(
                        month=month, kind=kind, category_id=category, age_band=band, count=count
                    )
                    written += 1
                elif count > row.count:
                    row.count = count
                    row.save(update_fields=["count"])
                    written += 1
        month = _month_start(month - dt.timedelta(days=1))
    return written
