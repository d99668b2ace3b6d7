"""Parents and guardians at the desk: at registration, and later on the member's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.members.models import (
    Address,
    GuardianLink,
    Member,
    MemberCategory,
    MemberEvent,
    User,
)
from kaft.privacy.models import AccessLogEntry
from tests.factories import MemberFactory
from tests.factories_family import born_years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(desk: Client) -> Client:
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return desk


@pytest.fixture
def child(central: Branch, youth: MemberCategory) -> Member:
    return MemberFactory.create(
        card_number="21000000000123",
        first_name="Noor",
        last_name="Vries",
        date_of_birth=born_years_ago(9),
        category=youth,
        home_branch=central,
    )


def _registration(category: MemberCategory, branch: Branch, **changes: Any) -> dict[str, Any]:
    data = {
        "card_number": "21000000000777",
        "first_name": "Bo",
        "name_prefix": "de",
        "last_name": "Vries",
        "date_of_birth": born_years_ago(8).isoformat(),
        "category": category.pk,
        "home_branch": branch.pk,
        "membership_end": "",
        "email": "",
        "phone": "",
        "preferred_language": "nl",
        "street": "Kastanjelaan",
        "house_number": "7",
        "postcode": "3512AB",
        "city": "Utrecht",
        "password": "",
        "guardian-card_number": "21000000000042",
        "guardian-checked": "id_document",
        "guardian-note": "rijbewijs",
    }
    data.update(changes)
    return data


def _counts() -> tuple[int, int, int, int]:
    return (
        Member.objects.count(),
        Address.objects.count(),
        GuardianLink.objects.count(),
        MemberEvent.objects.count(),
    )


def test_register_a_child_with_a_parent(
    english: Client, staff: User, central: Branch, youth: MemberCategory, member: Member
) -> None:
    response = english.post("/desk/members/new/", _registration(youth, central))

    child = Member.objects.get(card_number="21000000000777")
    assert response["Location"] == f"/desk/members/{child.pk}/"
    link = GuardianLink.objects.get()
    assert (link.child, link.guardian, link.checked, link.check_note, link.recorded_by) == (
        child,
        member,
        "id_document",
        "rijbewijs",
        staff,
    )
    assert list(
        MemberEvent.objects.order_by("pk").values_list("member_id", "action", "staff_id")
    ) == [
        (child.pk, "registered", staff.pk),
        (child.pk, "guardian_linked", staff.pk),
        (member.pk, "guardian_linked", staff.pk),
    ]


def test_registration_without_a_parent_still_works(
    english: Client, central: Branch, adult: MemberCategory
) -> None:
    data = _registration(
        adult,
        central,
        date_of_birth="1990-01-01",
        **{"guardian-card_number": "", "guardian-checked": "", "guardian-note": ""},
    )

    english.post("/desk/members/new/", data)

    assert Member.objects.filter(card_number="21000000000777").exists()
    assert GuardianLink.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"date_of_birth": "1990-01-01"},
            "A parent or guardian can only be recorded for a child under 16.",
        ),
        ({"guardian-card_number": "21000000009999"}, "No member has this card number."),
        ({"guardian-checked": ""}, "Say what you checked."),
    ],
)
def test_a_refused_parent_registers_nobody(
    english: Client,
    central: Branch,
    adult: MemberCategory,
    member: Member,
    changes: dict[str, str],
    message: str,
) -> None:
    before = _counts()
    # The child would live at the parent's address: staff passed the duplicate warning for them.
    changes = {"duplicates_seen": str(member.pk), **changes}

    response = english.post("/desk/members/new/", _registration(adult, central, **changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


def test_record_and_end_a_parent_on_the_guardians_page(
    english: Client, staff: User, child: Member, member: Member
) -> None:
    page = english.get(f"/desk/members/{child.pk}/guardians/").content.decode()
    response = english.post(
        f"/desk/members/{child.pk}/guardians/",
        {"card_number": "21000000000042", "checked": "birth_certificate", "note": ""},
        follow=True,
    )

    assert "Record parent or guardian" in page
    html = response.content.decode()
    assert "The parent or guardian is recorded." in html
    assert "Sanne de Vries" in html
    link = GuardianLink.objects.get()
    assert (link.child, link.guardian, link.checked) == (child, member, "birth_certificate")
    # the parent's name was shown: logged for the parent too
    assert AccessLogEntry.objects.filter(member=member, staff=staff, part="identity").exists()

    ended = english.post(
        f"/desk/members/{member.pk}/guardians/end/", {"link": link.pk}, follow=True
    ).content.decode()

    link.refresh_from_db()
    assert link.ended_at is not None
    assert "The parent or guardian link has ended." in ended
    assert list(
        MemberEvent.objects.filter(action="guardian_unlinked").values_list("member_id", flat=True)
    ) == [child.pk, member.pk]


def test_an_adult_gets_no_form_and_a_refusal_says_why(english: Client, member: Member) -> None:
    page = english.get(f"/desk/members/{member.pk}/guardians/").content.decode()
    response = english.post(
        f"/desk/members/{member.pk}/guardians/",
        {"card_number": "21000000000042", "checked": "other", "note": ""},
    )

    assert "A parent or guardian is only recorded for a child under 16." in page
    assert "Record parent or guardian" not in page
    assert "A member cannot be their own parent or guardian." in response.content.decode()
    assert GuardianLink.objects.count() == 0


def test_ending_someone_elses_link_changes_nothing(
    english: Client, child: Member, member: Member, other_member: Member
) -> None:
    link = GuardianLink.objects.create(
        child=child, guardian=member, checked="other", recorded_at=timezone.now()
    )

    response = english.post(
        f"/desk/members/{other_member.pk}/guardians/end/", {"link": link.pk}, follow=True
    )

    assert "This parent or guardian link has already ended." in response.content.decode()
    link.refresh_from_db()
    assert link.ended_at is None
