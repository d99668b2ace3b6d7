"""The partner register at the desk, and exports of a member's data (to the member or a partner)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import cast

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaft.catalog.models import Branch
from kaft.members.models import Member, User
from kaft.privacy.models import AccessLogEntry, AccessPurpose, Disclosure, Partner
from tests.factories_desk import staff_login
from tests.factories_transparency import PartnerFactory, officer, partner_consent

PARTNERS = reverse("desk:partners")


@pytest.fixture
def fg(central: Branch) -> User:
    return officer(central, username="fg1", name="Fatima")


@pytest.fixture
def fg_client(fg: User) -> Client:
    return staff_login(Client(), fg)


def english(client: Client) -> Client:
    """Pages in English: the Dutch of new texts arrives with the next makemessages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def partner_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Online Bibliotheek",
        "purpose": "E-books en luisterboeken lenen",
        "legal_basis": "consent",
        "agreement_kind": "processor",
        "agreement_date": "2025-02-01",
        "categories": ["identity", "membership"],
        "privacy_statement_url": "https://ob.example.org/privacy",
        "active": "on",
    }
    data.update(changes)
    return data


def test_desk_staff_may_not_open_the_partner_register(desk: Client) -> None:
    assert desk.get(PARTNERS).status_code == 403
    assert desk.get(reverse("desk:partner_new")).status_code == 403
    assert PARTNERS not in desk.get(reverse("desk:checkin")).content.decode()


def test_an_officer_adds_a_partner(fg_client: Client) -> None:
    page = fg_client.get(reverse("desk:partner_new")).content.decode()
    assert 'type="checkbox" name="categories" value="loan_history"' in page

    response = fg_client.post(reverse("desk:partner_new"), partner_form())

    assert response.status_code == 302
    assert response["Location"] == PARTNERS
    partner = Partner.objects.get()
    assert (partner.name, partner.categories, partner.active, str(partner.agreement_date)) == (
        "Online Bibliotheek",
        ["identity", "membership"],
        True,
        "2025-02-01",
    )
    listing = fg_client.get(PARTNERS).content.decode()
    assert "Online Bibliotheek" in listing
    assert "Naam en geboortedatum" in listing


def test_a_partner_without_categories_is_not_saved(fg_client: Client) -> None:
    response = fg_client.post(reverse("desk:partner_new"), partner_form(categories=[]))

    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.content.decode()  # Django's own
    assert Partner.objects.count() == 0


def test_a_second_partner_with_the_same_name_is_refused(fg_client: Client) -> None:
    PartnerFactory(name="Online Bibliotheek")

    response = english(fg_client).post(reverse("desk:partner_new"), partner_form())

    assert "There is already a partner with this name." in response.content.decode()
    assert Partner.objects.count() == 1


def test_an_officer_changes_a_partner(fg_client: Client) -> None:
    partner = cast(Partner, PartnerFactory(name="Online Bibliotheek"))
    url = reverse("desk:partner_edit", args=[partner.pk])
    assert 'value="Online Bibliotheek"' in fg_client.get(url).content.decode()

    fg_client.post(url, partner_form(purpose="Alleen luisterboeken", active=""))

    partner.refresh_from_db()
    assert (partner.purpose, partner.active) == ("Alleen luisterboeken", False)


def test_the_member_page_links_to_the_export(desk: Client, member: Member) -> None:
    page = desk.get(reverse("desk:member_detail", args=[member.pk])).content.decode()
    assert reverse("desk:member_export", args=[member.pk]) in page


def test_export_to_the_member_is_a_look_not_a_disclosure(
    desk: Client, member: Member, staff: User
) -> None:
    url = reverse("desk:member_export", args=[member.pk])
    AccessLogEntry.objects.all().delete()

    response = desk.post(url, {"to": "member"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "data.json" in archive.namelist()
    assert Disclosure.objects.count() == 0
    purposes = set(
        AccessLogEntry.objects.filter(member=member, staff=staff).values_list("purpose", flat=True)
    )
    assert purposes == {AccessPurpose.PRIVACY_REQUEST}


def test_export_to_a_partner_records_a_disclosure_and_holds_only_the_chosen_categories(
    desk: Client, member: Member, staff: User
) -> None:
    partner = cast(
        Partner,
        PartnerFactory(name="Online Bibliotheek", purpose="E-books", categories=["contact"]),
    )
    partner_consent(member)
    url = reverse("desk:member_export", args=[member.pk])

    response = desk.post(url, {"to": "partner", "partner": partner.pk, "categories": ["contact"]})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    content = json.loads(response.content)
    assert content["recipient"] == "Online Bibliotheek"
    assert list(content["categories"]) == ["contact"]
    assert "sanne@example.org" in response.content.decode()
    assert "21000000000042" not in json.dumps(content["categories"])
    disclosure = Disclosure.objects.get()
    assert (disclosure.member, disclosure.partner, disclosure.categories, disclosure.staff) == (
        member,
        partner,
        ["contact"],
        staff,
    )
    assert (disclosure.recipient, disclosure.purpose, disclosure.legal_basis) == (
        "Online Bibliotheek",
        "E-books",
        "consent",
    )


def test_export_to_a_partner_needs_partner_and_categories(desk: Client, member: Member) -> None:
    url = reverse("desk:member_export", args=[member.pk])

    response = english(desk).post(url, {"to": "partner"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the partner organisation." in page
    assert "Choose at least one category of data." in page
    assert Disclosure.objects.count() == 0


def test_an_inactive_partner_cannot_be_chosen(desk: Client, member: Member) -> None:
    partner = cast(Partner, PartnerFactory(active=False))
    url = reverse("desk:member_export", args=[member.pk])

    response = desk.post(url, {"to": "partner", "partner": partner.pk, "categories": ["contact"]})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert Disclosure.objects.count() == 0
