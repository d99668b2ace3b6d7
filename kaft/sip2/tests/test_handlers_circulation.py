"""Checkout, checkin, renew and renew all, called as the server calls them: a Request in, a
Response out. Refusals write nothing; what is done is done as the kiosk (via "kiosk")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.catalog.models import ItemStatus, ItemType
from kaft.circulation.models import Hold, HoldStatus, Loan, LoanAction, LoanEvent, LoanStatus
from kaft.circulation.services import hold_place, loan_checkout
from kaft.members.models import MemberStatus
from kaft.privacy.models import AccessLogEntry, DataPart, MachineRole
from kaft.sip2.protocol import sip_date
from kaft.sip2.tests.kiosk import (
    PIN,
    checkin,
    checkout,
    everything,
    field,
    kiosk,
    member_with_pin,
    request,
    send,
    values,
)
from tests.factories_circulation import (
    bulk_open_loans,
    make_branch,
    make_item,
    make_member,
    make_rule,
)

pytestmark = pytest.mark.django_db


def test_a_kiosk_lends_a_copy_to_the_member_with_the_right_pin() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch, preferred_language="en")
    item = make_item(home_branch=account.branch)

    response = send(account, checkout(member.card_number, item.barcode))

    loan = Loan.objects.get(item=item, status=LoanStatus.OPEN)
    assert loan.member == member
    assert loan.branch == account.branch
    event = LoanEvent.objects.get(loan=loan)
    assert (event.action, event.via, event.staff_id) == (LoanAction.CHECKOUT, "kiosk", None)
    assert response.command == "12"
    assert response.fixed[:4] == "1NNY"
    assert len(response.fixed) == 4 + 18
    assert field(response, "AB") == item.barcode
    assert field(response, "AJ") == item.record.title
    assert field(response, "AH") == sip_date(loan.due_date)
    day = f"{loan.due_date.day} {loan.due_date:%B} {loan.due_date.year}"
    assert field(response, "AF") == f"Borrowed until {day}."
    entries = AccessLogEntry.objects.filter(member=member)
    assert [(e.staff_role, e.staff_name, e.part, e.branch_id) for e in entries] == [
        (MachineRole.KIOSK, "Zelfbediening hal", DataPart.LOANS, account.branch.pk)
    ]


def test_the_screen_message_is_in_the_members_language() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch, preferred_language="nl")
    item = make_item(home_branch=account.branch)

    response = send(account, checkout(member.card_number, item.barcode))

    due = Loan.objects.get(item=item).due_date
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december"]  # fmt: skip
    assert field(response, "AF") == f"Geleend tot {due.day} {months[due.month - 1]} {due.year}."


def test_a_kiosk_that_sends_no_pin_lends_on_the_card_alone() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch)
    item = make_item(home_branch=account.branch)

    response = send(account, checkout(member.card_number, item.barcode, pin=None))

    assert response.fixed[0] == "1"
    assert Loan.objects.filter(item=item, member=member, status=LoanStatus.OPEN).count() == 1


@pytest.mark.parametrize(
    ("case", "said"),
    [
        # Without a known member the kiosk speaks the library's language (Dutch).
        ("unknown card", "Er is geen lid met dit pasnummer."),
        ("wrong pin", "The PIN is not correct."),
        ("blocked", "This membership is blocked. Please ask at the desk."),
        ("unknown barcode", "No item has this barcode."),
        ("on loan elsewhere", "This item is already on loan."),
        ("isil of no branch", "Deze kiosk is niet ingesteld voor deze bibliotheek."),
        ("no institution", "Deze kiosk is niet ingesteld voor deze bibliotheek."),
        ("not signed in", "Deze kiosk is niet aangemeld. Vraag het gerust aan de balie."),
        ("message not allowed", "Dat kan deze kiosk niet. Vraag het gerust aan de balie."),
    ],
)
def test_a_refused_checkout_writes_nothing_and_says_why(case: str, said: str) -> None:
    account = kiosk(messages=["09"] if case == "message not allowed" else ())
    member = member_with_pin(home_branch=account.branch, preferred_language="en")
    item = make_item(home_branch=account.branch)
    if case == "on loan elsewhere":
        loan_checkout(item=item, member=make_member(), staff=None, branch=account.branch)
    if case == "blocked":
        member.status = MemberStatus.BLOCKED
        member.save()
    card, barcode, pin, isil = member.card_number, item.barcode, PIN, account.branch.isil
    card = "21990000999999" if case == "unknown card" else card
    pin = "9999" if case == "wrong pin" else pin
    barcode = "0000000000" if case == "unknown barcode" else barcode
    isil = {"isil of no branch": "NL-Elders", "no institution": ""}.get(case, isil)
    before = everything()

    response = send(
        None if case == "not signed in" else account, checkout(card, barcode, pin, isil)
    )

    assert response.fixed[:4] == "0NNN" or response.fixed[:4] == "0NUN"
    assert values(response, "AF") == [said]
    assert field(response, "AH") == ""
    assert everything() == before


def test_another_branch_of_the_library_is_accepted_as_institution() -> None:
    account = kiosk()
    other = make_branch()
    member = member_with_pin(home_branch=account.branch)
    item = make_item(home_branch=account.branch)

    response = send(account, checkout(member.card_number, item.barcode, isil=other.isil))

    assert response.fixed[0] == "1"
    assert Loan.objects.get(item=item).branch == account.branch


def test_the_loan_limit_refuses_with_its_message() -> None:
    account = kiosk()
    make_rule(max_loans=1)
    member = member_with_pin(home_branch=account.branch, preferred_language="en")
    first, second = make_item(home_branch=account.branch), make_item(home_branch=account.branch)
    send(account, checkout(member.card_number, first.barcode))
    before = everything()

    response = send(account, checkout(member.card_number, second.barcode))

    assert response.fixed[0] == "0"
    assert values(response, "AF") == ["The maximum number of loans has been reached."]
    assert everything() == before


def test_checking_out_a_copy_the_member_has_is_a_renewal_when_the_kiosk_says_so() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch)
    item = make_item(home_branch=account.branch)
    yesterday = timezone.now() - dt.timedelta(days=1)
    loan = loan_checkout(item=item, member=member, staff=None, branch=account.branch, now=yesterday)
    req = checkout(member.card_number, item.barcode)
    req = request("11", "Y" + req.fixed[1:], **{k: v[0] for k, v in req.fields.items()})

    response = send(account, req)

    loan.refresh_from_db()
    assert response.fixed[:2] == "1Y"
    assert loan.renewals == 1
    assert LoanEvent.objects.filter(loan=loan, action=LoanAction.RENEW, via="kiosk").count() == 1


def test_a_return_closes_the_loan_as_the_kiosk_and_goes_back_on_the_shelf() -> None:
    account = kiosk()
    member = make_member(home_branch=account.branch, preferred_language="en")
    item = make_item(home_branch=account.branch)
    loan = loan_checkout(item=item, member=member, staff=None, branch=account.branch)

    response = send(account, checkin(item.barcode))

    loan.refresh_from_db()
    item.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED
    assert LoanEvent.objects.get(loan=loan, action=LoanAction.RETURN).via == "kiosk"
    assert item.status == ItemStatus.AVAILABLE
    assert response.command == "10"
    assert response.fixed[:4] == "1YNN"
    assert field(response, "CL") == "1"
    assert field(response, "CV") is None
    assert field(response, "AQ") == account.branch.isil
    assert values(response, "AF") == ["Returned. Thank you!"]
    assert field(response, "AA") is None  # the one at the kiosk may not be the borrower
    assert not AccessLogEntry.objects.exists()


def test_a_reserved_copy_goes_to_the_holds_shelf_never_back_on_the_shelf() -> None:
    account = kiosk()
    borrower = make_member(home_branch=account.branch, preferred_language="en")
    waiting = make_member(home_branch=account.branch)
    item = make_item(home_branch=account.branch)
    loan_checkout(item=item, member=borrower, staff=None, branch=account.branch)
    hold = hold_place(record=item.record, member=waiting, pickup_branch=account.branch, staff=None)

    response = send(account, checkin(item.barcode))

    item.refresh_from_db()
    hold.refresh_from_db()
    assert item.status == ItemStatus.ON_HOLDS_SHELF
    assert hold.status == HoldStatus.READY
    assert response.fixed[:4] == "1YNY"
    assert (field(response, "CL"), field(response, "CV")) == ("2", "01")
    assert field(response, "CT") == account.branch.isil
    assert values(response, "AF") == [
        "Returned. Thank you!",
        "Reserved by a member: please put it in the reservations bin.",
    ]
    assert field(response, "CY") is None and field(response, "DA") is None


def test_a_copy_reserved_at_another_branch_goes_in_transit_there() -> None:
    account = kiosk()
    west = make_branch(name="Vestiging West")
    borrower = make_member(home_branch=account.branch, preferred_language="en")
    item = make_item(home_branch=account.branch)
    loan_checkout(item=item, member=borrower, staff=None, branch=account.branch)
    hold_place(record=item.record, member=make_member(), pickup_branch=west, staff=None)

    response = send(account, checkin(item.barcode))

    item.refresh_from_db()
    assert item.status == ItemStatus.IN_TRANSIT
    assert (field(response, "CL"), field(response, "CV")) == ("3", "02")
    assert field(response, "CT") == west.isil
    assert values(response, "AF")[-1] == (
        "This item goes to Vestiging West: please put it in the bin for transport."
    )


def test_returning_an_unknown_barcode_writes_nothing() -> None:
    account = kiosk()
    before = everything()

    response = send(account, checkin("0000000000"))

    assert response.fixed[0] == "0"
    assert everything() == before


def test_renew_extends_the_members_own_loan_as_the_kiosk() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch, preferred_language="en")
    item = make_item(home_branch=account.branch)
    yesterday = timezone.now() - dt.timedelta(days=1)
    loan = loan_checkout(item=item, member=member, staff=None, branch=account.branch, now=yesterday)
    old_due = loan.due_date

    response = send(
        account,
        request(
            "29",
            "NN" + sip_date() + " " * 18,
            AA=member.card_number,
            AD=PIN,
            AB=item.barcode,
        ),
    )

    loan.refresh_from_db()
    assert response.command == "30"
    assert response.fixed[:2] == "1Y"
    assert loan.due_date > old_due
    assert field(response, "AH") == sip_date(loan.due_date)
    assert LoanEvent.objects.get(loan=loan, action=LoanAction.RENEW).via == "kiosk"


def test_renewing_someone_elses_loan_is_refused_and_writes_nothing() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch, preferred_language="en")
    item = make_item(home_branch=account.branch)
    loan_checkout(item=item, member=make_member(), staff=None, branch=account.branch)
    before = everything()

    response = send(
        account,
        request("29", "NN" + sip_date() + " " * 18, AA=member.card_number, AD=PIN, AB=item.barcode),
    )

    assert response.fixed[:2] == "0N"
    assert values(response, "AF") == ["This item is not on loan on your card."]
    assert everything() == before


def test_renew_all_renews_what_gains_and_lists_both() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch, preferred_language="en")
    free, wanted = make_item(home_branch=account.branch), make_item(home_branch=account.branch)
    yesterday = timezone.now() - dt.timedelta(days=1)
    for item in (free, wanted):
        loan_checkout(item=item, member=member, staff=None, branch=account.branch, now=yesterday)
    hold_place(record=wanted.record, member=make_member(), pickup_branch=account.branch, staff=None)

    response = send(account, request("65", sip_date(), AA=member.card_number, AD=PIN))

    assert response.command == "66"
    assert response.fixed[:9] == "100010001"
    assert values(response, "BM") == [free.barcode]
    assert values(response, "BN") == [wanted.barcode]
    assert LoanEvent.objects.filter(action=LoanAction.RENEW, via="kiosk").count() == 1
    assert values(response, "AF") == ["Renewed: 1. Not renewed: 1."]


def test_renew_all_without_a_pin_renews_nothing() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch, preferred_language="en")
    loan_checkout(
        item=make_item(home_branch=account.branch),
        member=member,
        staff=None,
        branch=account.branch,
        now=timezone.now() - dt.timedelta(days=1),
    )
    before = everything()

    response = send(account, request("65", sip_date(), AA=member.card_number))

    assert response.fixed[:9] == "000000000"
    assert values(response, "AF") == ["Please enter your PIN."]
    assert everything() == before
    assert Hold.objects.count() == 0


def test_a_kiosk_checkout_costs_the_same_statements_with_0_or_30_loans() -> None:
    account = kiosk()
    make_rule(max_loans=100)
    light = member_with_pin(home_branch=account.branch)
    heavy = member_with_pin(home_branch=account.branch)
    bulk_open_loans(heavy, 30, branches=[account.branch])
    counts = []
    for member in (light, heavy):
        item = make_item(home_branch=account.branch)
        with CaptureQueriesContext(connection) as queries:
            response = send(account, checkout(member.card_number, item.barcode))
        assert response.fixed[0] == "1"
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]
    assert counts[0] <= 14


def test_a_copy_from_another_library_goes_in_the_transport_bin_and_is_not_renewed() -> None:
    """An interlibrary copy: the kiosk refuses a renewal (only the lending library gives more
    time) and, returned, sends it to the transport bin with an alert, not to the shelf."""
    account = kiosk()
    member = member_with_pin(home_branch=account.branch, preferred_language="en")
    item = make_item(home_branch=account.branch, item_type=ItemType.INTERLIBRARY)
    loan = loan_checkout(item=item, member=member, staff=None, branch=account.branch)
    due = loan.due_date

    renewal = send(
        account,
        request("29", "NN" + sip_date() + " " * 18, AA=member.card_number, AD=PIN, AB=item.barcode),
    )
    loan.refresh_from_db()
    assert renewal.fixed[0] == "0" and loan.due_date == due and loan.renewals == 0
    assert "another library" in " ".join(values(renewal, "AF"))

    response = send(account, checkin(item.barcode))

    assert response.fixed[0] == "1" and response.fixed[3] == "Y"  # ok, with an alert
    assert (field(response, "CL"), field(response, "CV")) == ("3", "99")
    assert values(response, "AF")[-1] == (
        "Borrowed from another library: please put it in the bin for transport."
    )
