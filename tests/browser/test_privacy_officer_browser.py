"""The privacy officer's desk in a browser: the dashboard with its charts fits a phone (375 px)
and a desk screen (1280 px), in Dutch and in English; the retention job runs from its button."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.members.models import User
from kaft.privacy.models import AccessLogEntry, DataPart, Disclosure, RetentionRun
from tests.factories import BranchFactory, MemberFactory
from tests.factories_desk import staff_login
from tests.factories_transparency import officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as_officer(page: Any, base: str, language: str) -> User:
    """Log a privacy officer in (second factor passed) and give the browser that session."""
    branch = cast(Branch, BranchFactory.create(code="centrum", name="Centrale Bibliotheek"))
    fg = officer(branch, username="fg1", name="Fatima")
    client = staff_login(Client(), fg)
    host = urlparse(base).hostname
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"},
        ]
    )
    member = MemberFactory.create(home_branch=branch)
    AccessLogEntry.objects.create(member=member, part=DataPart.LOANS, at=timezone.now())
    AccessLogEntry.objects.create(
        member=member, part=DataPart.LOANS, at=timezone.now() - dt.timedelta(days=400)
    )
    Disclosure.objects.create(
        member=member,
        recipient="Online Bibliotheek",
        purpose="e-boeken",
        legal_basis="consent",
        at=timezone.now(),
    )
    return fg


@pytest.mark.parametrize(
    ("language", "title"),
    [("nl", "Inzage in gegevens van leden per week"), ("en", "Looks at members' data per week")],
)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_dashboard_and_its_charts_fit_the_screen(
    page: Any, live_server: Any, language: str, title: str, width: int
) -> None:
    base = live_server.url
    _as_officer(page, base, language)
    page.set_viewport_size({"width": width, "height": 800})

    page.goto(f"{base}/desk/privacy/")

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    charts = page.locator("svg.chart")
    assert charts.count() == 3
    for n in range(3):
        box = charts.nth(n).bounding_box()
        assert box is not None and 0 < box["width"] <= width
    assert page.locator("#figure-looks figcaption").inner_text() == title
    # the numbers behind a chart open as a table
    page.locator("#figure-looks summary").click()
    assert page.locator("#figure-looks table tbody tr").count() == 26


def test_the_retention_button_runs_the_job_and_shows_the_result(
    page: Any, live_server: Any
) -> None:
    base = live_server.url
    _as_officer(page, base, "nl")
    page.goto(f"{base}/desk/privacy/retention/")
    assert (
        "Op dit moment is 1 rij over de termijn." in page.locator(".retention-overdue").inner_text()
    )

    page.get_by_role("button", name="Bewaartaak nu uitvoeren").click()

    page.wait_for_url(f"{base}/desk/privacy/retention/")
    assert "De bewaartaak is gestart." in page.locator(".messages").inner_text()
    assert (
        "Op dit moment zijn 0 rijen over de termijn."
        in page.locator(".retention-overdue").inner_text()
    )
    first_run = page.locator("table.retention-runs tbody tr").first
    assert "Fatima" in first_run.inner_text()
    assert "Inzagelog 1" in first_run.inner_text()
    run = RetentionRun.objects.get()
    assert run.requested_by is not None and run.requested_by.username == "fg1"
