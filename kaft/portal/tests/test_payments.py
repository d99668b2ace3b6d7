"""MijnBibliotheek "Betalingen": what is owed and what for, whether it blocks borrowing, the
history, receipts of one's own payments only, and nothing of a family member's money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from kaft.billing.models import ChargeKind, Payment, PaymentMethod
from kaft.billing.services.charges import charge_create, charge_waive
from kaft.billing.services.payments import payment_take
from kaft.catalog.models import Branch
from kaft.members.models import FamilyAccess, FamilyAccessStatus, Member, StaffRole
from kaft.privacy.models import AccessLogEntry
from tests.factories import ItemFactory, MemberFactory, StaffFactory
from tests.pdftext import pdf_lines, pdf_page_sizes_mm

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def money(member: Member, branch: Branch) -> Payment:
    """Sanne was charged € 12.00 for a damaged "Tirza" and € 2.50 administration; she paid
    € 2.50 by pin at the desk, and € 4.00 of the damage was waived."""
    kas = StaffFactory.create(profile__branch=branch, profile__role=StaffRole.FINANCE)
    item = ItemFactory.create(record__title="Tirza")
    yesterday = timezone.now() - dt.timedelta(days=1)
    damage = charge_create(
        member=member,
        kind=ChargeKind.DAMAGE,
        amount=D("12.00"),
        item=item,
        note="Waterschade",
        now=yesterday,
    )
    charge_create(member=member, kind=ChargeKind.ADMINISTRATION, amount=D("2.50"))
    payment = payment_take(
        member=member, amount=D("2.50"), method=PaymentMethod.PIN, branch=branch,
        charges=list(member.charges.filter(kind="admin")),
    )  # fmt: skip
    charge_waive(charge=damage, staff=kas, reason="Deels al beschadigd", amount=D("4.00"))
    return payment


def test_the_page_shows_what_is_owed_what_for_and_that_it_blocks(
    member_client: Client, money: Payment
) -> None:
    response = member_client.get("/mijn/betalingen/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="owed-total">€ 8,00<' in page
    charges = page[
        page.index('id="open-charges"') : page.index("</table>", page.index("open-charges"))
    ]
    assert "Schade: Tirza" in charges and "Waterschade" in charges and "€ 8,00" in charges
    assert "Administratiekosten" not in charges  # paid
    assert "U kunt hiermee gewoon blijven lenen." in page  # € 8.00 is under the € 10.00
    history = page[page.index('id="money-history"') :]
    assert "Kwijtgescholden: Deels al beschadigd" in history
    assert "Betaald (Pinpas)" in history
    assert money.receipt_number in page
    assert f'href="/mijn/betalingen/{money.pk}/bon/pdf/"' in page
    assert "mandate section" not in page  # the lead's spot is a template comment
    assert AccessLogEntry.objects.count() == 0  # the member's own look is no look to log
    assert "no-store" in response["Cache-Control"]


def test_more_than_the_threshold_blocks_borrowing_and_the_page_says_so(
    member_client: Client, member: Member
) -> None:
    charge_create(member=member, kind=ChargeKind.LOST, amount=D("19.95"))

    page = member_client.get("/mijn/betalingen/").content.decode()

    assert "U kunt niet lenen, verlengen of reserveren tot dit betaald is:" in page
    assert "Er staat meer dan € 10,00 open (€ 19,95)." in page


def test_nothing_owed(member_client: Client) -> None:
    page = member_client.get("/mijn/betalingen/").content.decode()

    assert "U hoeft de bibliotheek niets te betalen." in page
    assert "U hebt nog niets betaald." in page


def test_the_menu_leads_to_payments(member_client: Client) -> None:
    page = member_client.get("/mijn/").content.decode()

    assert 'href="/mijn/betalingen/"' in page


def test_a_receipt_as_page_and_as_pdf(member_client: Client, money: Payment) -> None:
    page = member_client.get(f"/mijn/betalingen/{money.pk}/bon/").content.decode()
    pdf = member_client.get(f"/mijn/betalingen/{money.pk}/bon/pdf/")

    assert money.receipt_number in page
    assert "Administratiekosten: € 2,50" in page
    assert "Betaald met: Pinpas" in page
    assert timezone.localdate().strftime("%d-%m-%Y") in page
    assert pdf["Content-Type"] == "application/pdf"
    (width, _height), *_ = pdf_page_sizes_mm(pdf.content)
    assert round(width) == 80
    lines = pdf_lines(pdf.content)
    assert f"Bon {money.receipt_number}" in lines and "Centrale Bibliotheek" in lines
    assert "EUR 2,50" in lines


def test_another_members_receipt_is_not_found(member_client: Client, branch: Branch) -> None:
    other = MemberFactory.create(home_branch=branch)
    charge_create(member=other, kind=ChargeKind.DAMAGE, amount=D("3.00"))
    theirs = payment_take(member=other, amount=D("3.00"), method=PaymentMethod.CASH)

    for url in (f"/mijn/betalingen/{theirs.pk}/bon/", f"/mijn/betalingen/{theirs.pk}/bon/pdf/"):
        assert member_client.get(url).status_code == 404
        assert member_client.post(url).status_code == 404
    assert member_client.get("/mijn/betalingen/999999/bon/").status_code == 404


def test_family_access_does_not_show_the_owners_money(
    member_client: Client, member: Member, branch: Branch
) -> None:
    owner = MemberFactory.create(first_name="Bram", home_branch=branch)
    now = timezone.now()
    FamilyAccess.objects.create(
        owner=owner,
        grantee=member,
        status=FamilyAccessStatus.ACTIVE,
        requested_at=now,
        answer_by=now + dt.timedelta(days=14),
        decided_at=now,
    )
    charge_create(member=owner, kind=ChargeKind.DAMAGE, amount=D("6.66"), note="Bram zijn boek")
    theirs = payment_take(member=owner, amount=D("1.00"), method=PaymentMethod.CASH)

    page = member_client.get("/mijn/betalingen/").content.decode()

    assert "6,66" not in page and "5,66" not in page and "Bram" not in page
    assert theirs.receipt_number not in page
    assert member_client.get(f"/mijn/betalingen/{theirs.pk}/bon/").status_code == 404


def test_in_english(member_client: Client, money: Payment) -> None:
    member_client.cookies["django_language"] = "en"

    page = member_client.get("/mijn/betalingen/").content.decode()

    assert "What you owe" in page and "Damage: Tirza" in page
