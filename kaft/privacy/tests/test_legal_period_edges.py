"""A police or justice request whose period runs from the first or to the last day a date can
have is approved like any other, with exactly the rows of that period; the desk's registration
form keeps the period to sane years and says so."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.test import Client
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.circulation.models import Loan
from kaft.circulation.services import loan_checkout
from kaft.members.models import Member, User
from kaft.privacy.models import Disclosure, LegalRequest, LegalRequestStatus
from kaft.privacy.services.legal import legal_request_decide
from tests.factories import BranchFactory, MemberFactory, StaffFactory
from tests.factories_desk import make_item, staff_login
from tests.factories_transparency import legal_request, officer

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()
FIRST, LAST = dt.date.min, dt.date.max  # 0001-01-01, 9999-12-31


@pytest.fixture
def branch() -> Branch:
    return cast(Branch, BranchFactory(code="centrale", name="Centrale Bibliotheek"))


@pytest.fixture
def member(branch: Branch) -> Member:
    member = cast(Member, MemberFactory(first_name="Sanne", home_branch=branch))
    staff = cast(User, StaffFactory(profile__branch=branch))
    for barcode, title, day in (
        ("30000000000001", "De avonden", dt.date(2025, 12, 31)),
        ("30000000000002", "Max Havelaar", dt.date(2026, 3, 15)),
    ):
        loan = loan_checkout(
            item=make_item(branch, barcode, title), member=member, staff=staff, branch=branch
        )
        when = dt.datetime.combine(day, dt.time(12), tzinfo=TZ)
        Loan.objects.filter(pk=loan.pk).update(checked_out_at=when)
    return member


def titles(request: LegalRequest) -> list[str]:
    assert request.produced is not None
    loans = request.produced["data"]["loans"]["circulation.Loan"]
    return [row["title"] for row in loans]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (FIRST, LAST, ["De avonden", "Max Havelaar"]),
        (FIRST, dt.date(2025, 12, 31), ["De avonden"]),
        (dt.date(2026, 1, 1), LAST, ["Max Havelaar"]),
        (FIRST, FIRST, []),
        (LAST, LAST, []),
        (dt.date(1, 1, 2), dt.date(9999, 12, 30), ["De avonden", "Max Havelaar"]),
    ],
    ids=["everything", "from-the-first-day", "to-the-last-day", "first-day", "last-day", "inner"],
)
def test_a_period_at_the_edges_of_the_calendar_is_approved(
    member: Member, branch: Branch, start: dt.date, end: dt.date, expected: list[str]
) -> None:
    request = legal_request(
        member,
        officer(branch, username="fg1"),
        period_start=start,
        period_end=end,
        non_disclosure_until=LAST,
    )

    decided = legal_request_decide(
        request=request, staff=officer(branch, username="fg2"), approve=True, reason="Bevel"
    )

    decided.refresh_from_db()
    assert decided.status == LegalRequestStatus.APPROVED
    assert titles(decided) == expected
    assert decided.produced is not None
    assert decided.produced["request"]["period_start"] == start.isoformat()
    assert decided.produced["request"]["period_end"] == end.isoformat()
    assert Disclosure.objects.get().hidden_until == LAST


@pytest.mark.parametrize(
    ("field", "value", "english"),
    [
        ("period_end", "9999-12-31", "Enter a date up to 2100-12-31."),
        ("period_start", "0001-01-01", "Enter a date from 1900-01-01 on."),
        ("non_disclosure_until", "9999-12-31", "Enter a date up to 2100-12-31."),
        ("period_start", "31-02-2024", "Enter a real date, such as 2024-03-31."),
    ],
)
def test_the_registration_form_keeps_the_period_to_sane_years(
    member: Member, branch: Branch, field: str, value: str, english: str
) -> None:
    client = staff_login(Client(), StaffFactory(profile__branch=branch))
    data = {
        "authority": "Politie",
        "reference": "PL-1",
        "legal_basis": "art. 126nd Sv",
        "card_number": member.card_number,
        "categories": ["loans"],
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        field: value,
    }

    client.cookies["django_language"] = "en"
    response = client.post("/desk/privacy/legal/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [english]}
    assert LegalRequest.objects.count() == 0
