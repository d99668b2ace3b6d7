"""Writes to members: registration, contact and identity changes, passwords, blocks."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kaft.catalog.models import Branch
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import (
    Address,
    AddressKind,
    Member,
    MemberAction,
    MemberCategory,
    MemberEvent,
    MemberStatus,
    MessagePreference,
    User,
)
from kaft.members.services.member import (
    AddressInput,
    member_block,
    member_change_password,
    member_register,
    member_unblock,
    member_update_contact,
    member_update_identity,
    normalise_postcode,
)
from tests.factories import StaffFactory

HOME = AddressInput(street=" Kastanjelaan ", house_number="7", postcode="3512ab", city="Utrecht")


def register(category: MemberCategory, branch: Branch, **changes: Any) -> Member:
    data: dict[str, Any] = {
        "first_name": " Sanne ",
        "name_prefix": "de",
        "last_name": "Vries",
        "date_of_birth": dt.date(1985, 4, 12),
        "email": " Sanne@Example.ORG ",
        "phone": "06 12345678",
        "category": category,
        "home_branch": branch,
        "home_address": HOME,
    }
    data.update(changes)
    return member_register(**data)


def snapshot() -> tuple[object, ...]:
    return (
        list(Member.objects.order_by("pk").values_list()),
        list(User.objects.order_by("pk").values_list("pk", "username", "password")),
        list(Address.objects.order_by("pk").values_list()),
        list(MemberEvent.objects.order_by("pk").values_list()),
    )


def refused(code: MemberErrorCode, english: str, action: Any) -> None:
    before = snapshot()
    with pytest.raises(MemberError) as excinfo:
        action()
    assert excinfo.value.code == code
    with translation.override("en"):
        assert excinfo.value.message == english
    assert snapshot() == before


@pytest.mark.parametrize(
    ("given", "expected"),
    [("3512ab", "3512 AB"), (" 3512 AB ", "3512 AB"), ("b-1000", "B-1000"), ("12345", "12345")],
)
def test_normalise_postcode(given: str, expected: str) -> None:
    assert normalise_postcode(given) == expected


def test_register_a_member(adult: MemberCategory, branch: Branch) -> None:
    member = register(adult, branch, password="een lang wachtwoord 42")

    member.refresh_from_db()
    assert (member.first_name, member.full_name, member.email, member.phone) == (
        "Sanne",
        "Sanne de Vries",
        "sanne@example.org",
        "+31612345678",  # kept as E.164
    )
    assert member.card_number.startswith("2100") and len(member.card_number) == 14
    assert member.membership_start == timezone.localdate()
    assert member.status == MemberStatus.ACTIVE
    assert member.user is not None
    assert member.user.username == f"member-{member.pk}"
    assert member.user.check_password("een lang wachtwoord 42")
    assert [str(a) for a in member.addresses.all()] == ["Kastanjelaan 7, 3512 AB Utrecht"]


def test_register_without_password_gives_an_unusable_one(
    adult: MemberCategory, branch: Branch
) -> None:
    member = register(adult, branch, card_number=" 21000000000042 ")

    assert member.card_number == "21000000000042"
    assert member.user is not None
    assert not member.user.has_usable_password()


def test_register_with_a_postal_address(adult: MemberCategory, branch: Branch) -> None:
    postal = AddressInput(street="Postbus", house_number="10", postcode="3500aa", city="Utrecht")

    member = register(adult, branch, postal_address=postal)

    assert dict(member.addresses.values_list("kind", "postcode")) == {
        AddressKind.HOME: "3512 AB",
        AddressKind.POSTAL: "3500 AA",
    }


def test_register_refuses_a_card_in_use(adult: MemberCategory, branch: Branch) -> None:
    register(adult, branch, card_number="21000000000042")

    refused(
        MemberErrorCode.CARD_IN_USE,
        "This card number is already in use.",
        lambda: register(adult, branch, card_number="21000000000042", first_name="Daan"),
    )


def test_register_refuses_a_weak_password_and_writes_nothing(
    adult: MemberCategory, branch: Branch
) -> None:
    before = snapshot()

    with pytest.raises(ValidationError) as excinfo:
        register(adult, branch, password="kort")

    assert [e.code for e in excinfo.value.error_list] == ["password_too_short"]
    assert snapshot() == before


def test_youth_category_up_to_the_birthday(youth: MemberCategory, branch: Branch) -> None:
    today = timezone.localdate()
    day_before_18 = today.replace(year=today.year - 18) + dt.timedelta(days=1)
    eighteen_today = today.replace(year=today.year - 18)

    assert register(youth, branch, date_of_birth=day_before_18).category == youth
    refused(
        MemberErrorCode.TOO_OLD_FOR_CATEGORY,
        "This member is too old for the chosen category.",
        lambda: register(youth, branch, date_of_birth=eighteen_today),
    )


def test_update_contact(adult: MemberCategory, branch: Branch) -> None:
    member = register(
        adult,
        branch,
        postal_address=AddressInput(
            street="Postbus", house_number="10", postcode="3500AA", city="Utrecht"
        ),
    )

    desk = cast(User, StaffFactory(profile__branch=branch))
    updated = member_update_contact(
        member=member,
        staff=desk,
        email=" NIEUW@example.org",
        phone=" 030 1234567 ",
        home_address=AddressInput(
            street="Oudegracht", house_number="1", postcode="3511 aa", city="Utrecht"
        ),
        preferred_language="en",
        message_channels={"hold_ready": "sms", "due_soon": "pigeon", "unknown": "email"},
    )

    member.refresh_from_db()
    assert (member.email, member.phone, member.preferred_language) == (
        "nieuw@example.org",
        "+31301234567",
        "en",
    )
    assert updated.pk == member.pk
    assert [str(a) for a in member.addresses.all()] == ["Oudegracht 1, 3511 AA Utrecht"]
    assert list(MessagePreference.objects.values_list("message_type", "channel")) == [
        ("hold_ready", "sms")
    ]


def test_update_contact_can_keep_the_postal_address(adult: MemberCategory, branch: Branch) -> None:
    postal = AddressInput(street="Postbus", house_number="10", postcode="3500AA", city="Utrecht")
    member = register(adult, branch, postal_address=postal)

    member_update_contact(member=member, phone="", keep_postal=True)

    assert sorted(member.addresses.values_list("kind", flat=True)) == ["home", "postal"]
    assert Member.objects.get(pk=member.pk).preferred_language == "nl"


def test_update_identity(adult: MemberCategory, youth: MemberCategory, branch: Branch) -> None:
    member = register(adult, branch)
    west = Branch.objects.create(code="west", name="Vestiging West", isil="NL-West")

    member_update_identity(
        member=member,
        first_name="Sanne ",
        name_prefix="",
        last_name=" Vries-Jansen",
        date_of_birth=dt.date(1985, 4, 13),
        category=adult,
        home_branch=west,
        membership_end=dt.date(2030, 12, 31),
    )

    member.refresh_from_db()
    assert (member.full_name, member.date_of_birth, member.home_branch_id) == (
        "Sanne Vries-Jansen",
        dt.date(1985, 4, 13),
        west.pk,
    )
    assert member.membership_end == dt.date(2030, 12, 31)
    refused(
        MemberErrorCode.TOO_OLD_FOR_CATEGORY,
        "This member is too old for the chosen category.",
        lambda: member_update_identity(
            member=member,
            first_name="Sanne",
            name_prefix="",
            last_name="Anders",
            date_of_birth=member.date_of_birth or dt.date(2000, 1, 1),
            category=youth,
            home_branch=branch,
            membership_end=None,
        ),
    )


def test_change_password(adult: MemberCategory, branch: Branch) -> None:
    member = register(adult, branch, password="een lang wachtwoord 42")

    refused(
        MemberErrorCode.WRONG_PASSWORD,
        "The current password is not correct.",
        lambda: member_change_password(
            member=member, current_password="fout", new_password="nog een lang wachtwoord"
        ),
    )
    member_change_password(
        member=member,
        current_password="een lang wachtwoord 42",
        new_password="nog een lang wachtwoord",
    )

    assert member.user is not None
    member.user.refresh_from_db()
    assert member.user.check_password("nog een lang wachtwoord")


def test_block_and_unblock(adult: MemberCategory, branch: Branch) -> None:
    member = register(adult, branch)

    refused(
        MemberErrorCode.NOT_BLOCKED,
        "This member is not blocked.",
        lambda: member_unblock(member=member),
    )
    blocked = member_block(member=member, reason="  Pas gestolen ")
    assert (blocked.status, blocked.block_reason) == (MemberStatus.BLOCKED, "Pas gestolen")
    refused(
        MemberErrorCode.ALREADY_BLOCKED,
        "This member is already blocked.",
        lambda: member_block(member=member, reason="Nogmaals"),
    )
    member_unblock(member=member)

    member.refresh_from_db()
    assert (member.status, member.block_reason) == (MemberStatus.ACTIVE, "")


@pytest.mark.django_db
def test_a_password_like_the_members_own_name_is_refused_and_nothing_changes() -> None:
    from kaft.members.services.member import member_change_password
    from tests.factories import PASSWORD, MemberFactory

    member = cast(Member, MemberFactory(first_name="Wilhelmina", last_name="Kortenhoeven"))
    assert member.user is not None
    old_hash = member.user.password
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        member_change_password(
            member=member, current_password=PASSWORD, new_password="kortenhoeven1"
        )
    assert refused.value.messages == ["The password is too similar to the last name."]
    member.user.refresh_from_db()
    assert member.user.password == old_hash


def test_every_change_is_in_the_history_with_who_made_it(
    adult: MemberCategory, branch: Branch
) -> None:
    # Given two members of staff
    registrar = cast(User, StaffFactory(username="balie1", profile__branch=branch))
    supervisor = cast(User, StaffFactory(username="balie2", profile__branch=branch))

    # When the desk registers a member, the member changes contact details and password in
    # MijnBibliotheek, and the desk changes identity, blocks and unblocks
    member = register(adult, branch, password="een lang wachtwoord 42", staff=registrar)
    member_update_contact(member=member, phone="030 1234567")
    member_change_password(
        member=member,
        current_password="een lang wachtwoord 42",
        new_password="nog een lang wachtwoord",
    )
    member_update_identity(
        member=member,
        first_name="Sanne",
        name_prefix="",
        last_name="Vries",
        date_of_birth=dt.date(1985, 4, 12),
        category=adult,
        home_branch=branch,
        membership_end=None,
        staff=registrar,
    )
    member_block(member=member, reason=" Pas gestolen ", staff=registrar)
    member_unblock(member=member, staff=supervisor)

    # Then the history has one event per change, in order, with who made it (None: the member)
    assert list(
        MemberEvent.objects.filter(member=member)
        .order_by("pk")
        .values_list("action", "staff_id", "note")
    ) == [
        (MemberAction.REGISTERED, registrar.pk, ""),
        (MemberAction.CONTACT_CHANGED, None, ""),
        (MemberAction.PASSWORD_CHANGED, None, ""),
        (MemberAction.IDENTITY_CHANGED, registrar.pk, ""),
        (MemberAction.BLOCKED, registrar.pk, "Pas gestolen"),
        (MemberAction.UNBLOCKED, supervisor.pk, "Pas gestolen"),
    ]
    assert all(event.at <= timezone.now() for event in MemberEvent.objects.filter(member=member))


def test_a_refused_change_leaves_no_event(adult: MemberCategory, branch: Branch) -> None:
    member = register(adult, branch, password="een lang wachtwoord 42")
    events = MemberEvent.objects.count()

    with pytest.raises(MemberError):
        member_change_password(member=member, current_password="fout", new_password="x" * 20)
    with pytest.raises(MemberError):
        member_unblock(member=member, staff=None)

    assert MemberEvent.objects.count() == events == 1
