"""The list of scans on the lending screen: kept in the session for what the loans cannot tell
(refusals, hand-overs), read from the loans for the plain lends; a card always wins over a copy
with the same code; a served member who is no longer registered ends the session."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.test import Client

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import Loan
from kaft.circulation.services import loan_checkout
from kaft.members.models import Member, MemberCategory, MemberStatus, User
from tests.factories import BranchFactory, MemberFactory, StaffFactory
from tests.factories_desk import JSON, make_item


def scan(client: Client, value: str) -> dict[str, Any]:
    shown = str(client.session.get("desk_member_id", ""))
    response = client.post("/desk/scan/", {"value": value, "member": shown}, headers=JSON)
    assert response.status_code == 200
    return response.json()


def _rows(page: str) -> list[str]:
    """The codes in the scan list of the lending page, top to bottom."""
    return re.findall(r'<tr class="scan-row[^"]*">\s*<td>([^<]*)</td>', page)


def test_the_page_drawn_again_lists_lends_and_refusals_in_scan_order(
    desk: Client, central: Branch, member: Member
) -> None:
    make_item(central, "30000000000001", "De avonden")
    make_item(central, "30000000000002", "Tirza")
    make_item(central, "30000000000003", "Het diner")
    scan(desk, member.card_number)

    scan(desk, "30000000000001")
    assert "refused" in scan(desk, "39999999999999")["append"]  # no such copy
    scan(desk, "30000000000002")
    # a loan to the same member by someone else at another desk is not this desk's row
    other = cast(User, StaffFactory(username="balie2", profile__branch=central))
    loan_checkout(
        item=Item.objects.get(barcode="30000000000003"), member=member, staff=other, branch=central
    )

    page = desk.get("/desk/").content.decode()
    assert _rows(page) == ["30000000000001", "39999999999999", "30000000000002"]
    assert "De avonden" in page and "Tirza" in page


def test_a_new_member_session_starts_an_empty_list(
    desk: Client, central: Branch, member: Member, other_member: Member
) -> None:
    make_item(central, "30000000000001", "De avonden")
    scan(desk, member.card_number)
    scan(desk, "30000000000001")

    scan(desk, other_member.card_number)
    assert _rows(desk.get("/desk/").content.decode()) == []
    scan(desk, member.card_number)  # the same member again: a new session too
    assert _rows(desk.get("/desk/").content.decode()) == []


def test_a_code_that_is_a_card_and_a_barcode_serves_the_card_holder(
    desk: Client, central: Branch, member: Member, other_member: Member
) -> None:
    # Given a copy whose barcode is also Daan's card number, while Sanne is served
    make_item(central, other_member.card_number, "Dubbel")
    scan(desk, member.card_number)

    answer = scan(desk, other_member.card_number)

    # Then Daan is served, as a card always is, and nothing is lent
    assert "Daan Bakker" in answer["replace"]["member-panel"]
    assert desk.session["desk_member_id"] == other_member.pk
    assert not Loan.objects.exists()
    assert Item.objects.get(barcode=other_member.card_number).status == ItemStatus.AVAILABLE


def test_a_served_member_no_longer_registered_ends_the_session(
    desk: Client, central: Branch, member: Member, other_member: Member
) -> None:
    make_item(central, "30000000000001", "De avonden")
    scan(desk, other_member.card_number)
    Member.objects.filter(pk=other_member.pk).delete()

    answer = scan(desk, "30000000000001")

    assert answer["announce"] == "Dit lid staat niet meer ingeschreven."
    assert (answer["member"], answer["clear"]) == ("", True)
    assert "Scan de pas van een lid om te beginnen." in answer["replace"]["member-panel"]
    assert "desk_member_id" not in desk.session
    assert not Loan.objects.exists()
    assert Item.objects.get(barcode="30000000000001").status == ItemStatus.AVAILABLE


def test_choosing_another_branch_meanwhile_keeps_the_list_and_the_receipt_whole(
    desk: Client, central: Branch, member: Member
) -> None:
    make_item(central, "30000000000001", "De avonden")
    make_item(central, "30000000000002", "Tirza")
    north = cast(Branch, BranchFactory(code="noord", name="Noord"))
    scan(desk, member.card_number)
    scan(desk, "30000000000001")

    desk.post("/desk/branch/", {"branch": north.pk})
    scan(desk, "30000000000002")

    page = desk.get("/desk/").content.decode()
    assert _rows(page) == ["30000000000001", "30000000000002"]
    receipt = desk.get("/desk/receipt/").content.decode()
    assert "De avonden" in receipt and "Tirza" in receipt


def test_a_served_member_gone_and_a_long_barcode_ends_the_session_without_an_error(
    desk: Client, central: Branch, other_member: Member
) -> None:
    # A barcode longer than any card number takes the lock without the card check.
    make_item(central, "K0123456789ABCDEF0123456", "Lang")
    scan(desk, other_member.card_number)
    Member.objects.filter(pk=other_member.pk).delete()

    answer = scan(desk, "K0123456789ABCDEF0123456")

    assert answer["announce"] == "Dit lid staat niet meer ingeschreven."
    assert "desk_member_id" not in desk.session
    assert not Loan.objects.exists()


def test_a_card_scanned_after_the_served_member_is_gone_serves_its_holder(
    desk: Client, member: Member, other_member: Member
) -> None:
    scan(desk, other_member.card_number)
    Member.objects.filter(pk=other_member.pk).delete()

    answer = scan(desk, member.card_number)

    assert "Sanne de Vries" in answer["replace"]["member-panel"]
    assert desk.session["desk_member_id"] == member.pk


def test_a_card_from_a_tab_showing_another_member_still_switches(
    desk: Client, member: Member, other_member: Member, adult: MemberCategory, central: Branch
) -> None:
    third = cast(Member, MemberFactory(first_name="Noor", category=adult, home_branch=central))
    scan(desk, member.card_number)
    stale = str(member.pk)  # this tab shows Sanne
    scan(desk, other_member.card_number)  # another tab switched to Daan

    response = desk.post("/desk/scan/", {"value": third.card_number, "member": stale}, headers=JSON)

    assert response.status_code == 200
    assert desk.session["desk_member_id"] == third.pk


def test_an_erased_members_emptied_row_is_no_card_and_borrows_nothing(
    desk: Client, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    Member.objects.filter(pk=other_member.pk).update(
        status=MemberStatus.ERASED, card_number=f"erased-{other_member.pk}"
    )
    scan(desk, member.card_number)

    answer = scan(desk, f"erased-{other_member.pk}")

    assert desk.session["desk_member_id"] == member.pk  # still Sanne: no card
    assert "refused" in answer["append"]
    with pytest.raises(CirculationError) as refused:
        loan_checkout(
            item=item, member=Member.objects.get(pk=other_member.pk), staff=None, branch=central
        )
    assert refused.value.code == CirculationErrorCode.MEMBER_UNKNOWN
    assert not Loan.objects.exists()
