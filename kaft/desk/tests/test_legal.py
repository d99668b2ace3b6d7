"""Requests from police or justice at the desk: any staff registers, another officer decides."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.circulation.models import Loan
from kaft.circulation.services import loan_checkout
from kaft.members.models import Member, User
from kaft.privacy.models import (
    AccessLogEntry,
    AccessPurpose,
    DataPart,
    Disclosure,
    LegalRequest,
    LegalRequestStatus,
)
from tests.factories_desk import make_item, staff_login
from tests.factories_transparency import legal_request, officer


@pytest.fixture
def fg1(central: Branch) -> User:
    return officer(central, username="fg1", name="Fatima")


@pytest.fixture
def fg2(central: Branch) -> User:
    return officer(central, username="fg2", name="Joost")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def snapshot() -> list[Any]:
    return list(LegalRequest.objects.values_list("pk", "status", "decided_by_id", "produced")) + [
        Disclosure.objects.count()
    ]


def test_desk_staff_register_a_request(desk: Client, member: Member, staff: User) -> None:
    response = desk.post(
        reverse("desk:legal_new"),
        {
            "authority": "Politie Midden-Nederland",
            "reference": "PL0900-2026-123",
            "legal_basis": "art. 126nd Sv",
            "card_number": "21000000000042",
            "categories": ["loans", "access_log"],
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "non_disclosure_until": "2027-01-01",
        },
    )

    legal = LegalRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:legal_detail", args=[legal.pk])
    assert (legal.member, legal.registered_by, legal.status, legal.categories) == (
        member,
        staff,
        LegalRequestStatus.REGISTERED,
        ["loans", "access_log"],
    )
    assert legal.non_disclosure_until == dt.date(2027, 1, 1)
    page = desk.get(response["Location"]).content.decode()
    assert "PL0900-2026-123" in page
    assert 'name="decision"' not in page  # desk staff do not decide
    look = AccessLogEntry.objects.filter(member=member).last()
    assert look is not None
    assert (look.part, look.purpose) == (DataPart.IDENTITY, AccessPurpose.LEGAL_REQUEST)


def test_an_unknown_card_number_is_refused(desk: Client, member: Member) -> None:
    response = english(desk).post(
        reverse("desk:legal_new"),
        {
            "authority": "Politie",
            "reference": "PL-1",
            "legal_basis": "art. 126nd Sv",
            "card_number": "29999999999999",
            "categories": ["loans"],
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
        },
    )

    assert "There is no member with this card number." in response.content.decode()
    assert LegalRequest.objects.count() == 0


def test_desk_staff_cannot_approve(desk: Client, member: Member, fg1: User) -> None:
    legal = legal_request(member, fg1)
    before = snapshot()

    response = desk.post(
        reverse("desk:legal_decide", args=[legal.pk]), {"decision": "approve", "reason": "Ja"}
    )

    assert response.status_code == 403
    assert snapshot() == before
    assert desk.get(reverse("desk:legal_download", args=[legal.pk])).status_code == 403


def test_the_registrar_cannot_approve(member: Member, fg1: User) -> None:
    legal = legal_request(member, fg1)
    client = english(staff_login(Client(), fg1))
    before = snapshot()
    assert (
        'name="decision"'
        not in client.get(reverse("desk:legal_detail", args=[legal.pk])).content.decode()
    )

    response = client.post(
        reverse("desk:legal_decide", args=[legal.pk]), {"decision": "approve", "reason": "Ja"}
    )

    assert response.status_code == 400
    assert (
        "You registered this request yourself: another privacy officer must decide on it."
        in response.content.decode()
    )
    assert snapshot() == before


def test_another_officer_approves_and_downloads_exactly_the_scope(
    member: Member, fg1: User, fg2: User, central: Branch, staff: User
) -> None:
    tz = timezone.get_current_timezone()
    for barcode, title, day in (
        ("30000000000001", "De avonden", dt.date(2026, 3, 10)),
        ("30000000000002", "Max Havelaar", dt.date(2026, 5, 10)),
    ):
        loan = loan_checkout(
            item=make_item(central, barcode, title), member=member, staff=staff, branch=central
        )
        Loan.objects.filter(pk=loan.pk).update(
            checked_out_at=dt.datetime.combine(day, dt.time(10), tzinfo=tz)
        )
    legal = legal_request(member, fg1, non_disclosure_until=dt.date(2027, 1, 1))
    client = staff_login(Client(), fg2)
    assert (
        'name="decision"'
        in client.get(reverse("desk:legal_detail", args=[legal.pk])).content.decode()
    )

    response = client.post(
        reverse("desk:legal_decide", args=[legal.pk]),
        {"decision": "approve", "reason": "Vordering is rechtsgeldig"},
    )

    assert response.status_code == 302
    legal.refresh_from_db()
    assert (legal.status, legal.decided_by) == (LegalRequestStatus.APPROVED, fg2)
    download = client.get(reverse("desk:legal_download", args=[legal.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    content = json.loads(download.content)
    assert list(content["data"]) == ["loans"]
    assert [row["title"] for row in content["data"]["loans"]["circulation.Loan"]] == ["De avonden"]
    disclosure = Disclosure.objects.get()
    assert (disclosure.legal_basis, disclosure.hidden_until, disclosure.recipient) == (
        "art. 126nd Sv",
        dt.date(2027, 1, 1),
        "Politie Midden-Nederland",
    )
    looks = AccessLogEntry.objects.filter(member=member, staff=fg2)
    assert set(looks.values_list("purpose", flat=True)) == {AccessPurpose.LEGAL_REQUEST}
    assert DataPart.LOANS in set(looks.values_list("part", flat=True))


def test_a_refused_request_has_nothing_to_download(member: Member, fg1: User, fg2: User) -> None:
    legal = legal_request(member, fg1)
    client = staff_login(Client(), fg2)

    client.post(
        reverse("desk:legal_decide", args=[legal.pk]),
        {"decision": "refuse", "reason": "Geen grondslag"},
    )

    legal.refresh_from_db()
    assert (legal.status, legal.produced) == (LegalRequestStatus.REFUSED, None)
    assert Disclosure.objects.count() == 0
    assert client.get(reverse("desk:legal_download", args=[legal.pk])).status_code == 403


def test_the_list_shows_requests_but_not_whose_data(
    desk: Client, member: Member, fg1: User
) -> None:
    legal = legal_request(member, fg1)

    page = desk.get(reverse("desk:legal_requests")).content.decode()

    assert "PL0900-2026-123" in page
    assert reverse("desk:legal_detail", args=[legal.pk]) in page
    assert "21000000000042" not in page and "Vries" not in page
    assert cast(Any, AccessLogEntry.objects.filter(member=member)).count() == 0
