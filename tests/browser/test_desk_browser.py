"""A desk worker in a real browser: logs in, scans a card and two items as fast as a scanner."""

from __future__ import annotations

from typing import Any

import pytest

from kaft.catalog.models import Branch
from kaft.circulation.models import Loan
from kaft.members.models import Member
from tests.factories import PASSWORD, BranchFactory, MemberFactory, StaffFactory
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


def _log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/desk/login/")
    page.get_by_label("Gebruikersnaam").fill("balie1")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/desk/")


def test_scans_typed_in_quick_succession_are_all_lent_in_order(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    base = live_server.url
    member: Member = library["member"]
    centre: Branch = library["centre"]
    page.set_viewport_size({"width": 1280, "height": 800})
    _log_in(page, base)
    field = page.get_by_label("Scan een pas of exemplaar")
    assert page.evaluate("document.activeElement.id") == "scan-field"  # autofocus

    # A scanner: card, then two items, each with Enter, without waiting for any answer.
    page.keyboard.type("21000000000042\n")
    page.keyboard.type("30000000000011\n")
    page.keyboard.type("30000000000012\n")
    assert field.input_value() == ""

    rows = page.locator("#scan-log tr.lent")
    rows.nth(1).wait_for()
    assert rows.count() == 2
    assert "De avonden" in rows.nth(0).inner_text()
    assert "Max Havelaar" in rows.nth(1).inner_text()
    assert page.locator("#scan-log tr.pending").count() == 0
    assert "Sanne Vries" in page.locator("#member-panel").inner_text()
    loans = list(Loan.objects.order_by("pk").values_list("item__barcode", "member_id", "branch_id"))
    assert loans == [
        ("30000000000011", member.pk, centre.pk),
        ("30000000000012", member.pk, centre.pk),
    ]
    assert page.evaluate("document.activeElement.id") == "scan-field"

    # Escape: next member; the panel and the list are empty again, the focus stays.
    page.keyboard.press("Escape")
    page.get_by_text("Scan de pas van een lid om te beginnen.").wait_for()
    assert page.locator("#scan-log tr").count() == 0
    assert page.evaluate("document.activeElement.id") == "scan-field"
