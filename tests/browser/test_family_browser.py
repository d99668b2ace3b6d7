"""Family access in a real browser: A asks, B allows, A renews B's loan, B sees it and ends it.

The pages are used in English (the language switch's cookie), so the test reads the same before
and after the Dutch catalogue is updated.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings

from kaft.circulation.models import Loan
from kaft.members.models import FamilyAccess, FamilyAccessStatus, Member
from tests.factories import PASSWORD, BranchFactory, LoanRuleFactory, MemberFactory
from tests.factories_portal import LoanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def family() -> dict[str, Any]:
    LoanRuleFactory.create(loan_days=21, renewals_allowed=2)
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    asker = MemberFactory.create(
        card_number="21000000000011", first_name="Fenna", last_name="Bosch", home_branch=centre
    )
    owner = MemberFactory.create(
        card_number="21000000000022",
        first_name="Mees",
        name_prefix="van",
        last_name="Dijk",
        home_branch=centre,
    )
    loan = LoanFactory.create(member=owner, item__record__title="Het gouden ei", renewals=0)
    return {"asker": asker, "owner": owner, "loan": loan}


def _english(page: Any, base: str) -> None:
    host = urlparse(base).hostname
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"}]
    )


def _log_in(page: Any, base: str, member: Member) -> None:
    page.context.clear_cookies()
    _english(page, base)
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Card number or e-mail address").fill(member.card_number)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/mijn/")


def test_asking_allowing_renewing_and_ending_family_access(
    page: Any, live_server: Any, family: dict[str, Any]
) -> None:
    base = live_server.url
    asker, owner, loan = family["asker"], family["owner"], family["loan"]

    # A asks for access to B's account
    _log_in(page, base, asker)
    page.get_by_role("link", name="Family / Access").click()
    page.get_by_label("Card number of the other member").fill("21000000000022")
    page.get_by_label("Last name of the other member").fill("van Dijk")
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("Your request has been sent.").wait_for()
    access = FamilyAccess.objects.get()
    assert (access.owner_id, access.grantee_id, access.status) == (
        owner.pk,
        asker.pk,
        FamilyAccessStatus.REQUESTED,
    )

    # B logs in and allows it
    _log_in(page, base, owner)
    page.get_by_role("link", name="Family / Access").click()
    page.get_by_text("Fenna Bosch asks to see your loans and reservations.").wait_for()
    page.get_by_role("button", name="Allow").click()
    page.get_by_text("Fenna can now see your loans and reservations.").wait_for()
    access.refresh_from_db()
    assert access.status == FamilyAccessStatus.ACTIVE

    # A sees B's loans, labelled, and renews one
    _log_in(page, base, asker)
    page.get_by_role("heading", name="Loans of Mees").wait_for()
    row = page.locator(f"#loan-{loan.pk}")
    assert "Loan of Mees" in row.inner_text()
    row.get_by_role("button", name="Renew").click()
    page.locator(f"#loan-{loan.pk} .renew-result").wait_for()
    assert Loan.objects.get(pk=loan.pk).renewals == 1

    # B sees the renewal in the list of what others did, and ends the access
    _log_in(page, base, owner)
    page.get_by_role("link", name="Family / Access").click()
    log = page.locator("table.family-log")
    assert "Renewed a loan: Het gouden ei" in log.inner_text()
    assert "Fenna" in log.inner_text()
    page.locator(".family-given").get_by_role("button", name="End access").click()
    page.get_by_text("The access has ended.").wait_for()
    access.refresh_from_db()
    assert access.status == FamilyAccessStatus.ENDED

    # A no longer sees B's loans
    _log_in(page, base, asker)
    page.get_by_role("heading", name="Your loans").wait_for()
    assert page.get_by_text("Het gouden ei").count() == 0
    assert page.get_by_role("heading", name="Loans of Mees").count() == 0
