"""MijnBibliotheek: downloading my data, correcting my name, my change history, deleting my account."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from kaft.circulation.models import Loan, LoanStatus
from kaft.members.models import (
    IdentityChangeRequest,
    Member,
    MemberAction,
    MemberEvent,
    MemberStatus,
    RequestStatus,
    User,
)
from kaft.privacy.models import ErasureRequest, ErasureStatus
from tests.factories import PASSWORD
from tests.factories_rights import make_loan, make_member

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


# --- download ---------------------------------------------------------------------------------


def test_the_download_page_explains_and_offers_the_button(member_client: Client) -> None:
    page = member_client.get("/mijn/gegevens/downloaden/").content.decode()

    assert 'action="/mijn/gegevens/downloaden/"' in page
    assert "data.json" in page


def test_one_click_gives_a_zip_with_my_data(member_client: Client, member: Member) -> None:
    make_member(first_name="Pieter", last_name="Buurman")

    response = member_client.post("/mijn/gegevens/downloaden/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="mijn-gegevens-{today}.zip"')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("data.json"))
        page = archive.read("index.html").decode()
    person = data["categories"]["identity"]["tables"]["members.Member"][0]
    assert (person["first_name"], person["last_name"]) == ("Sanne", "Visser")
    assert "Buurman" not in json.dumps(data) and "Buurman" not in page


def test_the_profile_page_links_to_the_rights(member_client: Client) -> None:
    page = member_client.get("/mijn/gegevens/").content.decode()

    for url in (
        "/mijn/gegevens/downloaden/",
        "/mijn/gegevens/correctie/",
        "/mijn/gegevens/geschiedenis/",
        "/mijn/account/verwijderen/",
    ):
        assert url in page


# --- correction -------------------------------------------------------------------------------


def _correction(**changes: str) -> dict[str, str]:
    data = {
        "first_name": "Sanne",
        "name_prefix": "",
        "last_name": "Visser-Bos",
        "date_of_birth": "1985-04-12",
    }
    data.update(changes)
    return data


def test_asking_for_a_correction_shows_it_waiting(member_client: Client, member: Member) -> None:
    response = member_client.post("/mijn/gegevens/correctie/", _correction(), follow=True)

    page = response.content.decode()
    assert "Visser-Bos" in page
    assert 'action="/mijn/gegevens/correctie/intrekken/"' in page
    request = IdentityChangeRequest.objects.get(member=member)
    assert request.last_name == "Visser-Bos"
    member.refresh_from_db()
    assert member.last_name == "Visser"


def test_a_second_request_is_refused_with_a_message(member_client: Client, member: Member) -> None:
    member_client.post("/mijn/gegevens/correctie/", _correction())
    # the form is not shown while one waits, but a second post (another tab) is refused
    english(member_client)
    response = member_client.post("/mijn/gegevens/correctie/", _correction(last_name="Bos"))

    assert response.status_code == 400
    assert (
        "You already asked for a correction; wait for the answer or withdraw it first."
        in response.content.decode()
    )
    assert IdentityChangeRequest.objects.filter(member=member).count() == 1


def test_withdrawing_a_request(member_client: Client, member: Member) -> None:
    member_client.post("/mijn/gegevens/correctie/", _correction())

    member_client.post("/mijn/gegevens/correctie/intrekken/")

    assert IdentityChangeRequest.objects.get(member=member).status == RequestStatus.WITHDRAWN


def test_a_refused_request_shows_the_reason(member_client: Client, member: Member) -> None:
    IdentityChangeRequest.objects.create(
        member=member,
        first_name="Sanne",
        last_name="Bos",
        date_of_birth=dt.date(1985, 4, 12),
        requested_at=timezone.now(),
        status=RequestStatus.REFUSED,
        decided_at=timezone.now(),
        reason="Naam op paspoort is anders",
    )

    page = member_client.get("/mijn/gegevens/correctie/").content.decode()

    assert "Naam op paspoort is anders" in page


def test_the_history_lists_my_changes_in_dutch_and_english(
    member_client: Client, member: Member
) -> None:
    MemberEvent.objects.create(
        member=member, action=MemberAction.CONTACT_CHANGED, at=timezone.now()
    )

    dutch = member_client.get("/mijn/gegevens/geschiedenis/").content.decode()
    assert "Contactgegevens gewijzigd" in dutch

    english_page = english(member_client).get("/mijn/gegevens/geschiedenis/").content.decode()
    assert "Contact details changed" in english_page


# --- erasure ----------------------------------------------------------------------------------


def test_with_nothing_in_the_way_the_member_confirms_and_is_erased(
    member_client: Client, member: Member
) -> None:
    assert member.user is not None
    user_id = member.user.pk
    page = member_client.get("/mijn/account/verwijderen/").content.decode()
    assert 'name="password"' in page

    response = member_client.post("/mijn/account/verwijderen/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/account-verwijderd/"
    member.refresh_from_db()
    assert member.status == MemberStatus.ERASED
    assert not User.objects.filter(pk=user_id).exists()
    proof = ErasureRequest.objects.get(member=member)
    assert proof.status == ErasureStatus.DONE
    goodbye = member_client.get("/account-verwijderd/")
    assert goodbye.status_code == 200
    after = member_client.get("/mijn/")
    assert after.status_code == 302 and after["Location"].startswith("/inloggen/")


def test_asking_to_wait_without_blockers_erases_nothing(
    member_client: Client, member: Member
) -> None:
    response = member_client.post("/mijn/account/verwijderen/", {"action": "wait"})

    assert response.status_code == 400
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert ErasureRequest.objects.count() == 0


def test_a_wrong_password_erases_nothing(member_client: Client, member: Member) -> None:
    response = member_client.post("/mijn/account/verwijderen/", {"password": "niet goed"})

    assert response.status_code == 400
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert member.last_name == "Visser"


def test_blockers_are_shown_and_a_request_can_wait_and_be_cancelled(
    member_client: Client, member: Member
) -> None:
    make_loan(member, item__record__title="De avonden")

    page = member_client.get("/mijn/account/verwijderen/").content.decode()
    assert "De avonden" in page
    assert "Mijn account nu verwijderen" not in page

    # posting the password for erasure now erases nothing
    member_client.post("/mijn/account/verwijderen/", {"password": PASSWORD})
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE

    member_client.post("/mijn/account/verwijderen/", {"action": "wait", "password": PASSWORD})
    waiting = ErasureRequest.objects.get(member=member)
    assert waiting.status == ErasureStatus.WAITING
    page = member_client.get("/mijn/account/verwijderen/").content.decode()
    assert 'action="/mijn/account/verwijderen/annuleren/"' in page

    member_client.post("/mijn/account/verwijderen/annuleren/")
    waiting.refresh_from_db()
    assert waiting.status == ErasureStatus.CANCELLED


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["Mijn account verwijderen", "Wat er gebeurt"]),
        ("en", ["Delete my account", "What happens"]),
    ],
)
def test_the_erasure_page_in_both_languages(
    member_client: Client, language: str, expected: list[str]
) -> None:
    if language == "en":
        english(member_client)
    page = member_client.get("/mijn/account/verwijderen/").content.decode()

    assert f'lang="{language}"' in page
    for text in expected:
        assert text in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "Mijn gegevens downloaden"), ("en", "Download my data")],
)
def test_the_download_page_in_both_languages(
    member_client: Client, language: str, expected: str
) -> None:
    if language == "en":
        english(member_client)

    assert expected in member_client.get("/mijn/gegevens/downloaden/").content.decode()


def test_a_returned_loan_does_not_block(member_client: Client, member: Member) -> None:
    loan = make_loan(member)
    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.RETURNED, returned_at=timezone.now())

    page = member_client.get("/mijn/account/verwijderen/").content.decode()

    assert 'name="password"' in page
