"""Joining online in a real browser, in Dutch: a person fills in *Lid worden*, gets the mail with
the card number and the link on a real SMTP server, follows the link, logs in; the desk refuses
a loan, checks the ID (*Identiteit gecontroleerd*), and then the member borrows a copy."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from kaft.circulation.models import Loan, LoanStatus
from kaft.members.models import Member
from tests.browser.conftest import desk_log_in
from tests.factories import BranchFactory, LoanRuleFactory, MemberCategoryFactory, StaffFactory
from tests.factories_desk import make_item
from tests.smtp import smtp_server

__all__ = ["smtp_server"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een lange zin als wachtwoord"
BARCODE = "30000000004242"


@pytest.fixture
def library() -> Any:
    cache.clear()
    LoanRuleFactory.create()
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    MemberCategoryFactory.create(code="jeugd", name="Jeugd", max_age=18, annual_fee=0)
    MemberCategoryFactory.create(code="volwassen", name="Volwassene")
    StaffFactory.create(username="balie1", profile__branch=centre)
    make_item(centre, BARCODE, "Het diner")
    return centre


def test_a_person_joins_online_and_borrows_after_the_id_check(
    page: Any, live_server: Any, smtp_server: Any, library: Any
) -> None:
    base = live_server.url

    # The person finds Lid worden from the login page and fills it in, in Dutch
    page.goto(f"{base}/inloggen/")
    page.get_by_role("link", name="Lid worden").click()
    page.get_by_role("heading", name="Lid worden").wait_for()
    assert "Jonger dan 16? Dan rondt een ouder of verzorger" in page.content()
    page.get_by_label("Voornaam").fill("Noor")
    page.get_by_label("Tussenvoegsel").fill("van")
    page.get_by_label("Achternaam").fill("Dijk")
    page.get_by_label("Geboortedatum").fill("1991-09-30")
    page.get_by_label("Straat").fill("Lindelaan")
    page.get_by_label("Huisnummer").fill("8")
    page.get_by_label("Postcode").fill("3521 AB")
    page.get_by_label("Plaats").fill("Utrecht")
    page.get_by_label("E-mailadres").fill("noor@example.org")
    page.locator("#id_new_password").fill(PASSWORD)
    page.locator("#id_new_password_again").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()

    # and sees the card number at once
    page.get_by_role("heading", name="Welkom bij de bibliotheek").wait_for()
    member = Member.objects.get(email="noor@example.org")
    assert page.locator(".card-number").inner_text() == member.card_number

    # The mail arrives with the card number and the link
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["noor@example.org"]
    assert member.card_number in mail.body
    found = re.search(r"\S+/lid-worden/bevestigen/\?t=\S+", mail.body)
    assert found is not None
    link = urlsplit(found.group(0))

    # Before the link, logging in says to follow it first
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Bevestig eerst uw e-mailadres").wait_for()

    # The link, the button, and then the login works
    page.goto(f"{base}{link.path}?{link.query}")
    page.get_by_role("button", name="Dit adres bevestigen").click()
    page.get_by_text("Uw e-mailadres is bevestigd").wait_for()
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/mijn/")

    # At the desk: lending is refused until the ID document was seen
    desk = page.context.browser.new_context(locale="nl-NL").new_page()
    desk.set_default_timeout(10_000)
    desk_log_in(desk, base)
    desk.keyboard.type(member.card_number + "\n")
    desk.get_by_role("heading", name="Noor van Dijk").wait_for()
    desk.keyboard.type(BARCODE + "\n")
    desk.locator("#scan-log tr.refused").first.wait_for()
    assert "identiteitsbewijs" in desk.locator("#scan-log").inner_text()
    assert not Loan.objects.exists()

    # staff open the member, see the sign-up waiting and check the ID
    desk.goto(f"{base}/desk/members/?signups=1")
    desk.get_by_role("link", name="Noor van Dijk").click()
    desk.get_by_role("heading", name="Online aangemeld: identiteitscontrole nodig").wait_for()
    desk.get_by_label("Gezien bewijs").select_option("id_card")
    desk.get_by_role("button", name="Identiteit gecontroleerd").click()
    desk.get_by_text("De aanmelding is afgerond").wait_for()

    # and the member borrows the copy
    desk.goto(f"{base}/desk/")
    desk.wait_for_function("document.activeElement && document.activeElement.id === 'scan-field'")
    desk.keyboard.type(member.card_number + "\n")
    desk.get_by_role("heading", name="Noor van Dijk").wait_for()
    desk.keyboard.type(BARCODE + "\n")
    desk.locator("#scan-log tr.lent").first.wait_for()
    loan = Loan.objects.get(status=LoanStatus.OPEN)
    assert (loan.member_id, loan.item.barcode) == (member.pk, BARCODE)
    desk.context.close()
