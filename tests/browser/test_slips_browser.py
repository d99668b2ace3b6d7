"""In a real browser: the receipt prints 80 mm wide with nothing of the desk around it, and the
registration form warns about a likely duplicate on a phone-sized and a desk-sized screen, in
Dutch and in English."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kaft.members.models import Member
from tests.browser.conftest import desk_log_in
from tests.factories import (
    BranchFactory,
    MemberCategoryFactory,
    MemberFactory,
    StaffFactory,
)
from tests.factories_desk import make_item
from tests.pdftext import pdf_page_sizes_mm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MM = 96 / 25.4  # CSS pixels per millimetre


@pytest.fixture
def library() -> dict[str, Any]:
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    staff = StaffFactory.create(username="balie1", profile__branch=centre)
    category = MemberCategoryFactory.create(code="adult", name="Volwassene")
    member = MemberFactory.create(
        card_number="21000000000042",
        first_name="Noor",
        name_prefix="van",
        last_name="Dijk",
        date_of_birth=dt.date(1990, 5, 1),
        home_branch=centre,
        category=category,
    )
    make_item(centre, "30000000000011", "De avonden")
    make_item(centre, "30000000000012", "Max Havelaar")
    return {"centre": centre, "staff": staff, "member": member, "category": category}


def test_the_receipt_prints_80_mm_wide_without_the_desk_around_it(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 800})
    desk_log_in(page, base)
    page.keyboard.type("21000000000042\n")
    page.keyboard.type("30000000000011\n")
    page.keyboard.type("30000000000012\n")
    page.locator("#scan-log tr.lent").nth(1).wait_for()

    page.get_by_role("link", name="Bon afdrukken").click()
    page.wait_for_url(f"{base}/desk/receipt/")
    page.emulate_media(media="print")

    slip = page.locator("article.slip")
    box = slip.bounding_box()
    assert box is not None
    assert round(box["width"] / MM) == 72  # the printable width of an 80 mm roll
    assert box["x"] + box["width"] <= 80 * MM
    for hidden in ("header.top", "nav.desk-nav", ".slip-actions"):
        assert not page.locator(hidden).is_visible(), hidden
    text = slip.inner_text()
    assert "De avonden" in text and "Max Havelaar" in text and "Pas …0042" in text
    assert "Noor" not in text and "Dijk" not in text

    # Printed with the page size the stylesheet asks for: one page, 80 mm wide (Chromium rounds
    # the page to whole points: 227 pt is 80.1 mm).
    pdf = page.pdf(prefer_css_page_size=True)
    [(width, _height)] = pdf_page_sizes_mm(pdf)
    assert width == pytest.approx(80, abs=0.2)


def _register_noor_again(page: Any, base: str, library: dict[str, Any]) -> None:
    page.goto(f"{base}/desk/members/new/")
    page.fill("#id_first_name", "Noor")
    page.fill("#id_name_prefix", "van")
    page.fill("#id_last_name", "Dijk")
    page.fill("#id_date_of_birth", "1990-05-01")
    page.select_option("#id_category", str(library["category"].pk))
    page.fill("#id_email", "noor.nieuw@example.org")
    page.fill("#id_street", "Lange Nieuwstraat")
    page.fill("#id_house_number", "12")
    page.fill("#id_postcode", "3512 PM")
    page.fill("#id_city", "Utrecht")
    page.fill("#id_password", "een lange zin als wachtwoord")
    page.locator("#registration-form button[type=submit]").last.click()


WORDS = {
    "nl": ("Deze persoon is misschien al lid", "Noor van Dijk openen", "toch registreren"),
    "en": ("This person may be a member already", "Open Noor van Dijk", "register anyway"),
}


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_duplicate_warning_fits_the_screen_and_lets_staff_go_on_deliberately(
    page: Any, live_server: Any, library: dict[str, Any], width: int, language: str
) -> None:
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 800})
    desk_log_in(page, base)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    title, open_link, anyway = WORDS[language]

    _register_noor_again(page, base, library)

    warning = page.get_by_role("alert").filter(has_text=title)
    warning.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('duplicate-warning')")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = warning.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    link = page.get_by_role("link", name=open_link)
    assert link.get_attribute("href") == f"/desk/members/{library['member'].pk}/"
    assert "21000000000042" in warning.inner_text()
    assert page.input_value("#id_password") == "een lange zin als wachtwoord"
    assert Member.objects.count() == 1

    page.get_by_label(anyway).check()
    page.locator("#registration-form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/desk/members/*/")
    assert Member.objects.filter(last_name="Dijk").count() == 2
