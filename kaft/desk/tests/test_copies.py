"""Copies at the desk: a copy's status, details and history; new copies of a title by scanning;
one change for a list of barcodes. Refusals say why and change nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import pytest
from django.test import Client
from django.urls import reverse

from kaft.catalog.models import Branch, Item, ItemAction, ItemEvent, ItemStatus, Record
from kaft.members.models import User
from kaft.privacy.models import AccessLogEntry
from tests.factories import ItemFactory, RecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(central: Branch) -> Item:
    return cast(
        Item,
        ItemFactory(
            barcode="3000123",
            home_branch=central,
            call_number="ROMA VRIE",
            replacement_price=Decimal("19.95"),
        ),
    )


def test_the_copy_page_offers_what_its_status_allows(desk: Client, item: Item) -> None:
    page = desk.get(reverse("desk:copy", args=[item.barcode]))
    assert page.status_code == 200
    html = page.content.decode()
    for offered in ('value="withdraw"', 'value="damage"', 'value="miss"', 'value="lose"'):
        assert offered in html
    for not_offered in ('value="find"', 'value="mend"', 'value="repair"'):
        assert not_offered not in html


def test_withdrawing_from_the_copy_page_is_recorded_with_the_desk_staff_and_branch(
    desk: Client, item: Item, staff: User, central: Branch
) -> None:
    answer = desk.post(
        reverse("desk:copy", args=[item.barcode]),
        {"form": "care", "action": "withdraw", "reason": "Beschadigd door water"},
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN
    event = ItemEvent.objects.get(item=item)
    assert (event.staff_id, event.branch_id, event.reason) == (
        staff.pk,
        central.pk,
        "Beschadigd door water",
    )
    page = desk.get(answer["Location"]).content.decode()
    assert "Beschadigd door water" in page
    assert not AccessLogEntry.objects.exists()  # no member's data was shown


def test_withdrawing_without_a_reason_is_refused_and_changes_nothing(
    desk: Client, item: Item
) -> None:
    answer = desk.post(
        reverse("desk:copy", args=[item.barcode]),
        {"form": "care", "action": "withdraw", "reason": ""},
    )
    assert answer.status_code == 400
    assert "Geef een reden" in answer.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE
    assert not ItemEvent.objects.exists()


def test_a_copy_on_loan_offers_nothing_and_a_forged_post_is_refused(
    desk: Client, central: Branch
) -> None:
    lent = cast(Item, ItemFactory(home_branch=central, status=ItemStatus.ON_LOAN))
    page = desk.get(reverse("desk:copy", args=[lent.barcode])).content.decode()
    assert 'name="action"' not in page
    assert "eerst in" in page  # "check it in first"
    answer = desk.post(
        reverse("desk:copy", args=[lent.barcode]),
        {"form": "care", "action": "withdraw", "reason": "weg"},
    )
    assert answer.status_code == 400
    lent.refresh_from_db()
    assert lent.status == ItemStatus.ON_LOAN
    assert not ItemEvent.objects.exists()


def test_changing_the_details_accepts_a_dutch_price_and_keeps_the_old_values(
    desk: Client, item: Item, west: Branch
) -> None:
    answer = desk.post(
        reverse("desk:copy", args=[item.barcode]),
        {
            "form": "details",
            "call_number": "ROMA VRIE",
            "item_type": "book",
            "replacement_price": "24,50",
            "home_branch": west.pk,
        },
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert (item.replacement_price, item.home_branch_id) == (Decimal("24.50"), west.pk)
    event = ItemEvent.objects.get(item=item, action=ItemAction.EDIT)
    assert event.changes == {
        "replacement_price": ["19.95", "24.50"],
        "home_branch": ["centrale", "west"],
    }


def test_a_price_that_is_no_amount_is_refused_on_its_field(desk: Client, item: Item) -> None:
    answer = desk.post(
        reverse("desk:copy", args=[item.barcode]),
        {
            "form": "details",
            "call_number": "X",
            "item_type": "book",
            "replacement_price": "twintig",
            "home_branch": item.home_branch_id,
        },
    )
    assert answer.status_code == 400
    assert 'href="#id_replacement_price"' in answer.content.decode()
    item.refresh_from_db()
    assert (item.call_number, item.replacement_price) == ("ROMA VRIE", Decimal("19.95"))


def test_an_unknown_copy_is_a_404(desk: Client) -> None:
    assert desk.get(reverse("desk:copy", args=["BESTAAT-NIET"])).status_code == 404


def test_new_copies_by_scanning_with_a_line_per_barcode(
    desk: Client, item: Item, central: Branch
) -> None:
    record = cast(Record, RecordFactory())
    answer = desk.post(
        reverse("desk:copies_add", args=[record.pk]),
        {"barcodes": "NIEUW-10\r\n3000123\r\nNIEUW-11\r\n"},
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.count('class="done"') == 2
    assert html.count('class="refused"') == 1
    assert item.record.title in html  # the taken barcode names the title it belongs to
    made = Item.objects.filter(record=record).order_by("barcode")
    assert [(copy.barcode, copy.home_branch_id) for copy in made] == [
        ("NIEUW-10", central.pk),
        ("NIEUW-11", central.pk),
    ]


def test_one_change_for_a_list_reports_per_barcode(desk: Client, central: Branch) -> None:
    shelf = cast(Item, ItemFactory(barcode="LIJST-1", home_branch=central))
    lent = cast(Item, ItemFactory(barcode="LIJST-2", home_branch=central, status="on_loan"))
    answer = desk.post(
        reverse("desk:copies_bulk"),
        {"action": "miss", "reason": "", "barcodes": "LIJST-1\nLIJST-2\nONBEKEND-9"},
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "1 exemplaar gewijzigd" in html
    assert html.count('class="refused"') == 2
    assert "ONBEKEND-9" in html
    shelf.refresh_from_db()
    lent.refresh_from_db()
    assert (shelf.status, lent.status) == (ItemStatus.MISSING, ItemStatus.ON_LOAN)


def test_a_list_change_that_needs_a_reason_asks_for_it_first(desk: Client, central: Branch) -> None:
    shelf = cast(Item, ItemFactory(barcode="LIJST-3", home_branch=central))
    answer = desk.post(
        reverse("desk:copies_bulk"), {"action": "withdraw", "reason": " ", "barcodes": "LIJST-3"}
    )
    assert answer.status_code == 200
    assert 'href="#id_reason"' in answer.content.decode()
    shelf.refresh_from_db()
    assert shelf.status == ItemStatus.AVAILABLE
    assert not ItemEvent.objects.exists()
