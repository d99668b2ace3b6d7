"""The desk's page of a member's interests: shows them only with the consent, logs the look."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaft.members.models import Member, User
from kaft.outreach.models import Interest, InterestKind
from kaft.outreach.services.interests import interest_choose
from kaft.privacy.models import AccessLogEntry, ConsentPurpose, ConsentVia, DataPart
from kaft.privacy.services.consent import consent_set
from tests.factories import BranchFactory, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    user: User = StaffFactory.create(username="balie-interesses")
    return user


@pytest.fixture
def desk(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def member() -> Member:
    member: Member = MemberFactory.create(home_branch=BranchFactory.create())
    return member


def _page(member: Member) -> str:
    return reverse("desk:member_interests", args=[member.pk])


def test_the_page_shows_the_chosen_interests_and_logs_the_look(
    desk: Client, member: Member, staff: User
) -> None:
    consent_set(member=member, purpose=ConsentPurpose.INTERESTS, given=True, via=ConsentVia.PORTAL)
    interest = Interest.objects.create(
        code="kookboeken", name_nl="Kookboeken", name_en="Cookery", kind=InterestKind.SUBJECT
    )
    interest_choose(member=member, interest=interest)
    AccessLogEntry.objects.all().delete()

    page = desk.get(_page(member), headers={"accept-language": "nl"}).content.decode()

    assert "Kookboeken" in page
    entry = AccessLogEntry.objects.get()
    assert (entry.member_id, entry.staff_id) == (member.pk, staff.pk)
    assert entry.part == DataPart.STATUS


def test_the_member_page_links_to_it(desk: Client, member: Member) -> None:
    page = desk.get(reverse("desk:member_detail", args=[member.pk])).content.decode()

    assert _page(member) in page


def test_an_unknown_member_is_404(desk: Client) -> None:
    assert desk.get(reverse("desk:member_interests", args=[999999])).status_code == 404


# --- the library's list (administrators) --------------------------------------------------------


@pytest.fixture
def admin_desk() -> Client:
    from tests.factories_desk import staff_login
    from tests.factories_security import staff_with_role

    client = Client()
    staff_login(client, staff_with_role("administrator"))
    return client


def test_only_administrators_manage_the_list(desk: Client) -> None:
    assert desk.get(reverse("desk:interests")).status_code == 403
    assert desk.post(reverse("desk:interests_seed")).status_code == 403
    assert Interest.objects.count() == 0


def test_add_the_suggested_list_and_stop_offering_one(admin_desk: Client) -> None:
    admin_desk.post(reverse("desk:interests_seed"))
    thrillers = Interest.objects.get(code="thrillers")
    page = admin_desk.get(reverse("desk:interests")).content.decode()
    assert "Peuters en kleuters" in page

    admin_desk.post(reverse("desk:interest_active"), {"interest": thrillers.pk, "active": "0"})

    thrillers.refresh_from_db()
    assert thrillers.active is False


@pytest.mark.parametrize("extra", ["7", "77", "x"])
def test_a_long_or_bad_interest_id_is_404_and_changes_nothing(
    admin_desk: Client, extra: str
) -> None:
    admin_desk.post(reverse("desk:interests_seed"))
    thrillers = Interest.objects.get(code="thrillers")
    # Its own id padded to 18 digits, then more: once cut to 18 digits, it named thrillers.
    response = admin_desk.post(
        reverse("desk:interest_active"), {"interest": f"{thrillers.pk:018d}{extra}", "active": "0"}
    )
    assert response.status_code == 404
    assert set(Interest.objects.values_list("active", flat=True)) == {True}


def test_add_an_interest_and_refuse_a_branch_for_a_genre(admin_desk: Client) -> None:
    branch = BranchFactory.create()
    data = {
        "code": "strips",
        "name_nl": "Strips",
        "name_en": "Comics",
        "kind": "genre",
        "subjects": "Strips\n Graphic novels \n",
        "order": "5",
    }
    refused = admin_desk.post(reverse("desk:interests"), {**data, "branch": branch.pk})
    assert refused.status_code == 400
    assert not Interest.objects.exists()

    assert admin_desk.post(reverse("desk:interests"), data).status_code == 302
    assert Interest.objects.get(code="strips").subject_list == ["Strips", "Graphic novels"]
    again = admin_desk.post(reverse("desk:interests"), data)
    assert again.status_code == 400
    assert Interest.objects.count() == 1
