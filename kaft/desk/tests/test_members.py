"""Finding, showing, registering and changing members at the desk."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.test import Client

from kaft.catalog.models import Branch
from kaft.members.models import (
    Address,
    Member,
    MemberAction,
    MemberCategory,
    MemberEvent,
    MemberStatus,
    User,
)
from kaft.privacy.models import AccessLogEntry
from tests.factories import StaffFactory
from tests.factories_desk import log_parts


def test_search_lists_name_and_card_and_logs_each_member_listed(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    for query in ("Vries", "21000000000042", "sanne@example.org", "3512ab"):
        response = desk.get("/desk/members/", {"q": query})
        assert [m.pk for m in response.context["results"]] == [member.pk], query
    html = response.content.decode()
    assert "Sanne de Vries" in html and "21000000000042" in html
    assert "Kastanjelaan" not in html
    assert log_parts(member) == [("search", staff.pk, central.pk)] * 4


def test_a_search_logs_every_member_listed_in_one_insert(
    desk: Client,
    staff: User,
    member: Member,
    other_member: Member,
    django_assert_num_queries: Any,
) -> None:
    Member.objects.filter(pk=other_member.pk).update(last_name="Vriesema")
    unlisted = Member.objects.create(
        card_number="21000000000100",
        first_name="Eva",
        last_name="Jansen",
        date_of_birth=dt.date(1990, 1, 1),
        category=member.category,
        home_branch=member.home_branch,
    )

    # session, user with staff profile; the search; one insert for the access log
    with django_assert_num_queries(4):
        desk.get("/desk/members/", {"q": "vries"})

    assert sorted(AccessLogEntry.objects.values_list("member_id", "part", "purpose")) == sorted(
        [(member.pk, "search", "desk"), (other_member.pk, "search", "desk")]
    )
    assert log_parts(unlisted) == []


def test_search_without_match(desk: Client, member: Member) -> None:
    response = desk.get("/desk/members/", {"q": "Pietersen"})

    assert "Geen leden gevonden." in response.content.decode()


def test_opening_a_member_shows_everything_and_logs_it(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    html = desk.get(f"/desk/members/{member.pk}/").content.decode()

    for shown in ("Sanne de Vries", "sanne@example.org", "0612345678", "Kastanjelaan 7", "3512 AB"):
        assert shown in html
    assert "12 april 1985" in html  # date of birth
    assert log_parts(member) == [
        ("identity", staff.pk, central.pk),
        ("status", staff.pk, central.pk),
        ("contact", staff.pk, central.pk),
        ("loans", staff.pk, central.pk),
        ("holds", staff.pk, central.pk),
    ]


def registration(category: MemberCategory, branch: Branch, **changes: Any) -> dict[str, Any]:
    data = {
        "card_number": "21000000000777",
        "first_name": "Noor",
        "name_prefix": "van",
        "last_name": "Dijk",
        "date_of_birth": "1990-05-01",
        "category": category.pk,
        "home_branch": branch.pk,
        "membership_end": "",
        "email": "Noor@Example.org",
        "phone": "030 1234567",
        "preferred_language": "nl",
        "street": "Lange Nieuwstraat",
        "house_number": "12a",
        "postcode": "3512pm",
        "city": "Utrecht",
        "password": "",
    }
    data.update(changes)
    return data


def counts() -> tuple[int, int, int]:
    return Member.objects.count(), User.objects.count(), Address.objects.count()


def test_register_a_member(
    desk: Client, staff: User, central: Branch, adult: MemberCategory
) -> None:
    response = desk.post("/desk/members/new/", registration(adult, central))

    member = Member.objects.get(card_number="21000000000777")
    assert response["Location"] == f"/desk/members/{member.pk}/"
    assert (member.full_name, member.email, member.home_branch_id) == (
        "Noor van Dijk",
        "noor@example.org",
        central.pk,
    )
    assert str(member.addresses.get()) == "Lange Nieuwstraat 12a, 3512 PM Utrecht"
    page = desk.get(response["Location"]).content.decode()
    assert "Noor van Dijk is ingeschreven met pasnummer 21000000000777." in page
    assert list(MemberEvent.objects.values_list("member_id", "action", "staff_id")) == [
        (member.pk, MemberAction.REGISTERED, staff.pk)
    ]


def test_registration_form_starts_at_the_current_branch(desk: Client, central: Branch) -> None:
    form = desk.get("/desk/members/new/").context["form"]

    assert form["home_branch"].value() == central.pk


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"card_number": "21000000000042"}, "Dit pasnummer is al in gebruik."),
        ({"password": "kort1"}, "Dit wachtwoord is te kort."),
        ({"date_of_birth": "2090-01-01"}, "De geboortedatum kan niet in de toekomst liggen."),
        ({"last_name": ""}, "Dit veld is verplicht."),
        ({"postal_street": "Postbus"}, "Vul het hele postadres in, of laat het leeg."),
    ],
)
def test_refused_registration_says_why_and_writes_nothing(
    desk: Client,
    central: Branch,
    adult: MemberCategory,
    member: Member,
    changes: dict[str, str],
    message: str,
) -> None:
    before = counts()

    response = desk.post("/desk/members/new/", registration(adult, central, **changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_too_old_for_the_youth_category(
    desk: Client, central: Branch, youth: MemberCategory
) -> None:
    before = counts()

    response = desk.post("/desk/members/new/", registration(youth, central))

    assert "Dit lid is te oud voor de gekozen categorie." in response.content.decode()
    assert response.context["form"].errors["category"] == [
        "Dit lid is te oud voor de gekozen categorie."
    ]
    assert counts() == before


def test_edit_form_is_a_look_at_identity_membership_and_contact_details(
    desk: Client, staff: User, member: Member
) -> None:
    response = desk.get(f"/desk/members/{member.pk}/edit/")

    assert response.context["contact"]["street"].value() == "Kastanjelaan"
    assert response.context["identity"]["date_of_birth"].value() == member.date_of_birth
    assert list(AccessLogEntry.objects.filter(member=member).values_list("part", "purpose")) == [
        ("identity", "registration"),
        ("status", "registration"),
        ("contact", "registration"),
    ]


def test_change_contact_details(desk: Client, staff: User, member: Member) -> None:
    data = {
        "form": "contact",
        "contact-email": "sanne@voorbeeld.nl",
        "contact-phone": "",
        "contact-preferred_language": "en",
        "contact-street": "Oudegracht",
        "contact-house_number": "1",
        "contact-postcode": "3511aa",
        "contact-city": "Utrecht",
        "contact-postal_street": "Postbus",
        "contact-postal_house_number": "10",
        "contact-postal_postcode": "3500AA",
        "contact-postal_city": "Utrecht",
    }

    response = desk.post(f"/desk/members/{member.pk}/edit/", data)

    assert response["Location"] == f"/desk/members/{member.pk}/"
    member.refresh_from_db()
    assert (member.email, member.phone, member.preferred_language) == (
        "sanne@voorbeeld.nl",
        "",
        "en",
    )
    assert sorted(str(a) for a in member.addresses.all()) == [
        "Oudegracht 1, 3511 AA Utrecht",
        "Postbus 10, 3500 AA Utrecht",
    ]
    assert list(MemberEvent.objects.values_list("member_id", "action", "staff_id")) == [
        (member.pk, MemberAction.CONTACT_CHANGED, staff.pk)
    ]


def identity(member: Member, **changes: Any) -> dict[str, Any]:
    data = {
        "form": "identity",
        "identity-first_name": "Sanne",
        "identity-name_prefix": "",
        "identity-last_name": "Vries-Jansen",
        "identity-date_of_birth": "1985-04-12",
        "identity-category": member.category_id,
        "identity-home_branch": member.home_branch_id,
        "identity-membership_end": "2030-12-31",
    }
    data.update(changes)
    return data


def test_change_identity(desk: Client, staff: User, member: Member) -> None:
    desk.post(f"/desk/members/{member.pk}/edit/", identity(member))

    member.refresh_from_db()
    assert (member.full_name, member.membership_end) == (
        "Sanne Vries-Jansen",
        dt.date(2030, 12, 31),
    )
    assert list(MemberEvent.objects.values_list("member_id", "action", "staff_id")) == [
        (member.pk, MemberAction.IDENTITY_CHANGED, staff.pk)
    ]


def test_identity_change_refused_changes_nothing(
    desk: Client, member: Member, youth: MemberCategory
) -> None:
    response = desk.post(
        f"/desk/members/{member.pk}/edit/", identity(member, **{"identity-category": youth.pk})
    )

    assert "Dit lid is te oud voor de gekozen categorie." in response.content.decode()
    member.refresh_from_db()
    assert (member.last_name, member.category.code) == ("Vries", "adult")
    assert MemberEvent.objects.count() == 0


def test_block_and_unblock_record_who_did_it(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    desk.post(f"/desk/members/{member.pk}/block/", {"reason": "Pas gestolen"})
    member.refresh_from_db()
    assert (member.status, member.block_reason) == (MemberStatus.BLOCKED, "Pas gestolen")

    again = desk.post(f"/desk/members/{member.pk}/block/", {"reason": "Nogmaals"}, follow=True)
    assert "Dit lid is al geblokkeerd." in again.content.decode()
    member.refresh_from_db()
    assert member.block_reason == "Pas gestolen"

    colleague = cast(User, StaffFactory(username="balie2", profile__branch=central))
    desk.force_login(colleague)
    desk.post(f"/desk/members/{member.pk}/unblock/")
    member.refresh_from_db()
    assert (member.status, member.block_reason) == (MemberStatus.ACTIVE, "")
    assert list(MemberEvent.objects.order_by("pk").values_list("action", "staff_id", "note")) == [
        (MemberAction.BLOCKED, staff.pk, "Pas gestolen"),
        (MemberAction.UNBLOCKED, colleague.pk, "Pas gestolen"),
    ]


def test_block_needs_a_reason(desk: Client, member: Member) -> None:
    response = desk.post(f"/desk/members/{member.pk}/block/", {"reason": ""}, follow=True)

    assert "Geef een reden voor de blokkade." in response.content.decode()
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert MemberEvent.objects.count() == 0
