"""MijnBibliotheek's loans page: the late fee so far on an overdue loan, read in one query for
all of the member's fines, and why money keeps the member from borrowing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.billing.models import ChargeKind
from kaft.billing.services.charges import charge_create
from kaft.billing.services.fines import fines_update
from kaft.members.models import Member
from tests.factories import LoanRuleFactory
from tests.factories_portal import LoanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rule() -> None:
    LoanRuleFactory.create(loan_days=21, fine_per_day=Decimal("0.15"))


def _late(member: Member, days: int, title: str = "Max Havelaar") -> None:
    LoanFactory.create(
        member=member,
        item__record__title=title,
        due_date=timezone.localdate() - dt.timedelta(days=days),
    )


def test_an_overdue_loan_shows_its_fine_so_far(member_client: Client, member: Member) -> None:
    _late(member, 3)
    LoanFactory.create(member=member, item__record__title="De avonden")
    someone = LoanFactory.create().member
    assert someone is not None
    _late(someone, 5, "Iemand anders")  # another member's fine
    fines_update()

    html = member_client.get("/mijn/").content.decode()

    assert "Boete tot nu toe: € 0,45" in html
    assert html.count("Boete tot nu toe") == 1
    assert "U kunt op dit moment niet lenen" not in html


def test_the_fines_cost_one_query_however_many_loans(member_client: Client, member: Member) -> None:
    _late(member, 2)
    fines_update()
    with CaptureQueriesContext(connection) as one:
        member_client.get("/mijn/")
    for n in range(4):
        _late(member, 3 + n, f"Titel {n}")
    fines_update()
    with CaptureQueriesContext(connection) as five:
        html = member_client.get("/mijn/").content.decode()
    assert html.count("Boete tot nu toe") == 5
    assert len(five) == len(one)
    # the fines (one query), then the money block: what is owed, whether an invoice is open
    assert sum("billing_charge" in q["sql"] for q in five.captured_queries) == 3


def test_a_money_block_is_explained_with_the_amount(member_client: Client, member: Member) -> None:
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("14.00"))

    html = member_client.get("/mijn/").content.decode()

    assert "U kunt op dit moment niet lenen, verlengen of reserveren." in html
    assert "Er staat nog € 14,00 open (de grens is € 10,00). Betaal dit eerst aan de balie." in html
