"""What was done at a self-service kiosk shows as such: to staff on the member's page and the
item lookup, and to the member on their loans in MijnBibliotheek; the list costs no extra query."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kaft.catalog.models import Branch
from kaft.circulation.selectors.loans import item_last_return, member_open_loans
from kaft.circulation.services import loan_checkin, loan_checkout, loan_renew
from kaft.members.models import Member, User
from tests.factories import BranchFactory, MemberFactory, StaffFactory
from tests.factories_desk import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def central() -> Branch:
    return BranchFactory.create(code="centrale", name="Centrale Bibliotheek")


@pytest.fixture
def member(central: Branch) -> Member:
    return MemberFactory.create(card_number="21000000000042", home_branch=central)


@pytest.fixture
def staff(central: Branch) -> User:
    return StaffFactory.create(username="balie1", profile__branch=central)


def lend(member: Member, central: Branch, staff: User) -> None:
    """Three loans: at a kiosk; at the desk and renewed at a kiosk; at the desk only."""
    kiosk = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=kiosk, member=member, staff=None, branch=central, via="kiosk")
    renewed = make_item(central, "30000000000002", "Max Havelaar")
    loan = loan_checkout(item=renewed, member=member, staff=staff, branch=central)
    loan_renew(loan=loan, staff=None, via="kiosk")
    desk = make_item(central, "30000000000003", "Turks fruit")
    loan_checkout(item=desk, member=member, staff=staff, branch=central)


def test_the_open_loans_carry_their_via_in_one_query(
    member: Member, central: Branch, staff: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    lend(member, central, staff)
    with django_assert_num_queries(1):
        loans = list(member_open_loans(member, with_renewals_left=True, with_via=True))
    got = {loan.item.record.title: (loan.lent_via, loan.renewed_via) for loan in loans}  # type: ignore[attr-defined]
    assert got == {
        "De avonden": ("kiosk", ""),
        "Max Havelaar": ("desk", "kiosk"),
        "Turks fruit": ("desk", ""),
    }


def test_staff_see_on_the_members_page_what_was_done_at_a_kiosk(
    member: Member, central: Branch, staff: User
) -> None:
    lend(member, central, staff)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("desk:member_detail", args=[member.pk])).content.decode()
    rows = {
        title: page.split(title)[1].split("</tr>")[0]
        for title in ("De avonden", "Max Havelaar", "Turks fruit")
    }
    assert "geleend via zelfbediening" in rows["De avonden"]
    assert "verlengd via zelfbediening" in rows["Max Havelaar"]
    assert "geleend via" not in rows["Max Havelaar"]
    assert "zelfbediening" not in rows["Turks fruit"]


def test_the_member_sees_on_their_loans_what_was_done_at_a_kiosk(
    member: Member, central: Branch, staff: User
) -> None:
    lend(member, central, staff)
    client = Client()
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    page = client.get(reverse("portal:loans")).content.decode()
    rows = {
        title: page.split(title)[1].split("</li>")[0]
        for title in ("De avonden", "Max Havelaar", "Turks fruit")
    }
    assert "Geleend via zelfbediening." in rows["De avonden"]
    assert "Laatst verlengd via zelfbediening." in rows["Max Havelaar"]
    assert "zelfbediening" not in rows["Turks fruit"]


def test_the_item_lookup_says_a_copy_was_returned_at_a_kiosk(
    member: Member, central: Branch, staff: User
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=item, member=member, staff=staff, branch=central)
    loan_checkin(item=item, branch=central, staff=None, via="kiosk")
    last = item_last_return(item)
    assert last is not None and (last.via, last.branch) == ("kiosk", central)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("desk:items"), {"q": "30000000000001"}).content.decode()
    returned = page.split('class="item-returned">')[1].split("</dd>")[0]
    assert returned.endswith("Centrale Bibliotheek, via zelfbediening")
    assert member.last_name not in page
