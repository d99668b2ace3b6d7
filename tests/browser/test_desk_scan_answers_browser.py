"""What the lending screen shows after a scan, in a real browser: a plain lend adds the loan to
the member panel's table in due-date order; a lend done whose answer the server could not draw
says it was processed (never "not processed"), and the scans after it go on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kaft.circulation.models import Loan, LoanStatus
from kaft.circulation.services import loan_checkout
from tests.browser.conftest import desk_log_in
from tests.factories import BranchFactory, MemberFactory, StaffFactory
from tests.factories_desk import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library() -> dict[str, Any]:
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    staff = StaffFactory.create(username="balie1", profile__branch=centre)
    member = MemberFactory.create(
        card_number="21000000000042", first_name="Sanne", last_name="Vries", home_branch=centre
    )
    make_item(centre, "30000000000011", "De avonden")
    make_item(centre, "30000000000012", "Max Havelaar")
    return {"centre": centre, "staff": staff, "member": member}


def test_a_plain_lend_adds_the_loan_to_the_panel_in_due_date_order(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    # Given Sanne with a loan due long ago and one due in two months
    centre, staff, member = library["centre"], library["staff"], library["member"]
    today = timezone.localdate()
    early = loan_checkout(
        item=make_item(centre, "30000000000021", "Vroeg"), member=member, staff=staff, branch=centre
    )
    late = loan_checkout(
        item=make_item(centre, "30000000000022", "Laat"), member=member, staff=staff, branch=centre
    )
    Loan.objects.filter(pk=early.pk).update(due_date=today - dt.timedelta(days=5))
    Loan.objects.filter(pk=late.pk).update(due_date=today + dt.timedelta(days=60))
    desk_log_in(page, live_server.url)
    page.keyboard.type("21000000000042\n")
    loans = page.locator("#member-loans")
    loans.get_by_text("2 uitleningen").wait_for()

    # When a copy is lent (due in three weeks)
    page.keyboard.type("30000000000011\n")

    # Then the panel counts three loans and lists the new one between the two
    loans.get_by_text("3 uitleningen").wait_for()
    new = Loan.objects.get(item__barcode="30000000000011")
    ids = loans.locator("table.loans tbody tr").evaluate_all("rows => rows.map(r => r.id)")
    assert ids == [f"loan-{early.pk}", f"loan-{new.pk}", f"loan-{late.pk}"]
    assert "De avonden" in loans.locator(f"#loan-{new.pk}").inner_text()
    assert loans.locator(f"#loan-{new.pk} button").inner_text() == "Verlengen"


def test_a_lend_done_but_not_drawn_says_it_was_processed_and_the_queue_goes_on(
    page: Any, live_server: Any, library: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given Sanne being served, and from now on the server fails to draw any answer
    desk_log_in(page, live_server.url)
    page.keyboard.type("21000000000042\n")
    page.get_by_role("heading", name="Sanne Vries").wait_for()

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("template broke")

    monkeypatch.setattr("kaft.desk.views.checkout.fragment", broken)

    # When two copies are scanned as fast as a scanner does
    page.keyboard.type("30000000000011\n")
    page.keyboard.type("30000000000012\n")

    # Then both rows say they were processed, nothing says "not processed", both are lent
    done = page.locator("#scan-log tr.processed")
    done.nth(1).wait_for()
    assert "30000000000011 is verwerkt" in done.nth(0).inner_text()
    assert "30000000000012 is verwerkt" in done.nth(1).inner_text()
    assert "niet verwerkt" not in page.locator("#scan-log").inner_text().lower()
    assert page.locator("#scan-log tr.pending").count() == 0
    lent = Loan.objects.filter(member=library["member"], status=LoanStatus.OPEN)
    assert sorted(lent.values_list("item__barcode", flat=True)) == [
        "30000000000011",
        "30000000000012",
    ]
