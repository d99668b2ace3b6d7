"""Other people around a member, for data handed over about that member (a request from police
or justice): who they are, and the role by which they are named instead.

Everyone linked to the member in a table of the register (through a link to a member or a login,
or a snapshot of a name the register gives a role) is found, with every string that identifies
them: names, card number, e-mail address, phone number, login. :meth:`Others.role_of` gives a
link's value (the member in scope, or a role), :meth:`Others.scrub` puts the role in place of
those strings in free text (a staff note, a message body, a block reason). A string the member
shares with them (a last name, a household e-mail address) is the member's own and stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q

from kaft.core.crypto import EncryptedField
from kaft.members.models import Member, StaffProfile, User
from kaft.members.phones import phone_written_forms
from kaft.privacy import registry
from kaft.privacy.models import PartyRole

# A number (card, phone) as people write it: groups of digits with spaces, dots or hyphens.
NUMBER = re.compile(r"[\d][\d\s.\-]*[\d]")
SEPARATORS = re.compile(r"[\s.\-]")


def identifier_key(text: str) -> str:
    """How an identifying string is compared: case-folded, white space as one space; a number
    (a card number, a phone number) by its digits only, so ``2100 0000 0008 82`` and
    ``21000000000882`` are one."""
    text = " ".join(text.split())
    if NUMBER.fullmatch(text):
        return SEPARATORS.sub("", text)
    return text.casefold()


def _written(key: str) -> str:
    """A pattern for every way ``key`` may be written: a number with or without a separator
    between any two digits, other text as it is (case aside)."""
    if key.isdigit():
        return r"[\s.\-]?".join(re.escape(digit) for digit in key)
    return re.escape(key)


def is_person(field: Any) -> bool:
    """A link to a member or a login: the fields that may point at another person."""
    return bool(field.is_relation and field.related_model in (Member, User))


@dataclass
class Others:
    """The member in scope and how everyone else around them is referred to."""

    member: Member
    # Every identifying string of another person (name, card number, e-mail, phone, login),
    # case-folded, with the role that replaces it in free text; and one pattern matching them all.
    roles: dict[str, PartyRole] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None

    def role_of(self, entry: registry.PersonalTable, name: str, target_id: Any) -> str | None:
        """The value for a link ``name`` of a row: the member in scope, or a role."""
        if target_id is None:
            return None
        target = entry.model_class._meta.get_field(name).related_model
        if target is Member and target_id == self.member.pk:
            return PartyRole.MEMBER.value
        if target is User and target_id == self.member.user_id:
            return PartyRole.MEMBER.value
        default = PartyRole.OTHER_MEMBER if target is Member else PartyRole.STAFF
        return entry.roles.get(name, default).value

    def scrub(self, text: str) -> str:
        """``text`` with every identifying string of another person replaced by their role."""
        if self.pattern is None or not text:
            return text

        def role(match: re.Match[str]) -> str:
            found = self.roles.get(identifier_key(match.group(0)), PartyRole.OTHER_MEMBER)
            return f"[{found.value}]"

        return self.pattern.sub(role, text)


def identifiers_of_member(member: Member) -> set[str]:
    values = {
        member.first_name,
        member.last_name,
        f"{member.name_prefix} {member.last_name}",
        member.full_name,
        member.card_number,
        member.email,
        *phone_written_forms(member.phone),  # kept as E.164, written as 06 12345678 too
        f"member-{member.pk}",
    }
    return {" ".join(v.split()) for v in values if v and len(v.strip()) > 1}


def identifiers_of_user(user: User) -> set[str]:
    profile = StaffProfile.objects.filter(user_id=user.pk).only("display_name").first()
    values = {
        user.get_username(),
        user.first_name,
        user.last_name,
        user.get_full_name(),
        user.email,
        profile.display_name if profile else "",
    }
    return {" ".join(v.split()) for v in values if v and len(v.strip()) > 1}


def others_of(member: Member) -> Others:
    """Everyone linked to ``member`` in a registered table (whatever the period or category: a
    message in scope may name a family member whose access row is not), and the strings that
    identify them. A string the member shares with them (a last name, a household address) is
    the member's own and stays."""
    members, users, texts = _linked(member)
    found = _identifiers(members, users, texts)
    own = {identifier_key(text) for text in identifiers_of_member(member)}
    return _others(member, {text: role for text, role in found.items() if text not in own})


def _others(member: Member, roles: dict[str, PartyRole]) -> Others:
    others = Others(member=member)
    others.roles = roles
    if others.roles:
        longest_first = sorted(others.roles, key=len, reverse=True)
        alternatives = "|".join(_written(text) for text in longest_first)
        others.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return others


def _linked(
    member: Member,
) -> tuple[dict[int, PartyRole], dict[int, PartyRole], dict[str, PartyRole]]:
    """The members, logins and name snapshots linked to ``member`` in registered tables."""
    members: dict[int, PartyRole] = {}
    users: dict[int, PartyRole] = {}
    texts: dict[str, PartyRole] = {}
    for entry in registry.entries():
        if not entry.member_paths:
            continue
        model = entry.model_class
        people = [f for f in model._meta.concrete_fields if is_person(f)]
        named = [n for n in entry.roles if not model._meta.get_field(n).is_relation]
        if not people and not named:
            continue
        match = Q()
        for path in entry.member_paths:
            match |= Q(**{path: member.pk})
        columns = [f.attname for f in people] + named
        for values in model._default_manager.filter(match).values_list(*columns).distinct():
            for f, value in zip(people, values, strict=False):
                if value is None:
                    continue
                role = entry.roles.get(f.name)
                if f.related_model is Member and value != member.pk:
                    members.setdefault(value, role or PartyRole.OTHER_MEMBER)
                elif f.related_model is User and value != member.user_id:
                    users.setdefault(value, role or PartyRole.STAFF)
            for name, value in zip(named, values[len(people) :], strict=True):
                if value:
                    texts.setdefault(" ".join(str(value).split()), entry.roles[name])
    return members, users, texts


def _identifiers(
    members: dict[int, PartyRole], users: dict[int, PartyRole], texts: dict[str, PartyRole]
) -> dict[str, PartyRole]:
    found: dict[str, PartyRole] = {}
    for other in Member.objects.filter(pk__in=members):
        for text in identifiers_of_member(other):
            found.setdefault(identifier_key(text), members[other.pk])
    member_users = dict(Member.objects.filter(user_id__in=users).values_list("user_id", "pk"))
    for user in User.objects.filter(pk__in=users):
        if user.pk in member_users:  # another member's login
            role = users[user.pk] if users[user.pk] != PartyRole.STAFF else PartyRole.OTHER_MEMBER
            for other in Member.objects.filter(pk=member_users[user.pk]):
                for text in identifiers_of_member(other):
                    found.setdefault(identifier_key(text), role)
        for text in identifiers_of_user(user):
            found.setdefault(identifier_key(text), users[user.pk])
    for text, role in texts.items():
        if len(text) > 1:
            found.setdefault(identifier_key(text), role)
    return found


# Columns that hold the row owner's own identity (a member's name, a correction's new name, a
# login): never another person's mention, so erasing someone else leaves them as they are.
OWN_IDENTITY = frozenset(
    {"first_name", "name_prefix", "last_name", "card_number", "email", "phone", "username"}
)


def free_text_fields(entry: registry.PersonalTable) -> list[str]:
    """The registered text columns of ``entry`` that may mention another person: text without
    choices, not encrypted, not a technical column, not a role snapshot, not the owner's own identity."""
    model = entry.model_class
    names = []
    for name in entry.fields:
        field = model._meta.get_field(name)
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, EncryptedField)
            and not field.choices
            and not field.is_relation
            and name not in entry.technical
            and name not in entry.roles
            and name not in entry.login_names
            and name not in OWN_IDENTITY
        ):
            names.append(name)
    return names


def mentions_of_erased_scrub(member: Member) -> set[str]:
    """Erasing ``member``: the members linked to them (family, a child, a guardian) keep their
    rows, but free text in those rows (a staff note, a block reason, a guardian check's note, a
    message) no longer names ``member``; each mention becomes the role ``member`` had for that
    member, as in data handed to police or justice. Run before the links are emptied. Returns
    the tables that changed. A few queries per linked member and table."""
    members, users, _texts = _linked(member)
    linked = set(members) | set(
        Member.objects.filter(user_id__in=users).values_list("pk", flat=True)
    )
    linked.discard(member.pk)
    gone = {identifier_key(text) for text in identifiers_of_member(member)}
    touched: set[str] = set()
    if not linked or not gone:
        return touched
    for other in Member.objects.filter(pk__in=linked).order_by("pk"):
        around = others_of(other)
        scrubber = _others(other, {t: r for t, r in around.roles.items() if t in gone})
        if scrubber.pattern is None:
            continue
        for entry in registry.entries():
            fields = free_text_fields(entry) if entry.member_paths else []
            if not fields:
                continue
            manager = entry.model_class._default_manager
            rows = manager.filter(**{entry.member_paths[0]: other.pk})
            for pk, *values in rows.values_list("pk", *fields):
                changed = {
                    name: scrubber.scrub(value)
                    for name, value in zip(fields, values, strict=True)
                    if isinstance(value, str) and value and scrubber.scrub(value) != value
                }
                if changed:
                    manager.filter(pk=pk).update(**changed)
                    touched.add(entry.model)
    return touched
