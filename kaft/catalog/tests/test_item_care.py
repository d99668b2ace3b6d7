"""A copy's care: add, change, withdraw, damaged, lost, missing, found, repair — each a move of the
table in kaft/catalog/lifecycle.py with its event, refused with a clear message where it makes no
sense, and never half-written."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import pytest
from django.utils import translation

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.lifecycle import ITEM_TRANSITIONS, item_actions
from kaft.catalog.models import (
    Audience,
    Branch,
    Item,
    ItemAction,
    ItemEvent,
    ItemStatus,
    ItemType,
    MaterialType,
    Record,
)
from kaft.catalog.services.items import (
    item_add,
    item_change,
    item_edit,
    items_add,
    items_change,
    price_parse,
)
from kaft.circulation.services import loan_checkin, loan_checkout
from kaft.members.models import Member, User
from tests.factories import (
    BranchFactory,
    ItemFactory,
    LoanRuleFactory,
    MemberFactory,
    RecordFactory,
)

pytestmark = pytest.mark.django_db


def _copy(branch: Branch, **fields: object) -> Item:
    return cast(Item, ItemFactory(home_branch=branch, **fields))


def test_withdrawing_a_copy_on_the_shelf_records_who_when_where_and_why(
    branch: Branch, staff: User
) -> None:
    item = _copy(branch)
    item_change(
        barcode=item.barcode,
        action=ItemAction.WITHDRAW,
        staff=staff,
        branch=branch,
        reason="Waterschade",
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN
    event = ItemEvent.objects.get(item=item)
    assert (event.action, event.status_before, event.status_after) == (
        ItemAction.WITHDRAW,
        ItemStatus.AVAILABLE,
        ItemStatus.WITHDRAWN,
    )
    assert (event.staff_id, event.branch_id, event.reason) == (staff.pk, branch.pk, "Waterschade")


def test_a_copy_on_loan_cannot_be_withdrawn_before_it_is_checked_in(
    branch: Branch, staff: User
) -> None:
    LoanRuleFactory()
    item = _copy(branch)
    member = cast(Member, MemberFactory())
    loan_checkout(item=item, member=member, staff=staff, branch=branch)
    with pytest.raises(CatalogError) as refused:
        item_change(
            barcode=item.barcode, action=ItemAction.WITHDRAW, staff=staff, branch=branch, reason="x"
        )
    assert refused.value.code == CatalogErrorCode.ITEM_ON_LOAN
    with translation.override("en"):
        assert "check it in first" in refused.value.message
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN
    assert not ItemEvent.objects.exists()


@pytest.mark.parametrize("status", [ItemStatus.IN_TRANSIT, ItemStatus.ON_HOLDS_SHELF])
def test_a_copy_in_transit_or_on_the_holds_shelf_is_scanned_in_first(
    branch: Branch, staff: User, status: ItemStatus
) -> None:
    item = _copy(branch, status=status)
    with pytest.raises(CatalogError) as refused:
        item_change(barcode=item.barcode, action=ItemAction.DAMAGE, staff=staff, branch=branch)
    assert refused.value.code == CatalogErrorCode.ITEM_IN_CIRCULATION
    item.refresh_from_db()
    assert item.status == status
    assert not ItemEvent.objects.exists()


def test_a_move_the_table_does_not_have_is_refused_by_name(branch: Branch, staff: User) -> None:
    item = _copy(branch, status=ItemStatus.WITHDRAWN)
    with pytest.raises(CatalogError) as refused:
        item_change(barcode=item.barcode, action=ItemAction.FIND, staff=staff, branch=branch)
    assert refused.value.code == CatalogErrorCode.ITEM_CHANGE_NOT_ALLOWED
    with translation.override("en"):
        assert refused.value.message == (
            "This copy's status is “Withdrawn”: “Found” does not apply to it. Nothing was changed."
        )
    assert not ItemEvent.objects.exists()


def test_withdraw_damaged_and_lost_need_a_reason(branch: Branch, staff: User) -> None:
    item = _copy(branch)
    for action in (ItemAction.WITHDRAW, ItemAction.DAMAGE, ItemAction.LOSE):
        with pytest.raises(CatalogError) as refused:
            item_change(
                barcode=item.barcode, action=action, staff=staff, branch=branch, reason="  "
            )
        assert refused.value.code == CatalogErrorCode.REASON_REQUIRED
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE
    assert not ItemEvent.objects.exists()


def test_damaged_to_repair_and_back_in_use(branch: Branch, staff: User) -> None:
    item = _copy(branch)
    steps = [
        (ItemAction.DAMAGE, "Kaft gescheurd", ItemStatus.DAMAGED),
        (ItemAction.REPAIR, "", ItemStatus.IN_REPAIR),
        (ItemAction.MEND, "", ItemStatus.AVAILABLE),
    ]
    for action, reason, status in steps:
        item_change(barcode=item.barcode, action=action, staff=staff, branch=branch, reason=reason)
        item.refresh_from_db()
        assert item.status == status
    assert list(
        ItemEvent.objects.filter(item=item).order_by("pk").values_list("action", flat=True)
    ) == [
        ItemAction.DAMAGE,
        ItemAction.REPAIR,
        ItemAction.MEND,
    ]


def test_a_copy_in_repair_or_missing_cannot_be_lent(branch: Branch, staff: User) -> None:
    LoanRuleFactory()
    member = cast(Member, MemberFactory())
    for status in (ItemStatus.IN_REPAIR, ItemStatus.MISSING):
        item = _copy(branch, status=status)
        with pytest.raises(Exception) as refused:
            loan_checkout(item=item, member=member, staff=staff, branch=branch)
        assert getattr(refused.value, "code", None) == "item_not_loanable"


@pytest.mark.parametrize("status", [ItemStatus.MISSING, ItemStatus.LOST])
def test_a_missing_or_lost_copy_scanned_at_the_return_screen_is_found(
    branch: Branch, staff: User, status: ItemStatus
) -> None:
    item = _copy(branch, status=status)
    loan_checkin(item=item, branch=branch, staff=staff)
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE
    event = ItemEvent.objects.get(item=item)
    assert (event.action, event.status_before, event.status_after) == (
        ItemAction.FIND,
        status,
        ItemStatus.AVAILABLE,
    )


def test_an_ordinary_return_writes_no_copy_event(branch: Branch, staff: User) -> None:
    LoanRuleFactory()
    item = _copy(branch)
    loan_checkout(item=item, member=cast(Member, MemberFactory()), staff=staff, branch=branch)
    loan_checkin(item=item, branch=branch, staff=staff)
    assert not ItemEvent.objects.exists()


def test_every_status_offers_only_the_moves_of_the_table() -> None:
    for status in ItemStatus:
        item = Item(status=status)
        expected = [action for (state, action) in ITEM_TRANSITIONS if state == status]
        assert item_actions(item) == expected
    assert item_actions(Item(status=ItemStatus.ON_LOAN)) == []


def test_a_new_copy_takes_the_library_defaults(branch: Branch, staff: User) -> None:
    record = cast(Record, RecordFactory(material_type=MaterialType.BOOK, audience=Audience.YOUTH))
    _copy(branch, record=record, call_number="J AVON")
    item = item_add(record=record, barcode="NIEUW-001", branch=branch, staff=staff)
    assert (item.item_type, item.call_number, item.replacement_price) == (
        ItemType.YOUTH_BOOK,
        "J AVON",
        Decimal("15.00"),
    )
    assert (item.status, item.home_branch_id, item.current_branch_id) == (
        ItemStatus.AVAILABLE,
        branch.pk,
        branch.pk,
    )
    event = ItemEvent.objects.get(item=item)
    assert (event.action, event.status_before, event.status_after) == (
        ItemAction.ADD,
        "",
        ItemStatus.AVAILABLE,
    )


def test_a_barcode_in_use_or_malformed_adds_no_copy(branch: Branch, staff: User) -> None:
    taken = _copy(branch, barcode="BEZET-1")
    record = cast(Record, RecordFactory())
    outcomes = items_add(
        record=record,
        barcodes=["NIEUW-1", "BEZET-1", "niet geldig!", "NIEUW-1", "", "NIEUW-2"],
        branch=branch,
        staff=staff,
    )
    assert [(o.barcode, o.ok) for o in outcomes] == [
        ("NIEUW-1", True),
        ("BEZET-1", False),
        ("niet geldig!", False),
        ("NIEUW-2", True),
    ]
    assert taken.record.title in outcomes[1].error
    assert sorted(Item.objects.filter(record=record).values_list("barcode", flat=True)) == [
        "NIEUW-1",
        "NIEUW-2",
    ]


def test_changing_details_keeps_old_and_new_values(branch: Branch, staff: User) -> None:
    other = cast(Branch, BranchFactory(code="west", name="West"))
    item = _copy(branch, call_number="ROMA", replacement_price=Decimal("19.95"))
    changed, changes = item_edit(
        barcode=item.barcode,
        staff=staff,
        branch=branch,
        call_number="ROMA JANS",
        item_type=ItemType.BOOK,
        replacement_price=Decimal("22.50"),
        home_branch=other,
    )
    assert changes == {
        "call_number": ["ROMA", "ROMA JANS"],
        "replacement_price": ["19.95", "22.50"],
        "home_branch": ["centrale", "west"],
    }
    assert changed.current_branch_id == branch.pk  # where it is now stays
    event = ItemEvent.objects.get(item=item, action=ItemAction.EDIT)
    assert event.changes == changes
    # the same values again: nothing changed, no event
    item_edit(
        barcode=item.barcode,
        staff=staff,
        branch=branch,
        call_number="ROMA JANS",
        item_type=ItemType.BOOK,
        replacement_price=Decimal("22.50"),
        home_branch=other,
    )
    assert ItemEvent.objects.filter(item=item).count() == 1


def test_a_list_of_barcodes_gets_a_report_per_barcode(branch: Branch, staff: User) -> None:
    shelf = _copy(branch, barcode="LIJST-1")
    lent = _copy(branch, barcode="LIJST-2", status=ItemStatus.ON_LOAN)
    outcomes = items_change(
        barcodes=["LIJST-1", "LIJST-2", "ONBEKEND", "LIJST-1"],
        action=ItemAction.MISS,
        staff=staff,
        branch=branch,
    )
    assert [(o.barcode, o.ok) for o in outcomes] == [
        ("LIJST-1", True),
        ("LIJST-2", False),
        ("ONBEKEND", False),
    ]
    assert "neem het eerst in" in outcomes[1].error  # in the language of the moment: Dutch
    assert "ONBEKEND" in outcomes[2].error
    shelf.refresh_from_db()
    lent.refresh_from_db()
    assert (shelf.status, lent.status) == (ItemStatus.MISSING, ItemStatus.ON_LOAN)


@pytest.mark.parametrize(
    ("text", "price"),
    [("12,50", Decimal("12.50")), ("0", Decimal("0.00")), (" 7.5 ", Decimal("7.50"))],
)
def test_prices_are_read_the_dutch_way_too(text: str, price: Decimal) -> None:
    assert price_parse(text) == price


@pytest.mark.parametrize("text", ["-1", "abc", "10000", "NaN", "Infinity", ""])
def test_a_price_out_of_range_is_refused(text: str) -> None:
    with pytest.raises(CatalogError) as refused:
        price_parse(text)
    assert refused.value.code == CatalogErrorCode.PRICE_INVALID


def _found(title_word: str) -> list[str]:
    from kaft.catalog.search import search_records

    return [record.title for record in search_records(query=title_word).records]


def test_a_title_whose_copies_are_all_withdrawn_leaves_the_public_catalogue(
    branch: Branch, staff: User
) -> None:
    from kaft.catalog.search import search_index_records

    record = cast(Record, RecordFactory(title="Zeebrieven uit Vlissingen"))
    first, second = _copy(branch, record=record), _copy(branch, record=record)
    without_copies = cast(Record, RecordFactory(title="Zeebrieven, het vervolg"))
    search_index_records([record.pk, without_copies.pk])
    assert sorted(_found("zeebrieven")) == ["Zeebrieven uit Vlissingen", "Zeebrieven, het vervolg"]

    items_change(
        barcodes=[first.barcode],
        action=ItemAction.WITHDRAW,
        staff=staff,
        branch=branch,
        reason="Versleten",
    )
    assert "Zeebrieven uit Vlissingen" in _found("zeebrieven")  # one copy is left
    items_change(
        barcodes=[second.barcode],
        action=ItemAction.WITHDRAW,
        staff=staff,
        branch=branch,
        reason="Versleten",
    )
    # gone from the search; a title that has no copies yet stays findable
    assert _found("zeebrieven") == ["Zeebrieven, het vervolg"]
    search_index_records([record.pk])  # a rebuild of the index keeps it out
    assert _found("vlissingen") == []
    assert ItemEvent.objects.filter(item__record=record).count() == 2  # the history is kept

    item_add(record=record, barcode="30000000009999", branch=branch, staff=staff)
    assert "Zeebrieven uit Vlissingen" in _found("zeebrieven")  # a new copy brings it back
