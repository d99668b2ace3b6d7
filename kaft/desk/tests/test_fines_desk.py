"""The desk shows money as it is: the late fee so far beside a loan, a money block with its
reason and amount, and a refused checkout that says how much is owed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from kaft.billing.models import ChargeKind
from kaft.billing.services.charges import charge_create
from kaft.billing.services.fines import fines_update
from kaft.catalog.models import Branch
from kaft.circulation.models import Loan, LoanRule
from kaft.circulation.services import loan_checkout
from kaft.members.models import Member, User
from kaft.privacy.models import AccessLogEntry
from tests.factories_desk import JSON, log_parts, make_item


def scan(client: Client, value: str) -> dict[str, Any]:
    member = str(client.session.get("desk_member_id", ""))
    response = client.post("/desk/scan/", {"value": value, "member": member}, headers=JSON)
    assert response.status_code == 200
    return response.json()


def overdue_loan(member: Member, staff: User, branch: Branch, days_late: int) -> Loan:
    LoanRule.objects.create(loan_days=21, fine_per_day=Decimal("0.25"))
    item = make_item(branch, "30000000000001", "De avonden")
    lent = timezone.now() - dt.timedelta(days=21 + days_late)
    return loan_checkout(item=item, member=member, staff=staff, branch=branch, now=lent)


def test_the_panel_shows_the_fine_so_far_and_logs_the_look_at_money(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    loan = overdue_loan(member, staff, central, days_late=4)
    fines_update()
    AccessLogEntry.objects.all().delete()

    panel = scan(desk, member.card_number)["replace"]["member-panel"]

    assert loan.item.record.title in panel
    assert "boete tot nu € 1,00" in panel
    assert "Actief" in panel  # € 1.00 is below the limit: may borrow
    assert [part for part, _s, _b in log_parts(member)] == [
        "identity",
        "status",
        "loans",
        "holds",
        "payments",
    ]


def test_owing_too_much_shows_reason_and_amount_and_refuses_the_checkout(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("12.30"))
    make_item(central, "30000000000002", "Max Havelaar")

    panel = scan(desk, member.card_number)["replace"]["member-panel"]
    answer = scan(desk, "30000000000002")

    assert "Geblokkeerd: openstaand bedrag" in panel
    assert "€ 12,30 open, meer dan de toegestane € 10,00" in panel
    assert (
        "Dit lid kan pas weer lenen na betaling: € 12,30 open, meer dan de toegestane € 10,00."
        in answer["append"]
    )
    assert Loan.objects.count() == 0


def test_the_member_page_shows_the_block_too(desk: Client, central: Branch, member: Member) -> None:
    charge_create(member=member, kind=ChargeKind.LOST, amount=Decimal("19.95"))

    page = desk.get(f"/desk/members/{member.pk}/").content.decode()

    assert "Geblokkeerd: openstaand bedrag" in page
    assert "€ 19,95 open" in page
    assert "payments" in [part for part, _s, _b in log_parts(member)]
