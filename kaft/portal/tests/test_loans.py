"""MijnBibliotheek loans: due dates, overdue, renewals left, renewing one or all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone
from django.utils.html import escape

from kaft.catalog.models import Branch, ItemType
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Loan, LoanEvent, LoanRule
from kaft.circulation.services.renew_all import loans_renew_all
from kaft.members.models import Member
from tests.factories import BranchFactory, LoanRuleFactory, RecordFactory
from tests.factories_portal import HoldFactory, LoanFactory

pytestmark = pytest.mark.django_db


def _date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


@pytest.fixture(autouse=True)
def _rule() -> None:
    LoanRuleFactory.create(loan_days=21, renewals_allowed=2)


def _snapshot(loan: Loan) -> tuple[dt.date, int, str]:
    loan.refresh_from_db()
    return loan.due_date, loan.renewals, loan.status


def test_loans_page_lists_due_dates_overdue_and_renewals_left(
    member_client: Client, member: Member
) -> None:
    today = timezone.localdate()
    LoanFactory.create(member=member, item__record__title="De avond is ongemak", renewals=0)
    LoanFactory.create(
        member=member,
        item__record__title="Max Havelaar",
        due_date=today - dt.timedelta(days=2),
        renewals=1,
    )
    LoanFactory.create(item__record__title="Iemand anders zijn boek")

    html = member_client.get("/mijn/").content.decode()

    assert "De avond is ongemak" in html
    assert _date(today + dt.timedelta(days=14)) in html
    assert "Nog 2 keer verlengen mogelijk" in html
    assert "Max Havelaar" in html
    assert _date(today - dt.timedelta(days=2)) in html
    assert "Nog 1 keer verlengen mogelijk" in html
    assert html.count("Te laat</span>") == 1
    assert "Iemand anders zijn boek" not in html


def test_member_renews_one_loan(member_client: Client, member: Member) -> None:
    loan = LoanFactory.create(member=member)
    before = loan.due_date

    response = member_client.post(f"/mijn/leningen/{loan.pk}/verlengen/")

    assert response.status_code == 302
    assert response["Location"] == "/mijn/"
    due, renewals, status = _snapshot(loan)
    assert due > before
    assert (renewals, status) == (1, "open")
    assert LoanEvent.objects.get(loan=loan, action="renew").via == "portal"
    html = member_client.get("/mijn/").content.decode()
    assert f"Verlengd tot {_date(due)}." in html
    assert "Nog 1 keer verlengen mogelijk" in html


def test_renewing_with_htmx_returns_the_changed_row(member_client: Client, member: Member) -> None:
    loan = LoanFactory.create(member=member)

    response = member_client.post(f"/mijn/leningen/{loan.pk}/verlengen/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    due, _renewals, _status = _snapshot(loan)
    assert response.status_code == 200
    assert html.startswith(f'<li class="card loan" id="loan-{loan.pk}">')
    assert f'<strong class="due-date">{_date(due)}</strong>' in html
    assert "<html" not in html


def test_refused_renewal_shows_the_reason_and_changes_nothing(
    member_client: Client, member: Member
) -> None:
    loan = LoanFactory.create(member=member, renewals=2)
    before = _snapshot(loan)

    member_client.post(f"/mijn/leningen/{loan.pk}/verlengen/")

    html = member_client.get("/mijn/").content.decode()
    assert escape(CirculationErrorCode.NO_RENEWALS_LEFT.message) in html
    assert _snapshot(loan) == before
    assert not LoanEvent.objects.filter(loan=loan, action="renew").exists()


def test_renew_all_renews_what_it_can_and_says_why_not_per_loan(
    member_client: Client, member: Member, branch: Branch
) -> None:
    renewable = LoanFactory.create(member=member)
    used_up = LoanFactory.create(member=member, renewals=2)
    reserved = LoanFactory.create(
        member=member, item__record=RecordFactory.create(title="Gewild boek")
    )
    HoldFactory.create(record=reserved.record, pickup_branch=branch)
    before_renewable = renewable.due_date
    before_used_up, before_reserved = _snapshot(used_up), _snapshot(reserved)

    response = member_client.post("/mijn/leningen/verlengen/")

    assert response["Location"] == "/mijn/"
    assert _snapshot(renewable)[0] > before_renewable
    assert _snapshot(used_up) == before_used_up
    assert _snapshot(reserved) == before_reserved
    html = member_client.get("/mijn/").content.decode()
    assert "1 van 3 leningen verlengd." in html
    assert html.count(escape(CirculationErrorCode.NO_RENEWALS_LEFT.message)) == 1
    assert html.count(escape(CirculationErrorCode.RENEWAL_RESERVED.message)) == 1
    reserved_row = html.split(f'id="loan-{reserved.pk}"')[1].split("</li>")[0]
    assert escape(CirculationErrorCode.RENEWAL_RESERVED.message) in reserved_row


def test_renew_is_post_only(member_client: Client, member: Member) -> None:
    loan = LoanFactory.create(member=member)

    assert member_client.get(f"/mijn/leningen/{loan.pk}/verlengen/").status_code == 405
    assert member_client.get("/mijn/leningen/verlengen/").status_code == 405
    assert _snapshot(loan)[1] == 0


def _queries_for_loans_page(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/mijn/")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_loans_page_queries_do_not_grow_with_the_number_of_loans(
    member_client: Client, member: Member
) -> None:
    # Mixed item types and lending branches, each with its own rule: still constant queries.
    west = BranchFactory.create()
    LoanRuleFactory.create(item_type=ItemType.AUDIOVISUAL, renewals_allowed=0)
    LoanRuleFactory.create(branch=west, renewals_allowed=5)
    LoanFactory.create(member=member)
    one = _queries_for_loans_page(member_client)

    record = RecordFactory.create()
    types = [ItemType.BOOK, ItemType.AUDIOVISUAL, ItemType.MAGAZINE]
    for n in range(199):
        branch = west if n % 2 else member.home_branch
        LoanFactory.create(
            member=member,
            branch=branch,
            item__record=record,
            item__home_branch=branch,
            item__item_type=types[n % 3],
        )
    response = member_client.get("/mijn/")
    many = _queries_for_loans_page(member_client)

    assert Loan.objects.filter(member=member).count() == 200
    assert many == one
    left = sorted({row.renewals_left for row in response.context["rows"]})
    assert left == [0, 2, 5]


def test_a_loan_without_renewals_left_says_why_instead_of_a_button(
    member_client: Client, member: Member
) -> None:
    used_up = LoanFactory.create(member=member, renewals=2)
    renewable = LoanFactory.create(member=member, renewals=1)

    html = member_client.get("/mijn/").content.decode()

    used_up_row = html.split(f'id="loan-{used_up.pk}"')[1].split("</li>")[0]
    renewable_row = html.split(f'id="loan-{renewable.pk}"')[1].split("</li>")[0]
    assert "<button" not in used_up_row
    assert "Geen verlengingen meer" in used_up_row
    assert f'action="/mijn/leningen/{renewable.pk}/verlengen/"' in renewable_row
    assert "Geen verlengingen meer" not in renewable_row


def test_renew_all_tries_no_loan_that_gains_nothing(member: Member) -> None:
    # Given a rule whose period would not move the due date later (loan_days 0, due in 5 days)
    LoanRule.objects.update(loan_days=0)
    due = timezone.localdate() + dt.timedelta(days=5)
    loan = LoanFactory.create(member=member, due_date=due)
    before = _snapshot(loan)

    # When all loans are renewed
    results = loans_renew_all(member=member)

    # Then the loan is left as it was, with the reason
    assert [(r.loan_id, r.renewed, r.code, r.due_date) for r in results] == [
        (loan.pk, False, CirculationErrorCode.RENEWAL_GAINS_NOTHING.value, due)
    ]
    assert _snapshot(loan) == before
    assert not LoanEvent.objects.filter(loan=loan, action="renew").exists()
