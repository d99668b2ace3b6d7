"""A member in a real browser withdraws a consent in "Mijn toestemmingen", sees it withdrawn,
and gives it again with the same one click. (The newsletter is the one purpose whose yes takes a
link in an e-mail first: tests/browser/test_newsletter_browser.py and the outreach tests.)"""

from __future__ import annotations

from typing import Any

import pytest

from kaft.privacy.models import ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_given, consent_set
from tests.factories import PASSWORD, BranchFactory, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_withdraws_and_gives_again_a_consent(page: Any, live_server: Any) -> None:
    base = live_server.url
    member = MemberFactory.create(
        card_number="21000000000042", home_branch=BranchFactory.create(code="centrum")
    )
    consent_set(member=member, purpose=ConsentPurpose.CONTESTS, given=True, via=ConsentVia.PORTAL)

    page.goto(f"{base}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/mijn/")
    page.locator("nav.mijn-nav a[href='/mijn/toestemmingen/']").click()
    page.wait_for_url(f"{base}/mijn/toestemmingen/")

    contests = page.locator("#consent-contests")
    assert contests.locator(".consent-state .badge.good").count() == 1
    contests.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/mijn/toestemmingen/")

    contests = page.locator("#consent-contests")
    assert contests.locator(".consent-state .badge.bad").count() == 1
    assert page.locator(".messages li.success").count() == 1
    assert consent_given(member=member, purpose=ConsentPurpose.CONTESTS) is False

    contests.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/mijn/toestemmingen/")
    assert page.locator("#consent-contests .consent-state .badge.good").count() == 1
    assert consent_given(member=member, purpose=ConsentPurpose.CONTESTS) is True
    assert list(
        ConsentEvent.objects.filter(member=member).order_by("pk").values_list("given", flat=True)
    ) == [True, False, True]


def test_the_consents_page_fits_a_phone(page: Any, live_server: Any, settings: Any) -> None:
    settings.KAFT_USAGE_STATISTICS = True  # every purpose asked, the statistics one too
    base = live_server.url
    member = MemberFactory.create(card_number="21000000000043")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/mijn/")
    page.goto(f"{base}/mijn/toestemmingen/")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert page.locator("li.consent button[type=submit]").count() == len(ConsentPurpose.values)
