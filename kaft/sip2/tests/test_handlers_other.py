"""Item information (17), item status update (19), hold (15), fee paid (37), block patron (01)
and patron enable (25)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from kaft.billing.models import ChargeKind, Payment, PaymentMethod
from kaft.billing.selectors.charges import member_owed
from kaft.billing.services.charges import charge_create
from kaft.circulation.models import Hold, HoldStatus
from kaft.circulation.services import hold_place, loan_checkout
from kaft.members.models import MemberStatus
from kaft.members.services.member import member_block, member_unblock
from kaft.privacy.models import AccessLogEntry, DataPart
from kaft.sip2.protocol import Request, sip_date
from kaft.sip2.tests.kiosk import (
    PIN,
    everything,
    field,
    kiosk,
    member_with_pin,
    request,
    send,
    values,
)
from tests.factories_circulation import make_branch, make_item, make_member

pytestmark = pytest.mark.django_db


# -- item information and status update --


def test_item_information_tells_status_due_date_queue_and_places() -> None:
    account = kiosk()
    home = make_branch()
    item = make_item(home_branch=home, current_branch=account.branch)
    loan = loan_checkout(item=item, member=make_member(), staff=None, branch=account.branch)
    hold_place(record=item.record, member=make_member(), pickup_branch=account.branch, staff=None)

    response = send(account, request("17", sip_date(), AB=item.barcode))

    assert response.command == "18"
    assert response.fixed[:6] == "040001"
    assert len(response.fixed) == 6 + 18
    assert field(response, "CF") == "0001"
    assert field(response, "AH") == sip_date(loan.due_date)
    assert field(response, "AJ") == item.record.title
    assert (field(response, "BG"), field(response, "AQ")) == (home.isil, home.isil)
    assert field(response, "AP") == account.branch.isil
    assert field(response, "AA") is None
    assert not AccessLogEntry.objects.exists()


def test_item_information_for_an_unknown_barcode_says_so() -> None:
    account = kiosk()

    response = send(account, request("17", sip_date(), AB="0000000000"))

    assert response.fixed[:2] == "01"
    assert values(response, "AF") == ["Er is geen exemplaar met deze barcode."]


def test_item_status_update_is_refused_and_changes_nothing() -> None:
    account = kiosk()
    item = make_item(home_branch=account.branch)
    before = everything()

    response = send(account, request("19", sip_date(), AB=item.barcode, CH="damaged"))

    assert response.command == "20"
    assert response.fixed[0] == "0"
    assert values(response, "AF") == [
        "Gegevens van een exemplaar kunnen bij een kiosk niet worden gewijzigd."
    ]
    assert everything() == before


# -- holds --


def hold_request(mode: str, card: str, barcode: str, pin: str | None = PIN, **more: str) -> Request:
    fields = {"AA": card, "AB": barcode, **more}
    if pin is not None:
        fields["AD"] = pin
    return request("15", mode + sip_date(), **fields)


def test_a_member_places_a_hold_to_pick_up_at_another_branch() -> None:
    account = kiosk()
    west = make_branch(name="Vestiging West")
    member = member_with_pin(preferred_language="en")
    item = make_item(home_branch=account.branch, status="on_loan")
    hold_place(record=item.record, member=make_member(), pickup_branch=west, staff=None)

    response = send(account, hold_request("+", member.card_number, item.barcode, BS=west.isil))

    hold = Hold.objects.get(member=member)
    assert (hold.status, hold.pickup_branch, hold.record) == (HoldStatus.WAITING, west, item.record)
    assert response.command == "16"
    assert response.fixed[:2] == "1N"
    assert (field(response, "BR"), field(response, "BS")) == ("2", west.isil)
    assert values(response, "AF") == [
        "Reserved. We will let you know when it is ready at Vestiging West."
    ]
    assert [e.part for e in AccessLogEntry.objects.filter(member=member)] == [DataPart.HOLDS]


def test_a_member_cancels_their_hold() -> None:
    account = kiosk()
    member = member_with_pin(preferred_language="en")
    item = make_item(home_branch=account.branch, status="on_loan")
    hold = hold_place(record=item.record, member=member, pickup_branch=account.branch, staff=None)

    response = send(account, hold_request("-", member.card_number, item.barcode))

    hold.refresh_from_db()
    assert hold.status == HoldStatus.CANCELLED
    assert response.fixed[0] == "1"
    assert values(response, "AF") == ["Your reservation has been cancelled."]


@pytest.mark.parametrize("case", ["no pin", "modify", "twice", "nothing to cancel"])
def test_refused_holds_write_nothing(case: str) -> None:
    account = kiosk()
    member = member_with_pin(preferred_language="en")
    item = make_item(home_branch=account.branch, status="on_loan")
    if case == "twice":
        hold_place(record=item.record, member=member, pickup_branch=account.branch, staff=None)
    mode = {"modify": "*", "nothing to cancel": "-"}.get(case, "+")
    pin = None if case == "no pin" else PIN
    before = everything()

    response = send(account, hold_request(mode, member.card_number, item.barcode, pin=pin))

    assert response.fixed[0] == "0"
    assert len(values(response, "AF")) == 1
    assert everything() == before


# -- fee paid --


def fee_request(
    card: str, amount: str, payment_type: str = "01", currency: str = "EUR", **more: str
) -> Request:
    fields = {"BV": amount, "AA": card, "AD": PIN, **more}
    return request("37", sip_date() + "01" + payment_type + currency, **fields)


def test_a_card_payment_at_the_kiosk_is_recorded_by_billing() -> None:
    account = kiosk()
    member = member_with_pin(preferred_language="en")
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("5.00"))

    response = send(account, fee_request(member.card_number, "3.50", BK="T-77"))

    payment = Payment.objects.get(member=member)
    assert (payment.amount, payment.method, payment.branch, payment.staff) == (
        Decimal("3.50"),
        PaymentMethod.PIN,
        account.branch,
        None,
    )
    assert member_owed(member) == Decimal("1.50")
    assert response.command == "38"
    assert response.fixed[0] == "Y"
    assert field(response, "BK") == "T-77"
    assert values(response, "AF") == ["Payment of € 3.50 received. Thank you!"]
    assert [e.part for e in AccessLogEntry.objects.filter(member=member)] == [DataPart.PAYMENTS]


@pytest.mark.parametrize(
    ("case", "amount", "payment_type", "currency", "said"),
    [
        ("too much", "9.00", "00", "EUR", "The amount is more than what is owed (€ 5.00)."),
        ("other currency", "1.00", "00", "USD", "Only payments in euros are accepted."),
        ("unknown type", "1.00", "07", "EUR", "This way of paying is not accepted here. Please pay at the desk."),
        ("unreadable", "veel", "00", "EUR", "The amount could not be read. Please pay at the desk."),
        ("absurd", "1e999999", "00", "EUR", "The amount could not be read. Please pay at the desk."),
    ],
)  # fmt: skip
def test_refused_payments_write_nothing(
    case: str, amount: str, payment_type: str, currency: str, said: str
) -> None:
    account = kiosk()
    member = member_with_pin(preferred_language="en")
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("5.00"))
    before = everything()

    response = send(account, fee_request(member.card_number, amount, payment_type, currency))

    assert response.fixed[0] == "N", case
    assert values(response, "AF") == [said]
    assert everything() == before


# -- block patron and patron enable --


def test_a_kiosk_blocks_a_card_it_kept_and_answers_with_the_status() -> None:
    account = kiosk()
    member = member_with_pin(preferred_language="en")

    response = send(
        account,
        request("01", "Y" + sip_date(), AL="Pas vergeten", AA=member.card_number, AC=""),
    )

    member.refresh_from_db()
    assert member.status == MemberStatus.BLOCKED
    assert member.block_reason == "Kiosk Zelfbediening hal: Pas vergeten"
    assert response.command == "24"
    assert response.fixed[:4] == "YY Y"
    assert field(response, "BL") == "Y"
    assert field(response, "AE") == ""
    assert values(response, "AF") == ["This card has been blocked. Please ask at the desk."]
    assert [e.part for e in AccessLogEntry.objects.filter(member=member)] == [DataPart.STATUS]


def test_a_card_blocked_by_staff_keeps_its_reason() -> None:
    account = kiosk()
    member = member_with_pin()
    member_block(member=member, reason="charges")

    send(account, request("01", "N" + sip_date(), AL="", AA=member.card_number))

    member.refresh_from_db()
    assert member.block_reason == "charges"


def enable_request(card: str) -> Request:
    return request("25", sip_date(), AA=card, AD=PIN)


def test_a_kiosk_may_not_lift_a_block_by_default() -> None:
    account = kiosk()
    member = member_with_pin(preferred_language="en")
    send(account, request("01", "Y" + sip_date(), AL="", AA=member.card_number))
    before = everything()

    response = send(account, enable_request(member.card_number))

    assert response.command == "26"
    assert response.fixed[0] == "Y"
    assert values(response, "AF") == ["A block on a card can only be lifted at the desk."]
    assert {k: v for k, v in everything().items() if k != "access_log"} == {
        k: v for k, v in before.items() if k != "access_log"
    }


@override_settings(KAFT_SIP2_KIOSK_MAY_UNBLOCK=True)
def test_when_the_library_allows_it_a_kiosk_lifts_only_its_own_blocks() -> None:
    account = kiosk()
    kept = member_with_pin()
    send(account, request("01", "Y" + sip_date(), AL="", AA=kept.card_number))
    by_staff = member_with_pin()
    member_block(member=by_staff, reason="behaviour")

    lifted = send(account, enable_request(kept.card_number))
    refused = send(account, enable_request(by_staff.card_number))

    kept.refresh_from_db()
    by_staff.refresh_from_db()
    assert kept.status == MemberStatus.ACTIVE
    assert lifted.fixed[:14] == " " * 14
    assert by_staff.status == MemberStatus.BLOCKED
    assert refused.fixed[0] == "Y"


@override_settings(KAFT_SIP2_KIOSK_MAY_UNBLOCK=True)
def test_a_block_staff_placed_stays_whatever_its_reason_says() -> None:
    # Staff may write anything as the reason, also what a kiosk's reason looks like: who placed
    # the block decides, not its text.
    account = kiosk()
    member = member_with_pin(preferred_language="en")
    member_block(member=member, reason=f"Kiosk {account.name}: pas ingehouden")

    response = send(account, enable_request(member.card_number))

    member.refresh_from_db()
    assert (member.status, member.blocked_by_kiosk) == (MemberStatus.BLOCKED, False)
    assert response.fixed[0] == "Y"
    assert values(response, "AF")[-1] == "A block on a card can only be lifted at the desk."


def test_a_block_a_kiosk_placed_is_known_as_such_until_lifted() -> None:
    account = kiosk()
    member = member_with_pin()
    send(account, request("01", "Y" + sip_date(), AL="", AA=member.card_number))
    member.refresh_from_db()
    assert (member.status, member.blocked_by_kiosk) == (MemberStatus.BLOCKED, True)

    member_unblock(member=member)  # at the desk
    member.refresh_from_db()
    assert (member.status, member.blocked_by_kiosk, member.block_reason) == (
        MemberStatus.ACTIVE,
        False,
        "",
    )
