"""Kasoverzicht: per branch and day, payments by method with totals, waivers and refunds, on
screen, as CSV and as PDF, for finance staff and administrators only, naming no member. And the
finance login's boundaries: money screens yes, lending, members and privacy screens no."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from kaft.billing.models import ChargeKind, PaymentMethod
from kaft.billing.services.charges import charge_create, charge_refund, charge_waive
from kaft.billing.services.payments import payment_take
from kaft.catalog.models import Branch
from kaft.members.models import Member, StaffRole, User
from kaft.privacy.models import AccessLogEntry
from tests.factories import StaffFactory
from tests.factories_desk import staff_login
from tests.pdftext import pdf_lines

D = Decimal
DAY = dt.date(2026, 12, 3)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def kas(central: Branch) -> User:
    return StaffFactory.create(
        username="kas1",
        profile__branch=central,
        profile__role=StaffRole.FINANCE,
        profile__display_name="Financiën",
    )


@pytest.fixture
def finance(kas: User) -> Client:
    return staff_login(Client(), kas)


@pytest.fixture
def day_of_money(
    staff: User, kas: User, central: Branch, west: Branch, member: Member, other_member: Member
) -> None:
    """On 3 December 2026 the central branch takes € 2.50 cash, € 7.00 cash and € 4.00 by pin,
    waives € 3.00 (damage) and refunds € 5.00 (lost copy); the west branch takes € 1.00, and the
    central branch € 9.00 on the next day."""
    for amount, when in ((D("2.50"), at(9, 5)), (D("7.00"), at(11)), (D("4.00"), at(15, 30))):
        charge_create(member=member, kind=ChargeKind.ADMINISTRATION, amount=amount, now=when)
    payment_take(member=member, amount=D("2.50"), method=PaymentMethod.CASH, staff=staff,
                 branch=central, now=at(9, 10))  # fmt: skip
    payment_take(member=member, amount=D("7.00"), method=PaymentMethod.CASH, staff=staff,
                 branch=central, now=at(11, 15))  # fmt: skip
    payment_take(member=member, amount=D("4.00"), method=PaymentMethod.PIN, staff=staff,
                 branch=central, now=at(15, 45))  # fmt: skip
    damage = charge_create(member=other_member, kind=ChargeKind.DAMAGE, amount=D("3.00"), now=at(8))
    charge_waive(charge=damage, staff=kas, reason="Was al beschadigd", branch=central, now=at(12))
    lost = charge_create(member=other_member, kind=ChargeKind.LOST, amount=D("5.00"), now=at(8))
    payment_take(member=other_member, amount=D("5.00"), method=PaymentMethod.PIN, staff=staff,
                 branch=west, charges=[lost], now=at(10))  # fmt: skip
    charge_refund(charge=lost, method=PaymentMethod.CASH, reason="Boek teruggevonden",
                  staff=staff, branch=central, now=at(16))  # fmt: skip
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D("9.00"), now=at(8))
    payment_take(member=member, amount=D("9.00"), method=PaymentMethod.CASH, staff=staff,
                 branch=central, now=at(10, day=DAY + dt.timedelta(days=1)))  # fmt: skip
    AccessLogEntry.objects.all().delete()


PRIVATE = ("Sanne", "Vries", "Daan", "Bakker", "21000000000042", "21000000000099", "Kastanjelaan")


def test_the_report_gives_each_method_its_total_and_lists_waivers_and_refunds(
    finance: Client, central: Branch, day_of_money: None
) -> None:
    response = finance.get("/desk/cash/", {"day": "2026-12-03", "branch": str(central.pk)})

    page = response.content.decode()
    assert response.status_code == 200
    totals = page[
        page.index('id="cash-totals"') : page.index("</table>", page.index("cash-totals"))
    ]
    assert '<th scope="row">Contant</th><td class="num">2</td><td class="num">€ 9,50</td>' in totals
    assert '<th scope="row">Pinpas</th><td class="num">1</td><td class="num">€ 4,00</td>' in totals
    assert 'id="cash-total">€ 13,50<' in totals
    assert "Was al beschadigd" in page and "€ 3,00" in page
    assert "Boek teruggevonden" in page and "€ 5,00" in page
    assert "09:10" in page and "11:15" in page and "15:45" in page
    assert "€ 9,00" not in page  # the next day
    assert "€ 1,00" not in page  # the west branch
    for private in PRIVATE:
        assert private not in page
    assert AccessLogEntry.objects.count() == 0
    assert 'type="date"' in page and 'value="2026-12-03"' in page


def test_the_report_as_csv(finance: Client, central: Branch, day_of_money: None) -> None:
    response = finance.get("/desk/cash/csv/", {"day": "2026-12-03", "branch": str(central.pk)})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kas-centrale-2026-12-03.csv"' in response["Content-Disposition"]
    assert rows[0] == ["Soort", "Datum", "Tijd", "Bon", "Betaalwijze", "Kosten", "Reden", "Door",
                       "Bedrag"]  # fmt: skip
    kinds = [(row[0], row[4], row[8]) for row in rows[1:]]
    assert kinds == [
        ("Betaling", "Contant", "2.50"),
        ("Betaling", "Contant", "7.00"),
        ("Betaling", "Pinpas", "4.00"),
        ("Kwijtschelding", "", "3.00"),
        ("Terugbetaling", "Contant", "5.00"),
        ("Totaal", "Contant", "9.50"),
        ("Totaal", "Pinpas", "4.00"),
    ]
    assert rows[4][6] == "Was al beschadigd" and rows[4][7] == "Financiën"
    assert rows[1][1] == "03-12-2026"
    text = response.content.decode()
    for private in PRIVATE:
        assert private not in text


def test_the_report_as_pdf(finance: Client, central: Branch, day_of_money: None) -> None:
    response = finance.get("/desk/cash/pdf/", {"day": "2026-12-03", "branch": str(central.pk)})

    lines = pdf_lines(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert "Kasoverzicht Centrale Bibliotheek 03-12-2026" in lines
    assert "EUR 13,50" in lines and "EUR 9,50" in lines
    assert "Was al beschadigd" in lines and "Boek teruggevonden (Contant)" in lines
    for private in PRIVATE:
        assert not any(private in line for line in lines)


def test_without_a_choice_the_report_is_of_today_at_the_staff_members_branch(
    finance: Client,
) -> None:
    page = finance.get("/desk/cash/").content.decode()

    assert timezone.localdate().strftime("%d-%m-%Y") in page
    assert "Centrale Bibliotheek" in page
    assert "Geen betalingen op deze dag." in page


@pytest.mark.parametrize("day", ["2999-01-01", "x", "31-02-2024"])
def test_a_day_that_cannot_be_chosen_falls_back_to_today(finance: Client, day: str) -> None:
    response = finance.get("/desk/cash/", {"day": day})

    assert response.status_code == 200
    assert timezone.localdate().strftime("%d-%m-%Y") in response.content.decode()


def test_desk_staff_and_privacy_officers_do_not_get_the_report(
    desk: Client, central: Branch
) -> None:
    from tests.factories_transparency import officer

    officer_client = staff_login(Client(), officer(central, username="fg1"))
    for url in ("/desk/cash/", "/desk/cash/csv/", "/desk/cash/pdf/"):
        assert desk.get(url).status_code == 403
        assert officer_client.get(url).status_code == 403


def test_administrators_get_the_report(central: Branch) -> None:
    admin = StaffFactory.create(profile__branch=central, profile__role=StaffRole.ADMINISTRATOR)

    assert staff_login(Client(), admin).get("/desk/cash/").status_code == 200


# --- the finance login: money, and no more ---------------------------------------------------


def test_finance_lands_on_the_cash_report_and_its_menu_has_only_money(
    kas: User, central: Branch
) -> None:
    from tests.factories import PASSWORD

    client = Client()
    response = client.post(
        "/desk/login/", {"username": "kas1", "password": PASSWORD, "branch": central.pk}
    )
    assert response["Location"] == "/desk/cash/"
    page = client.get("/desk/cash/").content.decode()
    nav = page[page.index('class="desk-nav"') : page.index("</nav>")]
    assert 'href="/desk/cash/"' in nav and 'href="/desk/payments/"' in nav
    for elsewhere in ("/desk/checkin/", "/desk/members/", "/desk/privacy/", "/desk/items/"):
        assert elsewhere not in nav


@pytest.mark.parametrize(
    "url",
    [
        "/desk/",
        "/desk/checkin/",
        "/desk/members/?q=Vries",
        "/desk/members/{member}/",
        "/desk/members/{member}/edit/",
        "/desk/members/{member}/consents/",
        "/desk/members/{member}/notes/",
        "/desk/members/{member}/export/",
        "/desk/items/?q=avonden",
        "/desk/holds-shelf/",
        "/desk/privacy/",
        "/desk/privacy/legal/",
        "/desk/privacy/retention/",
        "/desk/receipt/",
    ],
)
def test_finance_sees_no_loans_members_or_privacy_screens(
    finance: Client, member: Member, url: str
) -> None:
    response = finance.get(url.format(member=member.pk))

    assert response.status_code == 403
    assert AccessLogEntry.objects.count() == 0


def test_finance_reaches_the_payment_screens_and_the_branch_picker(
    finance: Client, member: Member, central: Branch
) -> None:
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=D("3.00"))

    assert finance.get("/desk/payments/").status_code == 200
    assert finance.get(f"/desk/members/{member.pk}/payments/").status_code == 200
    assert finance.get("/desk/branch/").status_code == 200
    page = finance.get(f"/desk/members/{member.pk}/payments/").content.decode()
    assert f'/desk/members/{member.pk}/"' not in page  # no link to the member's details
    assert "Kastanjelaan" not in page and "sanne@example.org" not in page
