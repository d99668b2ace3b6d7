"""A desk worker in a real browser: logs in, scans a card and two items as fast as a scanner;
a failed request stops the queue, and a second tab cannot make items go to the wrong member."""

from __future__ import annotations

from typing import Any

import pytest

from kaft.catalog.models import Branch
from kaft.circulation.models import Loan
from kaft.members.models import Member
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
    other = MemberFactory.create(
        card_number="21000000000099", first_name="Daan", last_name="Bakker", home_branch=centre
    )
    make_item(centre, "30000000000011", "De avonden")
    make_item(centre, "30000000000012", "Max Havelaar")
    return {"centre": centre, "staff": staff, "member": member, "other": other}


def test_scans_typed_in_quick_succession_are_all_lent_in_order(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    base = live_server.url
    member: Member = library["member"]
    centre: Branch = library["centre"]
    page.set_viewport_size({"width": 1280, "height": 800})
    desk_log_in(page, base)
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


FAILED_NL = "Niet verwerkt: controleer de verbinding (of log opnieuw in) en scan nog een keer."
SKIPPED_NL = "Niet verwerkt omdat een eerdere scan mislukte: scan nog een keer."
UNSURE_NL = (
    "Misschien verwerkt: het antwoord kwam niet door. Kijk bij de uitleningen van het lid "
    "voordat u dit opnieuw scant."
)


def test_a_failed_card_scan_stops_the_queue_and_nothing_goes_to_the_member_before(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    # Given Sanne is being served
    base = live_server.url
    other: Member = library["other"]
    desk_log_in(page, base)
    page.keyboard.type("21000000000042\n")
    page.get_by_role("heading", name="Sanne Vries").wait_for()

    # When Daan's card is scanned but that request fails (held, then answered 500), while two
    # items are scanned right after it
    held: list[Any] = []
    sent: list[str] = []

    def hold_first(route: Any) -> None:
        sent.append(route.request.post_data or "")
        if not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/desk/scan/", hold_first)
    page.keyboard.type("21000000000099\n")
    page.keyboard.type("30000000000011\n")
    page.keyboard.type("30000000000012\n")
    page.locator("#scan-log tr.pending").nth(2).wait_for()
    assert len(held) == 1
    held[0].fulfill(status=500, content_type="text/html", body="<h1>Server Error</h1>")

    # Then the card scan says it may have been done (a server error can come after the work),
    # both items say they were not processed, nothing was sent after the failure and nothing
    # was lent; the screen still shows Sanne
    refused = page.locator("#scan-log tr.refused")
    refused.nth(2).wait_for()
    assert [refused.nth(n).inner_text().split("\t")[-1].strip() for n in range(3)] == [
        UNSURE_NL,
        SKIPPED_NL,
        SKIPPED_NL,
    ]
    assert page.locator("#scan-log tr.unsure").count() == 1
    assert page.locator("#scan-log tr.not-processed").count() == 2
    assert len(sent) == 1 and "21000000000099" in sent[0]
    assert page.locator("#scan-log tr.pending").count() == 0
    assert Loan.objects.count() == 0
    assert "Sanne Vries" in page.locator("#member-panel").inner_text()

    # and staff can scan again: the card, then an item, lent to Daan
    page.unroute("**/desk/scan/")
    page.keyboard.type("21000000000099\n")
    page.keyboard.type("30000000000011\n")
    page.locator("#scan-log tr.lent").first.wait_for()
    assert list(Loan.objects.values_list("item__barcode", "member_id")) == [
        ("30000000000011", other.pk)
    ]
    assert "Daan Bakker" in page.locator("#member-panel").inner_text()


def test_a_second_tab_serving_another_member_cannot_redirect_the_first_tabs_scans(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    # Given tab 1 serves Sanne, and then tab 2 (same login) serves Daan
    base = live_server.url
    desk_log_in(page, base)
    page.keyboard.type("21000000000042\n")
    page.get_by_role("heading", name="Sanne Vries").wait_for()
    second = page.context.new_page()
    second.goto(f"{base}/desk/")
    second.get_by_label("Scan een pas of exemplaar").fill("21000000000099")
    second.keyboard.press("Enter")
    second.get_by_role("heading", name="Daan Bakker").wait_for()

    # When tab 1, still showing Sanne, scans an item
    page.bring_to_front()
    page.get_by_label("Scan een pas of exemplaar").fill("30000000000011")
    page.keyboard.press("Enter")

    # Then it is refused with the reason, and lent to nobody
    refused = page.locator("#scan-log tr.not-processed")
    refused.wait_for()
    assert "Scan de pas van het lid opnieuw." in refused.inner_text()
    assert Loan.objects.count() == 0
