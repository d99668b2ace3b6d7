"""Card numbers and barcodes are checked where they are scanned or typed at the desk, by the rule
of their domain (members for cards, catalogue for barcodes): anything else is refused with a clear
message before it is looked up, and nothing changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from kaft.catalog.models import Branch, Item
from kaft.circulation.models import Loan
from kaft.desk.tests.test_members import registration
from kaft.members.models import GuardianLink, Member, MemberCategory
from kaft.privacy.models import AccessLogEntry, LegalRequest
from tests.factories import LoanRuleFactory, MemberFactory
from tests.factories_desk import JSON, make_item

CARD = (
    "Dit is geen geldig pasnummer: een pasnummer heeft 1 tot 20 tekens, alleen letters (A–Z), "
    "cijfers en streepjes."
)
BARCODE = (
    "Dit is geen geldige barcode: een barcode heeft 1 tot 32 tekens, alleen letters (A–Z), "
    "cijfers en streepjes."
)

# Neither a card number nor a barcode: emoji, markup, control characters, spaces inside, and
# longer than any barcode.
MALFORMED = [
    "2100📚0000042",
    "<b>21000000000042</b>",
    "21000000000042\x07",
    "2100\u00000000042",
    "2100 0000 0000 42",
    "3" * 33,
    "²¹⁰⁰",
    "21000000000042\u200b",
]
# Card numbers that are not: besides the above, one character too long for a card.
MALFORMED_CARDS = [*MALFORMED, "2" * 21]


@pytest.fixture
def lending(central: Branch, member: Member) -> Item:
    LoanRuleFactory.create()
    return make_item(central, "30000000000001", "De avonden")


def state() -> list[Any]:
    return [
        list(Loan.objects.values_list("pk", "status", "returned_at")),
        list(Item.objects.values_list("pk", "status", "current_branch_id")),
        AccessLogEntry.objects.count(),
        Member.objects.count(),
        GuardianLink.objects.count(),
        LegalRequest.objects.count(),
    ]


@pytest.mark.parametrize("value", MALFORMED)
def test_the_lending_scan_refuses_a_malformed_card(desk: Client, lending: Item, value: str) -> None:
    before = state()

    response = desk.post("/desk/scan/", {"value": value}, headers=JSON)

    assert (response.status_code, response.json()) == (409, {"error": CARD})
    assert state() == before
    assert desk.session.get("desk_member_id") is None
    assert desk.session.get("desk_checkout_rows", []) == []


@pytest.mark.parametrize("value", MALFORMED)
def test_the_lending_scan_refuses_a_malformed_barcode_for_a_member_served(
    desk: Client, lending: Item, member: Member, value: str
) -> None:
    desk.post("/desk/scan/", {"value": "21000000000042"}, headers=JSON)
    rows = desk.session.get("desk_checkout_rows")
    before = state()

    response = desk.post("/desk/scan/", {"value": value, "member": str(member.pk)}, headers=JSON)

    assert (response.status_code, response.json()) == (409, {"error": BARCODE})
    assert state() == before
    assert desk.session["desk_member_id"] == member.pk
    assert desk.session.get("desk_checkout_rows") == rows


def test_without_the_script_the_refusal_is_a_message_on_the_page(
    desk: Client, lending: Item
) -> None:
    before = state()

    response = desk.post("/desk/scan/", {"value": "<script>x</script>"}, follow=True)

    assert CARD in response.content.decode()
    assert "<script>x" not in response.content.decode()
    assert state() == before


def test_a_card_number_one_character_too_long_is_named_as_such(desk: Client, lending: Item) -> None:
    before = state()

    response = desk.post("/desk/scan/", {"value": "2" * 21}, headers=JSON)

    assert response.status_code == 200
    assert CARD in response.json()["append"]
    assert state() == before
    assert desk.session.get("desk_member_id") is None


def test_spaces_around_a_scan_are_removed(desk: Client, lending: Item, member: Member) -> None:
    served = desk.post("/desk/scan/", {"value": "  21000000000042 \t"}, headers=JSON)
    lent = desk.post(
        "/desk/scan/", {"value": " 30000000000001 ", "member": str(member.pk)}, headers=JSON
    )

    assert served.json()["member"] == str(member.pk)
    assert lent.status_code == 200 and lent.json()["append"]
    assert Loan.objects.get().member == member


@pytest.mark.parametrize("value", MALFORMED)
def test_the_return_scan_refuses_a_malformed_barcode(
    desk: Client, lending: Item, member: Member, staff: Any, central: Branch, value: str
) -> None:
    from kaft.circulation.services import loan_checkout

    loan_checkout(item=lending, member=member, staff=staff, branch=central)
    before = state()

    response = desk.post("/desk/checkin/scan/", {"value": value}, headers=JSON)

    assert (response.status_code, response.json()) == (409, {"error": BARCODE})
    assert state() == before
    assert desk.session.get("desk_checkin_rows", []) == []


@pytest.mark.parametrize("value", MALFORMED)
def test_the_item_lookup_never_looks_up_a_malformed_barcode(
    desk: Client, lending: Item, value: str
) -> None:
    # The item screen takes title and author words too: what is no barcode is searched as words
    # (or refused by the form, a NUL character), never looked up as a barcode.
    response = desk.get("/desk/items/", {"q": value})

    assert response.status_code == 200
    assert response.context["item"] is None
    assert "De avonden" not in response.content.decode()


@pytest.mark.parametrize("value", MALFORMED_CARDS)
def test_registration_refuses_a_malformed_card(
    desk: Client, central: Branch, adult: MemberCategory, value: str
) -> None:
    before = state()

    response = desk.post("/desk/members/new/", registration(adult, central, card_number=value))

    assert response.status_code == 200
    assert CARD in response.content.decode()
    assert state() == before


def test_registration_keeps_a_card_typed_with_spaces_around(
    desk: Client, central: Branch, adult: MemberCategory
) -> None:
    desk.post("/desk/members/new/", registration(adult, central, card_number=" 2100-AB-77 "))

    assert Member.objects.filter(card_number="2100-AB-77").exists()


@pytest.mark.parametrize("value", MALFORMED_CARDS)
def test_the_guardian_form_refuses_a_malformed_card(
    desk: Client, member: Member, value: str
) -> None:
    child = MemberFactory.create(date_of_birth=dt.date(2018, 5, 1))
    before = state()

    response = desk.post(
        f"/desk/members/{child.pk}/guardians/",
        {"card_number": value, "checked": "birth_certificate", "note": ""},
    )

    assert CARD in response.content.decode()
    after = state()
    # the page shows the child (a look is logged); nothing else changed
    assert after[:2] + after[3:] == before[:2] + before[3:]


@pytest.mark.parametrize("value", MALFORMED_CARDS)
def test_a_police_request_refuses_a_malformed_card(
    desk: Client, member: Member, value: str
) -> None:
    response = desk.post(
        "/desk/privacy/legal/new/",
        {
            "authority": "Politie Midden-Nederland",
            "reference": "PL0900-2026-123",
            "legal_basis": "art. 126nd Sv",
            "card_number": value,
            "categories": ["loans"],
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
        },
    )

    assert response.status_code == 200
    assert CARD in response.content.decode()
    assert LegalRequest.objects.count() == 0
