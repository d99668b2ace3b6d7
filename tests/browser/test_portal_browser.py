"""A member in a real browser: logs in, renews a loan, finds a title and reserves it; on a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import formats, translation

from kaft.catalog.models import Branch, ItemStatus, Record
from kaft.catalog.search import search_index_records
from kaft.circulation.models import Hold, HoldStatus, Loan
from kaft.members.models import Member
from tests.factories import PASSWORD, BranchFactory, ItemFactory, LoanRuleFactory, MemberFactory
from tests.factories_portal import LoanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _dutch_date(day: dt.date) -> str:
    with translation.override("nl"):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.fixture
def library() -> dict[str, Any]:
    LoanRuleFactory.create(loan_days=21, renewals_allowed=2)
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    west = BranchFactory.create(code="west", name="Vestiging West")
    member = MemberFactory.create(card_number="21000000000042", home_branch=centre)
    loan = LoanFactory.create(member=member, item__record__title="Het gouden ei")
    wanted = Record.objects.create(title="De ontdekking van de hemel", contributors="Mulisch")
    ItemFactory.create(record=wanted, home_branch=centre, status=ItemStatus.ON_LOAN)
    search_index_records([wanted.pk, loan.record_id])
    return {"member": member, "loan": loan, "wanted": wanted, "west": west}


def _log_in(page: Any, base: str, member: Member) -> None:
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/mijn/")


def test_member_logs_in_renews_a_loan_and_reserves_a_title(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    base = live_server.url
    member, loan = library["member"], library["loan"]
    wanted: Record = library["wanted"]
    west: Branch = library["west"]
    old_due = loan.due_date

    _log_in(page, base, member)
    due_on_screen = page.locator(f"#loan-{loan.pk} .due-date")
    assert due_on_screen.inner_text() == _dutch_date(old_due)

    page.locator(f"#loan-{loan.pk} button").click()
    page.locator(f"#loan-{loan.pk} .renew-result").wait_for()
    loan_now = Loan.objects.get(pk=loan.pk)
    assert loan_now.due_date > old_due
    assert loan_now.renewals == 1
    assert due_on_screen.inner_text() == _dutch_date(loan_now.due_date)

    page.get_by_role("link", name="Catalogus").click()
    page.get_by_label("Zoeken in de catalogus").fill("ontdekking hemel")
    page.get_by_label("Zoeken in de catalogus").press("Enter")
    page.get_by_role("link", name="De ontdekking van de hemel").click()
    page.get_by_label("Ophalen in").select_option(label="Vestiging West")
    page.get_by_role("button", name="Reserveren").click()
    page.wait_for_url(f"{base}/mijn/reserveringen/")

    hold = Hold.objects.get(member=member)
    assert (hold.record_id, hold.pickup_branch_id, hold.status) == (
        wanted.pk,
        west.pk,
        HoldStatus.WAITING,
    )
    card = page.locator(f"#hold-{hold.pk}")
    assert card.locator(".position").inner_text() == "1"
    assert "Vestiging West" in card.inner_text()


def test_loans_page_fits_a_phone_without_sideways_scrolling(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    LoanFactory.create(
        member=library["member"],
        item__record__title="Een heel erg lange titel zonder spaties"
        "Ditiseenheellangwoorddatnietvanzelfafbreekt",
    )
    page.set_viewport_size({"width": 375, "height": 740})

    _log_in(page, live_server.url, library["member"])

    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == 375
