"""The lending screen in a real browser, at a desk screen (1280 px) and a phone (375 px): the
member panel shows the state after each scan, a copy on loan elsewhere is taken in and lent with
Alt+Enter, and a refused scan sounds unless the staff member switched the sound off."""

from __future__ import annotations

from typing import Any

import pytest

from kaft.catalog.models import Item
from kaft.circulation.models import Loan, LoanStatus
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from tests.browser.conftest import desk_log_in
from tests.factories import BranchFactory, MemberFactory, StaffFactory
from tests.factories_desk import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(375, id="375px")]
# Counts the sounds played: the page's own Audio().play(), wrapped before any script runs.
COUNT_SOUNDS = """
window.soundsPlayed = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.soundsPlayed.push(this.src);
  return play.call(this).catch(function () {});
};
"""


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
    reserved = make_item(centre, "30000000000011", "Het achterhuis")
    hold_place(record=reserved.record, member=member, pickup_branch=centre, staff=None)
    loan_checkin(item=reserved, branch=centre, staff=staff)  # on the holds shelf for Sanne
    elsewhere = make_item(centre, "30000000000012", "De avonden")
    loan_checkout(item=elsewhere, member=other, staff=staff, branch=centre)
    return {"centre": centre, "staff": staff, "member": member, "other": other}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_reservation_panel_shows_the_state_after_the_scan(
    page: Any, live_server: Any, library: dict[str, Any], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    desk_log_in(page, live_server.url)
    page.keyboard.type("21000000000042\n")
    holds = page.locator("#member-holds")
    holds.get_by_text("Op de afhaalplank").wait_for()

    page.keyboard.type("30000000000011\n")

    page.locator("#scan-log tr.lent").wait_for()
    holds.get_by_text("Geen reserveringen.").wait_for()
    assert "Op de afhaalplank" not in holds.inner_text()
    assert "Het achterhuis" in page.locator("#member-loans").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_alt_enter_takes_the_copy_in_and_lends_it(
    page: Any, live_server: Any, library: dict[str, Any], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    desk_log_in(page, live_server.url, language="en")
    page.keyboard.type("21000000000042\n")
    page.get_by_role("heading", name="Sanne Vries").wait_for()
    page.keyboard.type("30000000000012\n")
    offer = page.get_by_role("button", name="Return first, then lend")
    offer.wait_for()
    assert "still on loan to another member" in page.locator("#scan-log tr.refused").inner_text()
    assert "Daan" not in page.locator("#scan-log").inner_text()

    page.keyboard.press("Alt+Enter")

    page.locator("#scan-log tr.handed-over").wait_for()
    assert page.locator("form[data-hand-over]").count() == 0  # sent once
    assert "Returned by the previous borrower and lent" in page.locator("#scan-log").inner_text()
    assert "De avonden" in page.locator("#member-loans").inner_text()
    item = Item.objects.get(barcode="30000000000012")
    assert list(
        Loan.objects.filter(item=item).order_by("pk").values_list("member_id", "status")
    ) == [
        (library["other"].pk, LoanStatus.RETURNED),
        (library["member"].pk, LoanStatus.OPEN),
    ]
    assert page.evaluate("document.activeElement.id") == "scan-field"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_scan_sounds_until_the_switch_is_off_and_the_switch_is_remembered(
    page: Any, live_server: Any, library: dict[str, Any], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.add_init_script(COUNT_SOUNDS)
    desk_log_in(page, live_server.url)
    switch = page.get_by_label("Geluid bij een geweigerde scan")
    assert switch.is_checked()
    page.keyboard.type("21000000000042\n")
    page.get_by_role("heading", name="Sanne Vries").wait_for()

    # a lend that works is silent; a refused one sounds once
    page.keyboard.type("30000000000011\n")
    page.locator("#scan-log tr.lent").wait_for()
    assert page.evaluate("window.soundsPlayed.length") == 0
    page.keyboard.type("39999999999999\n")
    page.locator("#scan-log tr.refused").wait_for()
    page.wait_for_function("window.soundsPlayed.length === 1")
    assert page.evaluate("window.soundsPlayed[0]").endswith("/static/desk/refused.wav")

    # switched off, it stays off on the next page (and on the return screen), and is silent
    switch.uncheck()
    assert page.evaluate("document.activeElement.id") == "scan-field"
    page.goto(f"{live_server.url}/desk/checkin/")
    assert not page.get_by_label("Geluid bij een geweigerde scan").is_checked()
    page.get_by_label("Scan een exemplaar").fill("39999999999999")
    page.keyboard.press("Enter")
    page.locator("#scan-log tr.refused").wait_for()
    page.wait_for_timeout(200)
    assert page.evaluate("window.soundsPlayed.length") == 0
    key = f"kaft.desk.sound.{library['staff'].pk}"
    assert page.evaluate(f"window.localStorage.getItem('{key}')") == "off"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("language", "label", "status"),
    [
        ("nl", "Barcode, titel of auteur", "Uitgeleend"),
        ("en", "Barcode, title or author", "On loan"),
    ],
)
def test_the_item_screen_finds_by_title_and_fits_the_screen(
    page: Any,
    live_server: Any,
    library: dict[str, Any],
    width: int,
    language: str,
    label: str,
    status: str,
) -> None:
    from kaft.catalog.models import Record
    from kaft.catalog.search import search_index_records

    search_index_records(Record.objects.values_list("pk", flat=True))
    page.set_viewport_size({"width": width, "height": 800})
    desk_log_in(page, live_server.url, language=language)
    page.goto(f"{live_server.url}/desk/items/")

    page.get_by_label(label).fill("avonden")
    page.keyboard.press("Enter")

    row = page.locator("tr.copy")
    row.wait_for()
    assert row.count() == 1
    text = row.inner_text()
    assert "30000000000012" in text and status in text and "Centrale Bibliotheek" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
