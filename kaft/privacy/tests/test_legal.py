"""Requests from police or justice: four eyes, exact scope, a disclosure only on approval."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from kaft.catalog.models import Branch
from kaft.circulation.models import Loan
from kaft.circulation.services import loan_checkout
from kaft.members.models import Member, StaffRole, User
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import (
    AccessLogEntry,
    AccessPurpose,
    DataCategory,
    DataPart,
    Disclosure,
    LegalRequest,
    LegalRequestStatus,
)
from kaft.privacy.services.legal import (
    legal_produced_handover,
    legal_request_decide,
    legal_request_register,
)
from tests.factories import BranchFactory, MemberFactory, StaffFactory
from tests.factories_desk import make_item
from tests.factories_transparency import legal_request, officer

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def branch() -> Branch:
    return cast(Branch, BranchFactory(code="centrale", name="Centrale Bibliotheek"))


@pytest.fixture
def member(branch: Branch) -> Member:
    return cast(Member, MemberFactory(first_name="Sanne", last_name="Visser", home_branch=branch))


@pytest.fixture
def desk_staff(branch: Branch) -> User:
    return cast(User, StaffFactory(username="balie1", profile__branch=branch))


@pytest.fixture
def registrar(branch: Branch) -> User:
    return officer(branch, username="fg1", name="Fatima")


@pytest.fixture
def approver(branch: Branch) -> User:
    return officer(branch, username="fg2", name="Joost")


def loan_on(member: Member, branch: Branch, barcode: str, title: str, when: dt.datetime) -> Loan:
    staff = cast(User, StaffFactory(profile__branch=branch))
    loan = loan_checkout(
        item=make_item(branch, barcode, title), member=member, staff=staff, branch=branch
    )
    Loan.objects.filter(pk=loan.pk).update(checked_out_at=when)
    return loan


def state() -> dict[str, Any]:
    return {
        "requests": list(
            LegalRequest.objects.values_list("pk", "status", "decided_by_id", "produced")
        ),
        "disclosures": Disclosure.objects.count(),
    }


def test_registering_keeps_the_scope_and_waits(member: Member, desk_staff: User) -> None:
    request = legal_request_register(
        authority=" Politie Midden-Nederland ",
        reference="PL0900-2026-123",
        legal_basis="art. 126nd Sv",
        member=member,
        categories=["access_log", "loans"],
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        non_disclosure_until=dt.date(2027, 1, 1),
        staff=desk_staff,
    )

    request.refresh_from_db()
    assert request.authority == "Politie Midden-Nederland"
    assert request.categories == ["loans", "access_log"]
    assert request.status == LegalRequestStatus.REGISTERED
    assert request.registered_by == desk_staff
    assert request.produced is None
    assert Disclosure.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "code", "english"),
    [
        (
            {"legal_basis": " "},
            PrivacyErrorCode.DISCLOSURE_NO_LEGAL_BASIS,
            "Give the legal basis for passing on this data.",
        ),
        (
            {"categories": []},
            PrivacyErrorCode.DISCLOSURE_NO_CATEGORIES,
            "Choose at least one category of data.",
        ),
        (
            {"period_start": dt.date(2026, 4, 1)},
            PrivacyErrorCode.LEGAL_PERIOD_ORDER,
            "The period must start on or before its end date.",
        ),
    ],
)
def test_registering_refuses_an_incomplete_request(
    member: Member, desk_staff: User, changes: dict[str, Any], code: PrivacyErrorCode, english: str
) -> None:
    values: dict[str, Any] = {
        "authority": "Politie",
        "reference": "PL-1",
        "legal_basis": "art. 126nd Sv",
        "member": member,
        "categories": ["loans"],
        "period_start": dt.date(2026, 3, 1),
        "period_end": dt.date(2026, 3, 31),
        "non_disclosure_until": None,
        "staff": desk_staff,
        **changes,
    }
    with pytest.raises(PrivacyError) as caught, translation.override("en"):
        legal_request_register(**values)
    assert caught.value.code == code
    with translation.override("en"):
        assert caught.value.message == english
    assert LegalRequest.objects.count() == 0


def test_the_registrar_cannot_approve_their_own_request(member: Member, registrar: User) -> None:
    request = legal_request(member, registrar)
    before = state()

    with pytest.raises(PrivacyError) as caught, translation.override("en"):
        legal_request_decide(request=request, staff=registrar, approve=True, reason="Klopt")

    assert caught.value.code == PrivacyErrorCode.LEGAL_SAME_STAFF
    with translation.override("en"):
        assert caught.value.message == (
            "You registered this request yourself: another privacy officer must decide on it."
        )
    assert state() == before


def test_the_database_refuses_four_eyes_too(member: Member, registrar: User) -> None:
    request = legal_request(member, registrar)
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalRequest.objects.filter(pk=request.pk).update(decided_by=registrar)


def test_desk_staff_cannot_decide(member: Member, registrar: User, desk_staff: User) -> None:
    request = legal_request(member, registrar)
    before = state()

    with pytest.raises(PrivacyError) as caught:
        legal_request_decide(request=request, staff=desk_staff, approve=True, reason="Klopt")

    assert caught.value.code == PrivacyErrorCode.LEGAL_NOT_PRIVACY_OFFICER
    assert state() == before


def test_a_decision_needs_a_reason(member: Member, registrar: User, approver: User) -> None:
    request = legal_request(member, registrar)
    before = state()

    with pytest.raises(PrivacyError) as caught:
        legal_request_decide(request=request, staff=approver, approve=True, reason="  ")

    assert caught.value.code == PrivacyErrorCode.LEGAL_REASON_REQUIRED
    assert state() == before


def test_approval_produces_exactly_the_scope_and_records_a_disclosure(
    member: Member, branch: Branch, registrar: User, approver: User, desk_staff: User
) -> None:
    march = dt.date(2026, 3, 1)
    loan_on(member, branch, "30000000000001", "De avonden", at(march))
    loan_on(member, branch, "30000000000002", "Max Havelaar", at(dt.date(2026, 2, 28), 23))
    loan_on(member, branch, "30000000000003", "Turks fruit", at(dt.date(2026, 3, 31), 23))
    loan_on(member, branch, "30000000000004", "Het achterhuis", at(dt.date(2026, 4, 1), 0))
    other = cast(Member, MemberFactory(home_branch=branch))
    loan_on(other, branch, "30000000000005", "Karakter", at(dt.date(2026, 3, 10)))
    AccessLogEntry.objects.create(
        member=member,
        staff=desk_staff,
        part=DataPart.LOANS,
        purpose=AccessPurpose.DESK,
        at=at(dt.date(2026, 3, 5)),
    )
    request = legal_request(
        member,
        registrar,
        categories=[DataCategory.LOANS.value],
        non_disclosure_until=dt.date(2027, 1, 1),
    )

    decided = legal_request_decide(
        request=request, staff=approver, approve=True, reason="Vordering is rechtsgeldig"
    )

    decided.refresh_from_db()
    assert decided.status == LegalRequestStatus.APPROVED
    assert decided.decided_by == approver
    assert decided.decision_reason == "Vordering is rechtsgeldig"
    produced = cast(dict[str, Any], decided.produced)
    assert produced["request"]["reference"] == "PL0900-2026-123"
    # only the chosen category: no name, no access log
    assert list(produced["data"]) == ["loans"]
    loans = produced["data"]["loans"]["circulation.Loan"]
    assert [row["title"] for row in loans] == ["De avonden", "Turks fruit"]
    # stored in UTC: noon in Amsterdam on 1 March is 11:00 UTC
    assert loans[0]["checked_out_at"] == "2026-03-01T11:00:00+00:00"
    assert loans[1]["checked_out_at"] == "2026-03-31T21:00:00+00:00"
    assert set(loans[0]) == {
        "checked_out_at",
        "due_date",
        "title",
        "barcode",
        # every non-technical column of the loan, as in the member's own export
        "record",
        "item",
        "branch",
        "status",
        "renewals",
        "member_category",
        "age_band",
    }
    assert "Sanne" not in str(produced) and "Visser" not in str(produced)
    disclosure = Disclosure.objects.get()
    assert (
        disclosure.member,
        disclosure.recipient,
        disclosure.purpose,
        disclosure.legal_basis,
        disclosure.categories,
        disclosure.legal_request,
        disclosure.hidden_until,
        disclosure.staff,
    ) == (
        member,
        "Politie Midden-Nederland",
        "PL0900-2026-123",
        "art. 126nd Sv",
        ["loans"],
        decided,
        dt.date(2027, 1, 1),
        approver,
    )


def test_the_access_log_in_scope_is_the_period_only(
    member: Member, registrar: User, approver: User, desk_staff: User
) -> None:
    for day in (dt.date(2026, 2, 28), dt.date(2026, 3, 15), dt.date(2026, 4, 1)):
        AccessLogEntry.objects.create(
            member=member,
            staff=desk_staff,
            staff_name="Anna",
            staff_role=StaffRole.DESK,
            part=DataPart.CONTACT,
            purpose=AccessPurpose.PHONE,
            at=at(day, 1),
        )
    request = legal_request(member, registrar, categories=["identity", "access_log"])

    decided = legal_request_decide(request=request, staff=approver, approve=True, reason="Ok")

    data = cast(dict[str, Any], decided.produced)["data"]
    assert list(data) == ["identity", "access_log"]
    log = data["access_log"]["privacy.AccessLogEntry"]
    # staff only by their role, never by name
    assert [(row["at"][:10], row["part"], row["staff_name"]) for row in log] == [
        ("2026-03-15", "contact", "staff")
    ]
    identity = data["identity"]["members.Member"]
    # the date of birth is kept sealed (encrypted) with the request, opened only in the hand-over
    assert identity[0]["date_of_birth"].startswith("f1:")
    assert "1985-04-12" not in str(decided.produced)
    handed_over = legal_produced_handover(decided)["data"]["identity"]["members.Member"]
    assert handed_over == [
        {
            "first_name": "Sanne",
            "name_prefix": "",
            "last_name": "Visser",
            "date_of_birth": "1985-04-12",
        }
    ]


def test_refusal_produces_and_discloses_nothing(
    member: Member, registrar: User, approver: User
) -> None:
    request = legal_request(member, registrar)

    decided = legal_request_decide(
        request=request, staff=approver, approve=False, reason="Geen geldige grondslag"
    )

    decided.refresh_from_db()
    assert decided.status == LegalRequestStatus.REFUSED
    assert decided.produced is None
    assert decided.decision_reason == "Geen geldige grondslag"
    assert Disclosure.objects.count() == 0


def test_a_decided_request_cannot_be_decided_again(
    member: Member, registrar: User, approver: User, branch: Branch
) -> None:
    request = legal_request(member, registrar)
    legal_request_decide(request=request, staff=approver, approve=False, reason="Nee")
    third = officer(branch, username="fg3")
    before = state()

    with pytest.raises(PrivacyError) as caught:
        legal_request_decide(request=request, staff=third, approve=True, reason="Toch wel")

    assert caught.value.code == PrivacyErrorCode.LEGAL_ALREADY_DECIDED
    assert state() == before
