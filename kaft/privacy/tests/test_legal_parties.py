"""A request from police or justice produces the member in scope only.

Sanne (13) is the member in scope. Joris, her father, is in every relation to her: her guardian,
who gave a consent for her; he had access to her account (and renewed and reserved on it) and
she to his; he ended it; he is named in a note and a block reason, and his first name is in the
message that told her he asked for access. Staff handled her loans, correction, notes, block and
lost login, and looked at her data. Every category is asked. None of them may be identified in
the produced data (name, card number, e-mail, phone, login or id): only their role. Erasing
Joris afterwards leaves nothing of him in it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from kaft.members.models import Member, StaffProfile, User
from kaft.privacy.models import DataCategory, LegalRequest, PartyRole
from kaft.privacy.services.erasure import member_erase
from kaft.privacy.services.legal import legal_request_decide
from tests.factories_copies import World, build_world, years_before
from tests.factories_transparency import legal_request, officer

pytestmark = pytest.mark.django_db
ROLES = set(PartyRole.values)


@pytest.fixture
def world(django_capture_on_commit_callbacks: Any) -> World:
    today = timezone.localdate()
    return build_world(
        subject_born=years_before(today, 13) - dt.timedelta(days=40),
        other_born=dt.date(1979, 2, 3),
        corrected_born=years_before(today, 13) - dt.timedelta(days=41),
        capture=django_capture_on_commit_callbacks,
        subject_is_child=True,
    )


def identifiers_of_member(member: Member) -> list[str]:
    user = cast(User, member.user)
    return [
        member.first_name,
        member.last_name,
        member.full_name,
        member.card_number,
        member.email,
        member.phone,
        user.get_username(),
        f"member-{member.pk}",
    ]


def identifiers_of_staff(user: User) -> list[str]:
    profile = StaffProfile.objects.get(user=user)
    return [
        user.get_username(),
        user.first_name,
        user.last_name,
        user.get_full_name(),
        user.email,
        profile.display_name,
    ]


def people_around(world: World) -> dict[str, list[str]]:
    staff = [world.staff, *User.objects.filter(username__in=["fg-fatima", "fg-joost"])]
    found = {"father": identifiers_of_member(world.other)}
    for user in staff:
        found[user.get_username()] = identifiers_of_staff(user)
    return found


def leaks(produced: Any, people: dict[str, list[str]]) -> list[tuple[str, str]]:
    text = json.dumps(produced, ensure_ascii=False).casefold()
    return [
        (who, value)
        for who, values in people.items()
        for value in values
        if value and value.casefold() in text
    ]


def person_links(produced: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(table, field, value) of every field in the produced rows that links to a person."""
    from kaft.members.models import Member as MemberModel

    for tables in produced["data"].values():
        for label, rows in tables.items():
            model = apps.get_model(label)
            for row in rows:
                for name, value in row.items():
                    try:
                        field = model._meta.get_field(name)
                    except FieldDoesNotExist:  # an added readable field (title)
                        continue
                    if field.is_relation and field.related_model in (MemberModel, User):
                        yield label, name, value


def test_only_the_member_in_scope_is_identified(world: World) -> None:
    produced = cast(dict[str, Any], world.legal.produced)
    people = people_around(world)

    assert leaks(produced, people) == []
    assert set(produced["data"]) == set(DataCategory.values)
    # every link to a person is the member in scope or a role, never a name or an id
    links = list(person_links(produced))
    assert links
    subject_login = cast(User, world.subject.user).get_username()
    assert {(label, name, value) for label, name, value in links if value is not None} == {
        ("members.Member", "user", subject_login),
        ("members.FamilyAccess", "owner", "member"),
        ("members.FamilyAccess", "owner", "family_member"),
        ("members.FamilyAccess", "grantee", "member"),
        ("members.FamilyAccess", "grantee", "family_member"),
        ("members.FamilyAccess", "ended_by", "member"),
        ("members.FamilyAccess", "ended_by", "family_member"),
        ("members.FamilyAccessEvent", "owner", "member"),
        ("members.FamilyAccessEvent", "actor", "family_member"),
        ("members.GuardianLink", "child", "member"),
        ("members.GuardianLink", "guardian", "guardian"),
        ("privacy.ConsentEvent", "member", "member"),
        ("privacy.ConsentEvent", "guardian", "guardian"),
    }
    data = produced["data"]
    # the father's access on her account: his side is a role
    family = data["family"]["members.FamilyAccess"]
    assert sorted((row["owner"], row["grantee"], row["ended_by"]) for row in family) == [
        ("family_member", "member", "member"),
        ("member", "family_member", "family_member"),
    ]
    # free text naming him or staff: the role in their place
    notes = [row["text"] for row in data["notes"]["members.MemberNote"]]
    assert notes == ["[family_member] belde namens Sanne; [staff] heeft het opgelost."]
    events = [row["note"] for row in data["changes"]["members.MemberEvent"] if row["note"]]
    assert "Pas kwijt volgens [family_member]" in events
    # her messages (the family-request mail among them) are handed over, naming no one else:
    # stored messages never name another member in the first place
    bodies = [row["body"] for row in data["messages"]["notices.Notice"]]
    assert bodies and not any(world.other.first_name in body for body in bodies)
    staff_names = {row["staff_name"] for row in data["access_log"]["privacy.AccessLogEntry"]}
    assert staff_names == {"staff"}
    # her own data is there in full
    identity = data["identity"]["members.Member"]
    assert [(row["first_name"], row["last_name"]) for row in identity] == [("Sanne", "Bakker")]
    assert world.subject.card_number in json.dumps(produced)


def test_erasing_the_other_member_leaves_nothing_of_him(world: World) -> None:
    people = people_around(world)
    before = LegalRequest.objects.get(pk=world.legal.pk).produced

    member_erase(member=world.other, staff=world.staff)

    after = LegalRequest.objects.get(pk=world.legal.pk).produced
    assert after == before
    assert leaks(after, people) == []
    # a request decided after the erasure refers to him by role as well
    again = legal_request(
        world.subject,
        officer(username="fg-third", name="Derde Officier"),
        categories=list(DataCategory.values),
        period_start=timezone.localdate() - dt.timedelta(days=30),
        period_end=timezone.localdate() + dt.timedelta(days=1),
    )
    decided = legal_request_decide(request=again, staff=world.officer, approve=True, reason="Ok")
    # His card, e-mail, phone and login are gone with him; links to him are a role. (A name
    # that staff typed into her notes before he was erased is for erasure to scrub, not for
    # production to guess: production no longer knows it.)
    father = world.other
    structured = [father.card_number, father.email, father.phone, f"member-{father.pk}"]
    assert leaks(decided.produced, {"father": structured}) == []
    assert leaks(decided.produced, {k: v for k, v in people.items() if k != "father"}) == []
    family = cast(dict[str, Any], decided.produced)["data"]["family"]["members.FamilyAccess"]
    assert {row["ended_by"] for row in family} <= ROLES | {None}


def test_every_field_naming_someone_else_has_a_role() -> None:
    """A registered text field that holds another person's name, e-mail or card number (a
    snapshot such as the access log's staff name) must say by which role it is handed over;
    every declared role is a registered field of its table."""
    from kaft.privacy.registry import REGISTRY

    base_own = {"first_name", "last_name", "name_prefix", "email", "card_number"}
    for entry in REGISTRY:
        own = base_own | set(entry.login_names)  # names the member logged in with are their own
        model = entry.model_class
        for name in entry.roles:
            assert name in entry.fields, f"{entry.model}.{name}: a role for an unregistered field"
            model._meta.get_field(name)
        for name in entry.fields:
            field = model._meta.get_field(name)
            names_someone = name.endswith(("_name", "_email", "_card_number", "_phone"))
            if field.is_relation or name in own or not names_someone:
                continue
            assert name in entry.roles, f"{entry.model}.{name} names someone: give it a role"


def test_erasing_him_scrubs_his_name_from_her_free_text(world: World) -> None:
    """Her rows stay hers, but staff notes, her block history, the guardian check's note and her
    messages no longer name her father once he is erased: a role stands in his place (the first found, as in data handed to police or justice), and a
    request decided afterwards finds nothing of him either."""
    from kaft.members.models import GuardianLink, MemberEvent, MemberNote
    from kaft.privacy.registry import REGISTRY
    from kaft.privacy.services.parties import free_text_fields

    father = world.other
    gone = identifiers_of_member(father)
    GuardianLink.objects.filter(child=world.subject).update(
        check_note=f"Uittreksel gezien, paspoort van {father.full_name} ({father.card_number})"
    )

    member_erase(member=father, staff=world.staff)

    assert list(MemberNote.objects.filter(member=world.subject).values_list("text", flat=True)) == [
        "[family_member] belde namens Sanne; Anna Verhoeven heeft het opgelost."
    ]
    notes = MemberEvent.objects.filter(member=world.subject).exclude(note="")
    assert "Pas kwijt volgens [family_member]" in list(notes.values_list("note", flat=True))
    [link] = GuardianLink.objects.filter(child=world.subject)
    assert (link.guardian_id, link.check_note) == (
        None,
        "Uittreksel gezien, paspoort van [family_member] ([family_member])",
    )
    # her own name stays where it is hers
    assert Member.objects.get(pk=world.subject.pk).first_name == "Sanne"
    # no free text of any of her rows names him
    for entry in REGISTRY:
        fields = free_text_fields(entry) if entry.member_paths else []
        if not fields:
            continue
        rows = entry.model_class._default_manager.filter(
            **{entry.member_paths[0]: world.subject.pk}
        )
        text = json.dumps(list(rows.values_list(*fields)), ensure_ascii=False).casefold()
        assert [v for v in gone if v and v.casefold() in text] == [], entry.model


def test_numbers_written_with_spaces_or_hyphens_are_recognised(world: World) -> None:
    """Staff write a card number in groups and a phone number with a hyphen: the father is
    still not identified in what is handed over, nor in her rows once he is erased."""
    from kaft.members.models import MemberNote

    father = world.other
    card = father.card_number  # 21000000000882
    spaced = f"{card[:4]} {card[4:8]} {card[8:12]} {card[12:]}"
    national = "0" + father.phone[3:]  # kept as +316..., written as 06-...
    hyphened = f"{national[:2]}-{national[2:]}"
    MemberNote.objects.filter(member=world.subject).update(
        text=f"Kwam met pas {spaced} van een ander; terugbellen op {hyphened}."
    )
    again = legal_request(
        world.subject,
        officer(username="fg-numbers", name="Cijfer Officier"),
        categories=[DataCategory.NOTES],
        period_start=timezone.localdate() - dt.timedelta(days=30),
        period_end=timezone.localdate() + dt.timedelta(days=1),
    )
    decided = legal_request_decide(request=again, staff=world.officer, approve=True, reason="Ok")
    produced = cast(dict[str, Any], decided.produced)

    assert [row["text"] for row in produced["data"]["notes"]["members.MemberNote"]] == [
        "Kwam met pas [family_member] van een ander; terugbellen op [family_member]."
    ]
    member_erase(member=father, staff=world.staff)
    assert list(MemberNote.objects.filter(member=world.subject).values_list("text", flat=True)) == [
        "Kwam met pas [family_member] van een ander; terugbellen op [family_member]."
    ]
