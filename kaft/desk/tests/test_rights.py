"""The desk's side of the member's rights: corrections after an ID check, waiting erasures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kaft.members.models import (
    IdentityChangeRequest,
    Member,
    MemberAction,
    MemberEvent,
    RequestStatus,
    User,
)
from kaft.members.services.identity import identity_change_request
from kaft.privacy.models import DataPart, ErasureRequest
from kaft.privacy.services.erasure import erasure_request
from tests.factories_desk import log_parts
from tests.factories_rights import make_loan

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def _ask(member: Member) -> IdentityChangeRequest:
    return identity_change_request(
        member=member,
        first_name="Sanne",
        name_prefix="de",
        last_name="Vries-Bos",
        date_of_birth=dt.date(1985, 4, 12),
    )


def test_the_corrections_list_shows_waiting_requests_and_logs_them(
    desk: Client, member: Member, other_member: Member
) -> None:
    _ask(member)

    page = english(desk).get("/desk/members/corrections/").content.decode()

    assert "Corrections waiting" in page
    assert "Sanne de Vries" in page
    assert "Daan" not in page
    assert [part for part, _staff, _branch in log_parts(member)] == [DataPart.SEARCH]
    assert log_parts(other_member) == []


def test_an_empty_corrections_list_logs_nothing(desk: Client, member: Member) -> None:
    page = english(desk).get("/desk/members/corrections/").content.decode()

    assert "No corrections are waiting." in page
    assert log_parts(member) == []


def test_the_member_page_shows_the_waiting_request(desk: Client, member: Member) -> None:
    _ask(member)

    page = english(desk).get(f"/desk/members/{member.pk}/").content.decode()

    assert "Correction waiting for an ID check" in page
    assert "Vries-Bos" in page
    assert f'action="/desk/members/{member.pk}/correction/"' in page


def test_approving_with_the_document_kind_corrects_the_member(
    desk: Client, member: Member, staff: User
) -> None:
    request = _ask(member)

    response = desk.post(
        f"/desk/members/{member.pk}/correction/",
        {"decision": "approve", "document_seen": "id_card"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/desk/members/{member.pk}/"
    member.refresh_from_db()
    assert member.last_name == "Vries-Bos"
    request.refresh_from_db()
    assert (request.status, request.document_seen, request.decided_by) == (
        RequestStatus.APPROVED,
        "id_card",
        staff,
    )
    assert MemberEvent.objects.filter(
        member=member, action=MemberAction.IDENTITY_CHANGED, staff=staff
    ).exists()


def test_approving_without_a_document_is_refused_and_changes_nothing(
    desk: Client, member: Member
) -> None:
    _ask(member)

    response = english(desk).post(
        f"/desk/members/{member.pk}/correction/", {"decision": "approve"}, follow=True
    )

    assert "Choose which identity document you checked." in response.content.decode()
    member.refresh_from_db()
    assert member.last_name == "Vries"
    assert IdentityChangeRequest.objects.get(member=member).status == RequestStatus.PENDING


def test_refusing_with_a_reason(desk: Client, member: Member, staff: User) -> None:
    _ask(member)

    desk.post(
        f"/desk/members/{member.pk}/correction/",
        {"decision": "refuse", "reason": "Naam op ID-kaart is anders"},
    )

    request = IdentityChangeRequest.objects.get(member=member)
    assert (request.status, request.reason) == (
        RequestStatus.REFUSED,
        "Naam op ID-kaart is anders",
    )
    member.refresh_from_db()
    assert member.last_name == "Vries"


def test_deciding_without_a_waiting_request_says_so(desk: Client, member: Member) -> None:
    response = english(desk).post(
        f"/desk/members/{member.pk}/correction/",
        {"decision": "approve", "document_seen": "passport"},
        follow=True,
    )

    assert "This request has already been answered." in response.content.decode()


def test_the_erasure_list_shows_waiting_requests_with_their_blockers(
    desk: Client, member: Member
) -> None:
    make_loan(member, item__record__title="De avonden")
    erasure_request(member=member)

    page = english(desk).get("/desk/members/erasures/").content.decode()

    assert "Sanne de Vries" in page
    assert "You still have 1 item on loan: De avonden." in page
    assert [part for part, _staff, _branch in log_parts(member)] == [DataPart.SEARCH]
    assert ErasureRequest.objects.count() == 1


def test_the_lists_in_dutch(desk: Client, member: Member) -> None:
    erasures = desk.get("/desk/members/erasures/").content.decode()
    corrections = desk.get("/desk/members/corrections/").content.decode()

    assert '<html lang="nl"' in erasures
    assert "Er wachten geen verzoeken om verwijdering." in erasures
    assert "Er wachten geen correcties." in corrections


def test_members_cannot_open_the_desk_lists(client: Client, member: Member) -> None:
    assert member.user is not None
    client.force_login(member.user)

    assert client.get("/desk/members/corrections/").status_code == 403
    assert client.get("/desk/members/erasures/").status_code == 403
