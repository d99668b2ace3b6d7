"""MijnBibliotheek: who looked at my data, what family members did, who received my data; and
the public list of partners."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.members.models import (
    FamilyAccess,
    FamilyAccessEvent,
    FamilyAccessStatus,
    FamilyAction,
    Member,
    StaffRole,
    User,
)
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataCategory, DataPart, Partner
from kaft.privacy.services.access import access_log_record
from kaft.privacy.services.disclosure import disclosure_record
from kaft.privacy.services.legal import legal_request_decide
from tests.factories import MemberFactory, StaffFactory
from tests.factories_transparency import PartnerFactory, legal_request, officer, partner_consent

pytestmark = pytest.mark.django_db

ACCESS = reverse("portal:access_log")
FAMILY = reverse("portal:family_log")
DISCLOSURES = reverse("portal:disclosures")


def english(client: Client) -> Client:
    """Pages in English: the Dutch of new texts arrives with the next makemessages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def anna(branch: Branch) -> User:
    user = cast(
        User, StaffFactory(username="anna", profile__branch=branch, profile__display_name="Anna")
    )
    user.staff_profile.refresh_from_db()
    return user


def test_logged_out_visitors_go_to_the_login(client: Client, db: None) -> None:
    for url in (ACCESS, FAMILY, DISCLOSURES):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))


def test_a_look_is_one_line_with_its_parts_purpose_role_and_name(
    member_client: Client, member: Member, anna: User, branch: Branch
) -> None:
    access_log_record(
        staff=anna,
        member=member,
        parts=[DataPart.IDENTITY, DataPart.CONTACT, DataPart.LOANS],
        branch=branch,
        purpose=AccessPurpose.PHONE,
    )

    page = english(member_client).get(ACCESS).content.decode()

    assert page.count('class="card look"') == 1
    assert "Helping on the phone" in page
    assert "Name and date of birth, Contact details, Loans" in page
    assert "Anna (Desk staff)" in page
    assert "Centrale Bibliotheek" in page


def test_the_library_may_show_only_the_role(
    member_client: Client, member: Member, anna: User, branch: Branch, settings: object
) -> None:
    settings.KAFT_ACCESS_LOG_SHOWS = "role"  # type: ignore[attr-defined]
    access_log_record(staff=anna, member=member, parts=[DataPart.LOANS], branch=branch)

    page = english(member_client).get(ACCESS).content.decode()

    assert "Anna" not in page
    assert '<dd class="who">Desk staff</dd>' in page


def test_the_name_is_the_one_at_the_time_of_the_look(
    member_client: Client, member: Member, anna: User, branch: Branch
) -> None:
    access_log_record(staff=anna, member=member, parts=[DataPart.LOANS], branch=branch)
    anna.staff_profile.display_name = "Anna B."
    anna.staff_profile.role = StaffRole.ADMINISTRATOR
    anna.staff_profile.save()

    page = english(member_client).get(ACCESS).content.decode()

    assert "Anna (Desk staff)" in page


def test_the_log_is_paged_newest_first(
    member_client: Client, member: Member, anna: User, branch: Branch
) -> None:
    start = timezone.now() - dt.timedelta(days=40)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            staff=anna,
            staff_role="desk",
            staff_name="Anna",
            member=member,
            branch=branch,
            part=DataPart.CONTACT,
            purpose=AccessPurpose.DESK,
            at=start + dt.timedelta(days=day),
        )
        for day in range(30)
    )

    first = english(member_client).get(ACCESS).content.decode()
    second = member_client.get(ACCESS, {"pagina": 2}).content.decode()

    assert first.count('class="card look"') == 25
    assert second.count('class="card look"') == 5

    def stamps(page: str) -> list[str]:
        return [part.split('"')[0] for part in page.split('<time datetime="')[1:]]

    moments = [timezone.localtime(start + dt.timedelta(days=day)).isoformat() for day in range(30)]
    assert stamps(first) == moments[::-1][:25]
    assert stamps(second) == moments[::-1][25:]
    assert "Page 1 of 2" in first


def test_a_member_never_sees_another_members_log(
    member_client: Client, member: Member, anna: User, branch: Branch
) -> None:
    other = cast(Member, MemberFactory(home_branch=branch))
    access_log_record(staff=anna, member=other, parts=[DataPart.NOTES], branch=branch)
    disclosure_record(
        member=other, categories=[DataCategory.CONTACT], recipient="Politie", legal_basis="x"
    )

    access = english(member_client).get(ACCESS).content.decode()
    received = member_client.get(DISCLOSURES).content.decode()

    assert 'class="card look"' not in access
    assert "Nobody at the library has looked at your data yet." in access
    assert "Politie" not in received


def test_what_family_members_did_is_shown_to_the_owner_only(
    member_client: Client, member: Member, branch: Branch
) -> None:
    now = timezone.now()
    mother = cast(Member, MemberFactory(first_name="Ingrid", home_branch=branch))
    other = cast(Member, MemberFactory(home_branch=branch))
    access = FamilyAccess.objects.create(
        owner=member,
        grantee=mother,
        status=FamilyAccessStatus.ACTIVE,
        requested_at=now,
        answer_by=now,
    )
    FamilyAccessEvent.objects.create(
        access=access,
        owner=member,
        actor=mother,
        action=FamilyAction.RENEWED,
        detail="De avonden",
        at=now,
    )
    theirs = FamilyAccess.objects.create(
        owner=other,
        grantee=member,
        status=FamilyAccessStatus.ACTIVE,
        requested_at=now,
        answer_by=now,
    )
    FamilyAccessEvent.objects.create(
        access=theirs,
        owner=other,
        actor=member,
        action=FamilyAction.RESERVED,
        detail="Max Havelaar",
        at=now,
    )

    page = english(member_client).get(FAMILY).content.decode()

    assert "Ingrid" in page
    assert "Renewed a loan: De avonden" in page
    assert "Max Havelaar" not in page


def test_who_received_my_data(member_client: Client, member: Member) -> None:
    partner = cast(
        Partner,
        PartnerFactory(
            name="Online Bibliotheek",
            purpose="E-books lenen",
            categories=["identity", "membership"],
        ),
    )
    partner_consent(member)
    disclosure_record(
        member=member, categories=[DataCategory.IDENTITY, DataCategory.MEMBERSHIP], partner=partner
    )

    page = english(member_client).get(DISCLOSURES).content.decode()

    assert "Online Bibliotheek" in page
    assert "E-books lenen" in page
    assert "Consent (AVG art. 6(1)(a))" in page
    assert "Name and date of birth, Membership: card, category, branch, status" in page


def test_a_request_under_a_non_disclosure_order_shows_only_after_its_end_date(
    member_client: Client, member: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    disclosure_record(
        member=member,
        categories=[DataCategory.LOANS],
        recipient="Politie Midden-Nederland",
        purpose="PL0900-2026-123",
        legal_basis="art. 126nd Sv",
        hidden_until=today + dt.timedelta(days=10),
    )
    english(member_client)

    before = member_client.get(DISCLOSURES).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=10))
    after = member_client.get(DISCLOSURES).content.decode()

    assert "Politie" not in before
    assert "Politie Midden-Nederland" in after
    assert "art. 126nd Sv" in after


def test_the_public_partner_page_lists_active_partners(client: Client, db: None) -> None:
    PartnerFactory(name="Online Bibliotheek", categories=["membership"])
    PartnerFactory(name="Oude Partner", active=False)

    response = english(client).get(reverse("portal:partners"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Online Bibliotheek" in page
    assert "Oude Partner" not in page
    assert "https://partner.example.org/privacy" in page
    assert "Membership: card, category, branch, status" in page


def test_the_mijn_menu_links_to_the_access_log(member_client: Client) -> None:
    assert f'href="{ACCESS}"' in member_client.get(reverse("portal:loans")).content.decode()


def test_looks_for_a_police_request_stay_hidden_while_its_order_runs(
    member_client: Client,
    member: Member,
    anna: User,
    branch: Branch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = timezone.localdate()
    legal_request(member, anna, non_disclosure_until=today + dt.timedelta(days=10))
    access_log_record(
        staff=anna,
        member=member,
        parts=[DataPart.LOANS],
        branch=branch,
        purpose=AccessPurpose.LEGAL_REQUEST,
    )
    access_log_record(staff=anna, member=member, parts=[DataPart.CONTACT], branch=branch)
    english(member_client)

    before = member_client.get(ACCESS).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=10))
    after = member_client.get(ACCESS).content.decode()

    assert before.count('class="card look"') == 1
    assert "Answering a request from police or justice" not in before
    assert after.count('class="card look"') == 2
    assert "Answering a request from police or justice" in after


def test_an_approved_police_request_shows_once_its_order_has_ended(
    member_client: Client, member: Member, branch: Branch, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    registrar = officer(branch, username="fg1")
    request = legal_request(member, registrar, non_disclosure_until=today + dt.timedelta(days=30))
    legal_request_decide(
        request=request,
        staff=officer(branch, username="fg2"),
        approve=True,
        reason="Rechtsgeldige vordering",
    )
    english(member_client)

    during = member_client.get(DISCLOSURES).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=29))
    last_day = member_client.get(DISCLOSURES).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=30))
    after = member_client.get(DISCLOSURES).content.decode()

    assert "Politie" not in during and "Politie" not in last_day
    assert "Politie Midden-Nederland" in after
    assert "Request from police or justice (their reference: PL0900-2026-123)" in after
    assert "art. 126nd Sv" in after
    assert "Current loans" in after
