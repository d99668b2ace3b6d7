"""Dates the European way in both languages: "17 December 2026" and 17-12-2026 in English as in
Dutch, never 12/17/2026 (``kaft/formats/``), and no template writes a date the American way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import formats, translation

DAY = dt.date(2026, 5, 7)
MOMENT = dt.datetime(2026, 5, 7, 9, 5)
KAFT = Path(__file__).resolve().parent.parent / "kaft"


@pytest.mark.parametrize(
    ("language", "long", "short", "moment"),
    [
        ("en", "7 May 2026", "07-05-2026", "7 May 2026 09:05"),
        ("nl", "7 mei 2026", "07-05-2026", "7 mei 2026 09:05"),
    ],
)
def test_dates_are_written_the_european_way(
    language: str, long: str, short: str, moment: str
) -> None:
    with translation.override(language):
        written = (
            formats.date_format(DAY, "DATE_FORMAT"),
            formats.date_format(DAY, "SHORT_DATE_FORMAT"),
            formats.date_format(MOMENT, "DATETIME_FORMAT"),
            Template("{{ d|date }}|{{ d|date:'SHORT_DATE_FORMAT' }}").render(Context({"d": DAY})),
        )

    assert written == (long, short, moment, f"{long}|{short}")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_typed_european_date_is_read_as_day_month_year(language: str) -> None:
    from kaft.core import params

    with translation.override(language):
        read = params.DateField().clean("06-12-2026"), params.DateField().clean("2026-12-06")

    assert read == (dt.date(2026, 12, 6), dt.date(2026, 12, 6))


def test_no_template_writes_a_date_month_first() -> None:
    american = re.compile(r"""date:\s*["'][^"']*\b[mnFNMb][/\s.-]+[dj]\b""")
    found = [
        str(path.relative_to(KAFT))
        for path in KAFT.rglob("*.html")
        if american.search(path.read_text(encoding="utf-8"))
    ]

    assert found == []
