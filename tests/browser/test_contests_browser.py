"""A contest in a real browser: the desk makes and opens it, someone enters on the public page
without logging in (only the fields asked, agreeing to be shown), the desk closes it and draws,
the winner gets the mail on a real SMTP server, and the public page shows only first name and
initial."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from kaft.outreach.models import Campaign, CampaignStatus, Draw, Entry
from tests.browser.conftest import desk_log_in
from tests.factories import BranchFactory, StaffFactory
from tests.smtp import smtp_server

__all__ = ["smtp_server"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library() -> Any:
    cache.clear()
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    StaffFactory.create(username="balie1", profile__branch=centre)
    return centre


def test_a_contest_from_making_to_its_winner(
    page: Any, live_server: Any, smtp_server: Any, library: Any
) -> None:
    base = live_server.url
    today = timezone.localdate()

    # The desk makes a contest asking name and e-mail address, winners shown by first name
    desk_log_in(page, base)
    page.goto(f"{base}/desk/contests/")
    page.locator("#contest-new").click()
    page.locator("#id_title").fill("Boekenweekquiz")
    page.locator("#id_question").fill("Wie schreef Het diner?")
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_ends_on").fill((today + dt.timedelta(days=7)).isoformat())
    page.locator("#id_prize").fill("Een boekenbon")
    page.locator("input[name=winners_shown][value=first_name_initial]").check()
    page.locator("form.contest-form button[type=submit]").click()
    page.locator("#contest-status").wait_for()
    campaign = Campaign.objects.get()
    assert (campaign.status, campaign.fields) == (CampaignStatus.DRAFT, ["name", "email"])
    page.locator("form:has(input[name=action][value=open]) button").click()
    page.locator("form:has(input[name=action][value=close])").wait_for()

    # Someone enters on the public page, not logged in: only the fields asked are there
    visitor = page.context.browser.new_page()
    visitor.goto(f"{base}/prijsvraag/{campaign.pk}/")
    assert visitor.locator("#id_card_number").count() == 0
    visitor.locator("#id_first_name").fill("Noor")
    visitor.locator("#id_last_name").fill("Dijk")
    visitor.locator("#id_email").fill("noor@example.org")
    visitor.locator("#id_name_shown").check()
    visitor.locator("#contest-entry button[type=submit]").click()
    visitor.wait_for_url(f"{base}/prijsvraag/{campaign.pk}/")
    assert list(Entry.objects.values_list("first_name", "email", "name_shown")) == [
        ("Noor", "noor@example.org", True)
    ]

    # The desk sees the count, closes and draws once
    page.reload()
    assert "<td>1</td><td>0</td><td>1</td>" in page.content()
    page.locator("form:has(input[name=action][value=close]) button").click()
    page.locator("#contest-draw").click()
    page.locator("#contest-draw-question").wait_for()
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/desk/contests/{campaign.pk}/winners/")
    assert "noor@example.org" in page.content()
    assert Draw.objects.get().entries_count == 1

    # The winner is told by e-mail
    mails = smtp_server.wait_for(1)
    assert [m.rcpt_tos for m in mails] == [["noor@example.org"]]
    assert "Boekenweekquiz" in mails[0].subject

    # The public page shows the winner by first name and initial only
    visitor.goto(f"{base}/prijsvraag/{campaign.pk}/")
    winners = visitor.locator("#contest-winners").inner_text()
    assert "Noor D." in winners and "Dijk" not in winners
    visitor.close()
