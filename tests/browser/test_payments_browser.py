"""In a real browser: the desk takes a payment (the member served at the lending screen is
blocked by what they owe; after paying part of it the receipt prints 80 mm wide and the block
is gone), and the member reads it back in MijnBibliotheek "Betalingen"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kaft.billing.models import ChargeKind, Payment
from kaft.billing.selectors.charges import member_money_block, member_owed
from kaft.billing.services.charges import charge_create
from tests.browser.conftest import desk_log_in
from tests.factories import (
    PASSWORD,
    BranchFactory,
    MemberCategoryFactory,
    MemberFactory,
    StaffFactory,
)
from tests.factories_desk import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MM = 96 / 25.4  # CSS pixels per millimetre


@pytest.fixture
def library() -> dict[str, Any]:
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    StaffFactory.create(username="balie1", profile__branch=centre)
    member = MemberFactory.create(
        card_number="21000000000042",
        first_name="Noor",
        name_prefix="van",
        last_name="Dijk",
        home_branch=centre,
        category=MemberCategoryFactory.create(code="adult", name="Volwassene"),
    )
    item = make_item(centre, "30000000000011", "De avonden")
    charge_create(
        member=member,
        kind=ChargeKind.LOST,
        amount=Decimal("14.95"),
        item=item,
        note="Niet teruggebracht",
        now=timezone.now() - dt.timedelta(days=5),
    )
    charge_create(member=member, kind=ChargeKind.ADMINISTRATION, amount=Decimal("2.50"))
    return {"centre": centre, "member": member}


def test_the_desk_takes_a_payment_prints_the_receipt_and_the_block_is_gone(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    base, member = live_server.url, library["member"]
    assert member_money_block(member) is not None  # € 17.45 owed, more than € 10.00
    page.set_viewport_size({"width": 1280, "height": 800})
    desk_log_in(page, base)
    page.keyboard.type("21000000000042\n")
    page.locator("#member-panel").get_by_role("link", name="Betalen").click()
    page.wait_for_url(f"{base}/desk/members/{member.pk}/payments/")
    assert page.locator("#owed-total").inner_text() == "€ 17,45"
    assert "Geblokkeerd voor lenen" in page.locator(".money-block").inner_text()
    assert (
        "Vervanging van een verloren exemplaar: De avonden"
        in page.locator("table.charges").inner_text()
    )

    # Noor pays the replacement of the lost book by pin
    page.get_by_label("Vervanging van een verloren exemplaar: De avonden").check()
    page.get_by_label("Pin", exact=True).check()
    page.locator("#pay-button").click()
    payment = Payment.objects.get()
    page.wait_for_url(f"{base}/desk/payments/{payment.pk}/receipt/")
    assert "€ 14,95 ontvangen (Pinpas)" in page.locator(".messages").inner_text()
    assert page.locator(".owed-after").inner_text() == "Nu nog openstaand: € 2,50"

    page.emulate_media(media="print")
    slip = page.locator("article.slip")
    box = slip.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 80 * MM
    text = slip.inner_text()
    assert payment.receipt_number in text and "€ 14,95" in text and "Pinpas" in text
    assert timezone.localdate().strftime("%d-%m-%Y") in text
    assert "Noor" not in text and "Dijk" not in text
    page.emulate_media(media="screen")

    # back at the payment screen: € 2.50 left, under the threshold, so no longer blocked
    page.get_by_role("link", name="Terug naar de betalingen").click()
    page.wait_for_url(f"{base}/desk/members/{member.pk}/payments/")
    assert page.locator("#owed-total").inner_text() == "€ 2,50"
    assert "Niet geblokkeerd door geld" in page.locator(".money-block").inner_text()
    assert member_owed(member) == Decimal("2.50")
    assert member_money_block(member) is None


def test_a_payment_of_more_than_is_owed_is_refused_on_the_page(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    base, member = live_server.url, library["member"]
    desk_log_in(page, base)
    page.goto(f"{base}/desk/members/{member.pk}/payments/")

    page.get_by_label("Bedrag (€)").fill("50,00")
    page.locator("#pay-button").click()

    page.locator(".messages").wait_for()
    assert (
        "Het bedrag is hoger dan wat er openstaat (€ 17,45)."
        in page.locator(".messages").inner_text()
    )
    assert Payment.objects.count() == 0


def test_the_member_sees_what_is_owed_the_history_and_the_receipt(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    from kaft.billing.models import PaymentMethod
    from kaft.billing.services.payments import payment_take

    base, member = live_server.url, library["member"]
    payment = payment_take(
        member=member, amount=Decimal("10.00"), method=PaymentMethod.CASH, branch=library["centre"]
    )
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/inloggen/")
    page.locator("#id_username").fill(member.card_number)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/mijn/")

    page.get_by_role("link", name="Betalingen").click()
    page.wait_for_url(f"{base}/mijn/betalingen/")
    assert page.locator("#owed-total").inner_text() == "€ 7,45"
    assert "U kunt hiermee gewoon blijven lenen." in page.locator("#money-block").inner_text()
    charges = page.locator("#open-charges").inner_text()
    assert "De avonden" in charges and "€ 4,95" in charges and "€ 2,50" in charges
    assert "Betaald (Contant)" in page.locator("#money-history").inner_text()
    # nothing wider than the phone
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, wide

    page.get_by_role("link", name=payment.receipt_number, exact=True).click()
    page.wait_for_url(f"{base}/mijn/betalingen/{payment.pk}/bon/")
    assert page.locator("#receipt-total").inner_text() == "€ 10,00"
    with page.expect_response(f"{base}/mijn/betalingen/{payment.pk}/bon/pdf/") as answer:
        page.evaluate(f"fetch('/mijn/betalingen/{payment.pk}/bon/pdf/')")
    assert answer.value.headers["content-type"] == "application/pdf"
