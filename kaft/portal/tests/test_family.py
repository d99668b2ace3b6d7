"""MijnBibliotheek "Family / Access", and acting on another member's account through it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from kaft.catalog.models import Branch, ItemStatus
from kaft.circulation.models import Hold, HoldStatus, Loan
from kaft.members.models import (
    FamilyAccess,
    FamilyAccessEvent,
    FamilyAccessStatus,
    GuardianCheck,
    GuardianLink,
    Member,
)
from kaft.notices.models import Notice
from tests.factories import ItemFactory, LoanRuleFactory, MemberFactory, RecordFactory
from tests.factories_family import FamilyAccessFactory, active_access
from tests.factories_portal import HoldFactory, LoanFactory

pytestmark = pytest.mark.django_db

S = FamilyAccessStatus


@pytest.fixture(autouse=True)
def _rule() -> None:
    LoanRuleFactory.create(loan_days=21, renewals_allowed=2)


@pytest.fixture
def owner(branch: Branch) -> Member:
    return MemberFactory.create(
        card_number="21000000000555",
        first_name="Mees",
        name_prefix="van",
        last_name="Dijk",
        home_branch=branch,
    )


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _events() -> list[tuple[int, int | None, str, str]]:
    return list(
        FamilyAccessEvent.objects.order_by("pk").values_list(
            "owner_id", "actor_id", "action", "detail"
        )
    )


# --- the page --------------------------------------------------------------------------------


def test_page_in_english_shows_the_form_and_empty_lists(member_client: Client) -> None:
    html = _english(member_client).get("/mijn/toegang/").content.decode()

    assert "<h2>Family / Access</h2>" in html
    assert 'href="/mijn/toegang/" aria-current="page">Family / Access</a>' in html
    assert "Nobody else can see your account." in html
    assert "You cannot see anyone else's account." in html
    assert '<label for="id_card_number">Card number of the other member' in html
    assert '<label for="id_last_name">Last name of the other member' in html


def test_page_in_dutch(member_client: Client) -> None:
    html = member_client.get("/mijn/toegang/").content.decode()

    assert "<h2>Gezin / Toegang</h2>" in html
    assert "Niemand anders kan uw account zien." in html


def test_member_asks_for_access_and_the_owner_is_told(
    member_client: Client, member: Member, owner: Member
) -> None:
    response = _english(member_client).post(
        "/mijn/toegang/aanvragen/", {"card_number": "21000000000555", "last_name": "van Dijk"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/mijn/toegang/"
    access = FamilyAccess.objects.get()
    assert (access.owner, access.grantee, access.status) == (owner, member, S.REQUESTED)
    assert Notice.objects.get().member == owner
    html = member_client.get("/mijn/toegang/").content.decode()
    assert "Your request has been sent." in html
    assert "Mees van Dijk" in html
    assert "waiting for an answer until" in html


def test_a_wrong_card_or_name_gets_one_neutral_answer(member_client: Client, owner: Member) -> None:
    _english(member_client)
    wrong_name = member_client.post(
        "/mijn/toegang/aanvragen/", {"card_number": "21000000000555", "last_name": "Jansen"}
    )
    no_card = member_client.post(
        "/mijn/toegang/aanvragen/", {"card_number": "21000000000999", "last_name": "Dijk"}
    )

    assert wrong_name.status_code == no_card.status_code == 409
    message = escape(
        "We cannot send a request with this card number and last name. Check both and try again."
    )
    assert message in wrong_name.content.decode()
    assert message in no_card.content.decode()
    assert FamilyAccess.objects.count() == Notice.objects.count() == 0


def test_owner_sees_the_request_and_allows_it(
    member_client: Client, member: Member, owner: Member, client: Client
) -> None:
    access = FamilyAccessFactory.create(owner=member, grantee=owner)

    html = _english(member_client).get("/mijn/toegang/").content.decode()
    response = member_client.post(
        "/mijn/toegang/antwoorden/", {"access": access.pk, "answer": "accept"}
    )

    assert "Mees van Dijk asks to see your loans and reservations." in html
    assert response["Location"] == "/mijn/toegang/"
    access.refresh_from_db()
    assert access.status == S.ACTIVE
    after = member_client.get("/mijn/toegang/").content.decode()
    assert "Mees can now see your loans and reservations." in after
    assert 'class="card family-given"' in after and "End access" in after


def test_owner_declines(member_client: Client, member: Member, owner: Member) -> None:
    access = FamilyAccessFactory.create(owner=member, grantee=owner)

    member_client.post("/mijn/toegang/antwoorden/", {"access": access.pk, "answer": "decline"})

    access.refresh_from_db()
    assert access.status == S.DECLINED


def test_answering_a_request_to_someone_else_is_not_found(
    member_client: Client, member: Member, owner: Member
) -> None:
    not_mine = FamilyAccessFactory.create(owner=owner)  # to Mees, from someone else
    asked_by_me = FamilyAccessFactory.create(owner=MemberFactory.create(), grantee=member)

    for access in (not_mine, asked_by_me):
        response = member_client.post(
            "/mijn/toegang/antwoorden/", {"access": access.pk, "answer": "accept"}
        )
        assert response.status_code == 404
    assert (
        member_client.post("/mijn/toegang/beeindigen/", {"access": not_mine.pk}).status_code == 404
    )
    assert set(FamilyAccess.objects.values_list("status", flat=True)) == {S.REQUESTED}


def test_answering_a_lapsed_request_says_so(
    member_client: Client, member: Member, owner: Member
) -> None:
    access = FamilyAccessFactory.create(owner=member, grantee=owner, status=S.LAPSED)

    response = _english(member_client).post(
        "/mijn/toegang/antwoorden/", {"access": access.pk, "answer": "accept"}, follow=True
    )

    assert (
        "This request was not answered within 14 days and has lapsed." in response.content.decode()
    )
    access.refresh_from_db()
    assert access.status == S.LAPSED


def test_either_side_ends_the_access(member_client: Client, member: Member, owner: Member) -> None:
    access = active_access(owner, member)

    response = _english(member_client).post(
        "/mijn/toegang/beeindigen/", {"access": access.pk}, follow=True
    )

    access.refresh_from_db()
    assert (access.status, access.ended_by) == (S.ENDED, member)
    assert "The access has ended." in response.content.decode()


def test_owner_sees_what_the_grantee_did(
    member_client: Client, member: Member, owner: Member
) -> None:
    access = active_access(member, owner)
    FamilyAccessEvent.objects.create(
        access=access,
        owner=member,
        actor=owner,
        action="renewed",
        detail="De avonden",
        at=timezone.now(),
    )

    html = _english(member_client).get("/mijn/toegang/").content.decode()

    assert "<td>Mees</td><td>Renewed a loan: De avonden</td>" in html


def test_parents_and_children_are_shown_to_both(
    client: Client, member: Member, branch: Branch
) -> None:
    child = MemberFactory.create(first_name="Noor", last_name="Visser", home_branch=branch)
    GuardianLink.objects.create(
        child=child,
        guardian=member,
        checked=GuardianCheck.ID_DOCUMENT,
        recorded_at=timezone.now(),
    )

    assert child.user is not None and member.user is not None
    _english(client)
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    as_parent = client.get("/mijn/toegang/").content.decode()
    client.force_login(child.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    as_child = client.get("/mijn/toegang/").content.decode()

    assert '<dt>Your children</dt><dd class="wards">Noor Visser</dd>' in as_parent
    assert '<dt>Parent or guardian</dt><dd class="guardians">Sanne Visser</dd>' in as_child


# --- acting on the owner's account -----------------------------------------------------------


def test_grantee_sees_the_owners_loans_labelled_and_viewing_is_written_once(
    member_client: Client, member: Member, owner: Member
) -> None:
    active_access(owner, member)
    LoanFactory.create(member=member, item__record__title="Mijn eigen boek")
    LoanFactory.create(member=owner, item__record__title="Het boek van Mees")

    html = _english(member_client).get("/mijn/").content.decode()
    member_client.get("/mijn/")

    assert "Mijn eigen boek" in html
    assert f'<h2 id="loans-of-{owner.pk}">Loans of Mees</h2>' in html
    assert '<p class="whose badge">Loan of Mees</p>' in html
    assert "Het boek van Mees" in html
    assert _events() == [(owner.pk, member.pk, "viewed", "")]


def test_grantee_renews_the_owners_loan_and_it_is_written(
    member_client: Client, member: Member, owner: Member
) -> None:
    active_access(owner, member)
    loan = LoanFactory.create(member=owner, item__record__title="Het boek van Mees", renewals=0)

    response = member_client.post(
        f"/mijn/leningen/{loan.pk}/verlengen/", headers={"HX-Request": "true"}
    )

    loan.refresh_from_db()
    assert loan.renewals == 1
    assert response.status_code == 200
    assert (
        "Loan of Mees"
        in _english(member_client)
        .post(f"/mijn/leningen/{loan.pk}/verlengen/", headers={"HX-Request": "true"})
        .content.decode()
    )
    assert _events() == [
        (owner.pk, member.pk, "renewed", "Het boek van Mees"),
        (owner.pk, member.pk, "renewed", "Het boek van Mees"),
    ]


def test_grantee_reserves_for_the_owner(
    member_client: Client, member: Member, owner: Member, branch: Branch
) -> None:
    active_access(owner, member)
    record = RecordFactory.create(title="Het diner")
    ItemFactory.create(record=record, home_branch=branch, status=ItemStatus.ON_LOAN)

    page = _english(member_client).get(f"/titel/{record.pk}/").content.decode()
    response = member_client.post(
        f"/titel/{record.pk}/reserveren/", {"pickup_branch": branch.pk, "for_member": owner.pk}
    )

    assert '<label for="id_for_member">Reserve for</label>' in page
    assert f'<option value="{owner.pk}">Mees</option>' in page
    assert response["Location"] == "/mijn/reserveringen/"
    hold = Hold.objects.get()
    assert (hold.member, hold.record, hold.status) == (owner, record, HoldStatus.WAITING)
    assert _events() == [(owner.pk, member.pk, "reserved", "Het diner")]
    html = member_client.get("/mijn/reserveringen/").content.decode()
    assert "The reservation of “Het diner” for Mees has been placed." in html
    assert "Reservations of Mees" in html


def test_the_choice_for_whom_is_shown_only_with_family_access(
    member_client: Client, branch: Branch
) -> None:
    record = RecordFactory.create()

    page = member_client.get(f"/titel/{record.pk}/").content.decode()

    assert "for_member" not in page


def test_reserving_for_someone_out_of_reach_is_not_found(
    member_client: Client, owner: Member, branch: Branch
) -> None:
    FamilyAccessFactory.create(owner=owner, grantee=MemberFactory.create(), status=S.ACTIVE)
    record = RecordFactory.create()
    ItemFactory.create(record=record, home_branch=branch, status=ItemStatus.ON_LOAN)

    response = member_client.post(
        f"/titel/{record.pk}/reserveren/", {"pickup_branch": branch.pk, "for_member": owner.pk}
    )

    assert response.status_code == 404
    assert Hold.objects.count() == 0


def test_grantee_cancels_the_owners_reservation(
    member_client: Client, member: Member, owner: Member, branch: Branch
) -> None:
    active_access(owner, member)
    hold = HoldFactory.create(member=owner, pickup_branch=branch, record__title="Turks fruit")

    response = _english(member_client).post(
        f"/mijn/reserveringen/{hold.pk}/annuleren/", {"bevestig": "ja"}, follow=True
    )

    hold.refresh_from_db()
    assert hold.status == HoldStatus.CANCELLED
    assert (
        "The reservation of “Turks fruit” for Mees has been cancelled." in response.content.decode()
    )
    assert _events() == [
        (owner.pk, member.pk, "cancelled", "Turks fruit"),
        (owner.pk, member.pk, "viewed", ""),  # the reservations page shown afterwards
    ]


@pytest.mark.parametrize("status", [S.REQUESTED, S.DECLINED, S.LAPSED, S.ENDED])
def test_without_active_access_the_owners_things_are_not_found(
    member_client: Client, member: Member, owner: Member, status: str
) -> None:
    FamilyAccessFactory.create(owner=owner, grantee=member, status=status)
    loan = LoanFactory.create(member=owner, item__record__title="Het boek van Mees")
    hold = HoldFactory.create(member=owner, record__title="Turks fruit")

    assert member_client.post(f"/mijn/leningen/{loan.pk}/verlengen/").status_code == 404
    assert member_client.post(f"/mijn/reserveringen/{hold.pk}/annuleren/").status_code == 404
    assert "Het boek van Mees" not in member_client.get("/mijn/").content.decode()
    assert "Turks fruit" not in member_client.get("/mijn/reserveringen/").content.decode()
    assert Loan.objects.get().renewals == 0
    assert Hold.objects.get().status == HoldStatus.WAITING
    assert FamilyAccessEvent.objects.count() == 0


def test_after_ending_the_access_the_loans_are_out_of_reach_again(
    member_client: Client, member: Member, owner: Member
) -> None:
    access = active_access(owner, member)
    loan = LoanFactory.create(member=owner, item__record__title="Het boek van Mees")
    assert member_client.post(f"/mijn/leningen/{loan.pk}/verlengen/").status_code == 302

    member_client.post("/mijn/toegang/beeindigen/", {"access": access.pk})

    assert member_client.post(f"/mijn/leningen/{loan.pk}/verlengen/").status_code == 404
    assert "Het boek van Mees" not in member_client.get("/mijn/").content.decode()
