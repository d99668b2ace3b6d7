"""Interlibrary loan in a real browser, in Dutch, in both roles.

We request: a member finds nothing in the catalogue, asks another library for the title from the
search page and sees the request with its state and fee in MijnBibliotheek; the desk sees it at
*Interbibliothecair leenverkeer*; the partner library answers that it lent the book, staff press
*Binnen aan de balie*, and the member sees the loan, the date and the fee.

We supply: a partner library's request arrives, staff find it on the pick list and ship our copy
by scanning its barcode.

The partner library is played by the test: its messages to us go through
:func:`~kaft.interlibrary.services.incoming.message_receive`, ours to it through a stand-in for
the outbox's HTTP call, which reads and confirms them (no network)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from kaft.billing.models import Charge, ChargeKind
from kaft.catalog.models import ItemStatus
from kaft.circulation.models import Loan, LoanStatus
from kaft.interlibrary import iso18626
from kaft.interlibrary.models import IllRole, IllStatus, InterlibraryRequest, LibraryPartner
from kaft.interlibrary.services import outbox
from kaft.interlibrary.services.incoming import message_receive
from kaft.members.models import Member
from tests.browser.conftest import desk_log_in
from tests.factories import (
    PASSWORD,
    BranchFactory,
    LoanRuleFactory,
    MemberFactory,
    StaffFactory,
)
from tests.factories_desk import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUR_ISIL = "NL-UtrCB"
THEIR_ISIL = "NL-RtdCB"
SECRET = "gedeeld-geheim-rotterdam"
WANTED = "Het verborgen leven van bijen"
OUR_COPY = "30000000008811"


class Partner:
    """The other library: what we sent it (each message read as its side would), and a
    confirmation for each, as its ISO 18626 endpoint answers."""

    def __init__(self) -> None:
        self.received: list[iso18626.Message] = []
        self.bodies: list[bytes] = []

    def post(self, url: str, secret: str, body: bytes, *_tls: Any) -> bytes:
        assert url == "http://rotterdam.invalid/api/iso18626" and secret == SECRET
        message = iso18626.message_parse(body)
        self.received.append(message)
        self.bodies.append(body)
        return iso18626.build_confirmation(
            kind=message.kind,
            header=message.header,
            received_at=timezone.now(),
            reason=message.fields.get("reason", ""),
            action=message.fields.get("action", ""),
        )

    def kinds(self) -> list[str]:
        return [m.kind for m in self.received]


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    cache.clear()
    LoanRuleFactory.create()
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek", isil=OUR_ISIL)
    StaffFactory.create(username="balie1", profile__branch=centre)
    member = MemberFactory.create(
        card_number="21000000003131", first_name="Fenna", last_name="Bakker", home_branch=centre
    )
    LibraryPartner.objects.create(
        name="Bibliotheek Rotterdam",
        isil=THEIR_ISIL,
        endpoint_url="http://rotterdam.invalid/api/iso18626",
        secret=SECRET,
        fee=Decimal("3.50"),
        loan_days=21,
    )
    partner = Partner()
    monkeypatch.setattr(outbox, "_post", partner.post)
    return {"centre": centre, "member": member, "partner": partner}


def _log_in(page: Any, base: str, member: Member) -> None:
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/mijn/")


def _desk(page: Any, base: str) -> Any:
    desk = page.context.browser.new_context(locale="nl-NL").new_page()
    desk.set_default_timeout(10_000)
    desk_log_in(desk, base)
    return desk


def _dmy(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def test_a_member_asks_another_library_and_borrows_the_book(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    base = live_server.url
    member: Member = library["member"]
    partner: Partner = library["partner"]

    # The member searches the catalogue, finds nothing, and asks another library from there
    _log_in(page, base, member)
    page.get_by_role("link", name="Catalogus").click()
    page.get_by_label("Zoeken in de catalogus").fill(WANTED)
    page.get_by_label("Zoeken in de catalogus").press("Enter")
    page.get_by_text("Niets gevonden. Probeer minder of andere woorden.").wait_for()
    page.get_by_role("link", name="Vraag aan bij een andere bibliotheek").click()
    page.get_by_role("heading", name="Vraag aan bij een andere bibliotheek").wait_for()
    assert page.get_by_label("Titel").input_value() == WANTED
    page.get_by_label("Auteur").fill("Dave Goulson")
    page.get_by_role("button", name="Aanvraag versturen").click()

    # The request is listed with the library, its state and the fee
    page.get_by_text("Uw aanvraag is verstuurd naar een andere bibliotheek.").wait_for()
    ours = InterlibraryRequest.objects.get(role=IllRole.REQUESTING)
    row = page.locator(f"#ill-{ours.pk}")
    listed = row.inner_text()
    assert WANTED in listed and "Bibliotheek Rotterdam" in listed
    assert "Aanvraag ontvangen" in listed and "kosten € 3,50" in listed
    # The partner got the title and author, and nothing about the member
    assert partner.kinds() == ["request"]
    sent = partner.received[0].fields
    assert (sent.get("title"), sent.get("author")) == (WANTED, "Dave Goulson")
    assert ours.status == IllStatus.REQUEST_RECEIVED and ours.member_id == member.pk

    # The desk sees it under Interbibliothecair leenverkeer, with the member
    desk = _desk(page, base)
    desk.get_by_role("link", name="Interbibliothecair leenverkeer").click()
    desk.get_by_role("heading", name="Interbibliothecair leenverkeer", level=1).wait_for()
    requesting = desk.locator("table.ill-requesting tbody tr")
    assert requesting.count() == 1
    shown = requesting.inner_text()
    assert WANTED in shown and "Fenna Bakker" in shown and "Aanvraag ontvangen" in shown

    # Rotterdam lends and ships the book
    due = timezone.localdate() + dt.timedelta(days=21)
    answer = message_receive(
        body=iso18626.build_supplying_message(
            header=iso18626.Header(
                supplying_isil=THEIR_ISIL,
                requesting_isil=OUR_ISIL,
                requesting_request_id=ours.requesting_id,
                supplying_request_id=f"{THEIR_ISIL}-0000000000000a1b",
            ),
            reason="StatusChange",
            status="Loaned",
            due_date=due,
            shipped_at=timezone.now(),
            item_id="RTD-88123",
        ),
        secret=SECRET,
    )
    assert answer.status == 200

    # The desk sees it lent and receives it: lent to the member at once
    desk.reload()
    assert "Uitgeleend" in requesting.inner_text() and _dmy(due) in requesting.inner_text()
    desk.get_by_role("link", name=WANTED).click()
    desk.get_by_role("heading", name="IBL-aanvraag").wait_for()
    desk.get_by_role("button", name="Binnen aan de balie: uitlenen aan het lid").click()
    desk.get_by_text("Gedaan.").wait_for()
    loan = Loan.objects.get(member=member)
    assert loan.status == LoanStatus.OPEN and loan.item.record.title == WANTED
    assert Charge.objects.get(member=member).kind == ChargeKind.INTERLIBRARY
    assert partner.kinds() == ["request", "requestingAgencyMessage"]
    assert partner.received[1].fields.get("action") == "Received"
    desk.context.close()

    # The member sees the state, the date and the fee, and the book among the loans
    page.reload()
    listed = page.locator(f"#ill-{ours.pk}").inner_text()
    assert "Uitgeleend" in listed and f"terug op {_dmy(due)}" in listed
    assert "kosten € 3,50" in listed
    page.get_by_role("link", name="Leningen").first.click()
    page.wait_for_url(f"{base}/mijn/")
    assert WANTED in page.locator(f"#loan-{loan.pk}").inner_text()
    # and the fee among the payments
    page.get_by_role("link", name="Betalingen").first.click()
    payments = page.locator("main").inner_text()
    assert "3,50" in payments and WANTED in payments


def test_the_desk_ships_our_copy_to_a_partner_by_scanning_it(
    page: Any, live_server: Any, library: dict[str, Any]
) -> None:
    base = live_server.url
    partner: Partner = library["partner"]
    copy = make_item(library["centre"], OUR_COPY, "Het Achterhuis")

    # Rotterdam asks for our copy
    answer = message_receive(
        body=iso18626.build_request(
            header=iso18626.Header(
                supplying_isil=OUR_ISIL,
                requesting_isil=THEIR_ISIL,
                requesting_request_id=f"{THEIR_ISIL}-00000000000077ab",
            ),
            title="Het Achterhuis",
            author="Anne Frank",
            isbn="9789044331147",
        ),
        secret=SECRET,
    )
    assert answer.status == 200
    theirs = InterlibraryRequest.objects.get(role=IllRole.SUPPLYING)

    # Staff find it on the pick list
    desk_log_in(page, base)
    page.get_by_role("link", name="Interbibliothecair leenverkeer").click()
    page.get_by_role("heading", name="Picklijst: aanvragen van andere bibliotheken").wait_for()
    picks = page.locator("table.ill-pick tbody tr")
    assert picks.count() == 1
    shown = picks.inner_text()
    assert "Bibliotheek Rotterdam" in shown and "Het Achterhuis" in shown
    assert "9789044331147" in shown and "Aanvraag ontvangen" in shown

    # open it and scan the copy's barcode: lent and shipped
    picks.get_by_role("link", name="Het Achterhuis").click()
    page.get_by_role("heading", name="IBL-aanvraag").wait_for()
    page.get_by_label("Barcode van ons exemplaar (om uit te lenen en te versturen)").click()
    page.keyboard.type(OUR_COPY + "\n")
    page.get_by_text("Gedaan.").wait_for()
    assert page.locator("#ill-status").inner_text() == "Uitgeleend"
    due = timezone.localdate() + dt.timedelta(days=21)
    assert _dmy(due) in page.locator("dl.ill-detail").inner_text()

    theirs.refresh_from_db()
    copy.refresh_from_db()
    assert theirs.status == IllStatus.LOANED and theirs.item_id == copy.pk
    assert copy.status == ItemStatus.ON_LOAN
    # Rotterdam is told: lent, with the due date and our barcode
    assert partner.kinds() == ["supplyingAgencyMessage"]
    told = partner.received[0].fields
    assert told.get("status") == "Loaned"
    assert f"<ill:itemId>{OUR_COPY}</ill:itemId>".encode() in partner.bodies[0]
    assert iso18626.due_date_of(told.get("due_date", "")) == due

    # Off the pick list, among what we supply
    page.get_by_role("link", name="Alle IBL-aanvragen").click()
    page.get_by_text("Geen aanvragen van andere bibliotheken om te pakken.").wait_for()
    supplying = page.locator("table.ill-supplying tbody tr").inner_text()
    assert OUR_COPY in supplying and "Uitgeleend" in supplying
