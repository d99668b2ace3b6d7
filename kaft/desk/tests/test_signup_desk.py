"""The desk completes an online sign-up: the member page shows it waits for an ID check, the
button *Identiteit gecontroleerd* completes it with the document type only, and the member list
lists every sign-up waiting. A child under 16 waits for a parent or guardian."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.desk.words import refusal
from kaft.members.models import GuardianCheck, Member, MemberAction, MemberCategory, User
from kaft.members.services.family import guardian_link
from kaft.members.services.signup import signup_verify
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart
from tests.factories import MemberFactory
from tests.factories_signup import signed_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(desk: Client) -> None:
    cache.clear()
    desk.cookies["django_language"] = "en"


@pytest.fixture
def joined(central: Branch, adult: MemberCategory) -> Member:
    member, token = signed_up(central)
    signup_verify(token=token)
    member.refresh_from_db()
    return member


def _check(desk: Client, member: Member, document: str = "passport") -> str:
    answer = desk.post(
        f"/desk/members/{member.pk}/identity-checked/", {"document_type": document}, follow=True
    )
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_member_page_shows_the_sign_up_waiting_and_the_check_completes_it(
    desk: Client, joined: Member, staff: User
) -> None:
    page = desk.get(f"/desk/members/{joined.pk}/").content.decode()
    assert "Joined online: ID check needed" in page
    assert 'name="document_type"' in page

    shown = _check(desk, joined, "id_card")

    assert "Joining is complete" in shown
    assert "Joined online: ID check needed" not in shown
    joined.refresh_from_db()
    assert (joined.identity_document, joined.identity_checked_at is not None) == ("id_card", True)
    event = joined.events.get(action=MemberAction.SIGNUP_COMPLETED)
    assert event.staff == staff


@pytest.mark.parametrize("document", ["", "bsn", "<b>"])
def test_no_document_type_completes_nothing(desk: Client, joined: Member, document: str) -> None:
    shown = _check(desk, joined, document)

    assert "Choose which identity document you checked." in shown
    joined.refresh_from_db()
    assert joined.identity_checked_at is None


def test_a_member_registered_at_the_desk_has_no_check_to_do(desk: Client, member: Member) -> None:
    assert "Joined online" not in desk.get(f"/desk/members/{member.pk}/").content.decode()

    shown = _check(desk, member)

    assert "did not join online" in shown


def test_a_child_waits_for_a_parent_or_guardian(
    desk: Client, central: Branch, adult: MemberCategory, youth: MemberCategory, staff: User
) -> None:
    today = timezone.localdate()
    child, token = signed_up(central, date_of_birth=today.replace(year=today.year - 11))
    signup_verify(token=token)
    page = desk.get(f"/desk/members/{child.pk}/").content.decode()
    assert f"/desk/members/{child.pk}/guardians/" in page
    assert "Under 16: a parent or guardian completes the membership" in page

    assert "link a parent or guardian first" in _check(desk, child)
    parent = MemberFactory.create(date_of_birth=dt.date(1982, 6, 1), home_branch=central)
    guardian_link(child=child, guardian=parent, checked=GuardianCheck.ID_DOCUMENT, staff=staff)

    assert "Joining is complete" in _check(desk, child)


def test_the_member_list_lists_the_sign_ups_waiting_and_logs_the_look(
    desk: Client, joined: Member, central: Branch, adult: MemberCategory, member: Member
) -> None:
    unconfirmed, _token = signed_up(central, email="later@example.org", first_name="Lotte")
    AccessLogEntry.objects.all().delete()

    page = desk.get("/desk/members/", {"signups": "1"}).content.decode()

    assert joined.card_number in page and unconfirmed.card_number in page
    assert member.card_number not in page
    logged = set(AccessLogEntry.objects.values_list("member_id", "part", "purpose"))
    assert logged == {
        (joined.pk, DataPart.SEARCH, AccessPurpose.REGISTRATION),
        (unconfirmed.pk, DataPart.SEARCH, AccessPurpose.REGISTRATION),
    }


def test_the_desk_says_what_to_do_when_lending_is_refused(joined: Member) -> None:
    error = CirculationError(CirculationErrorCode.MEMBER_ID_NOT_CHECKED)

    said = refusal(error, member=joined, today=timezone.localdate())

    assert "Identity checked" in said
