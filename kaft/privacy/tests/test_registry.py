"""The register of personal data covers every installed model (Kaft's own and third-party ones).

A model that links to a member, or has a field whose name looks personal, must be declared in
``REGISTRY`` with that field, or in ``NOT_PERSONAL`` with a reason. Whatever its field names:

- every model within two links of a member or a login (either direction, through any foreign
  key, one-to-one or many-to-many, as Django's ``_meta`` knows them), and every model one link
  away from a registered table, is declared;
- a model whose rows point at a member, or at a registered table's rows that belong to one, is
  never "not personal": it is in ``REGISTRY`` with a path to the member;
- every column of an exported table is either in its ``fields`` (and so in the export) or listed
  as ``technical`` with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import cast

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from kaft.members.models import Member, User
from kaft.privacy.registry import NOT_PERSONAL, REGISTRY, RULES, PersonalTable
from kaft.privacy.services.retention import TARGETS

# Parts of a field name (split on "_") that suggest personal data.
PERSONAL_WORDS = frozenset(
    {
        "name", "email", "mail", "phone", "mobile", "address", "street", "postcode", "zipcode",
        "city", "birth", "born", "iban", "bic", "ip", "agent", "username", "recipient", "body",
        "text", "note", "message", "repr", "reason", "detail", "comment", "data", "bsn",
        "passport", "document", "gender",
    }
)  # fmt: skip


def looks_personal(field_name: str) -> bool:
    return bool(PERSONAL_WORDS & set(re.split(r"_+", field_name.lower())))


def links_to_member(field: models.Field[object, object]) -> bool:
    return bool(field.many_to_one or field.one_to_one) and field.related_model is Member


def registry_problems(
    model_list: Iterable[type[models.Model]],
    registry: Iterable[PersonalTable],
    not_personal: Mapping[str, str],
) -> list[str]:
    """Every model that links to a member or looks personal and is not declared."""
    declared = {entry.model: entry for entry in registry}
    problems = []
    for model in model_list:
        label = model._meta.label
        if label in not_personal:
            if not not_personal[label].strip():
                problems.append(f"{label}: listed as not personal without a reason")
            continue
        entry = declared.get(label)
        listed = set(entry.fields) if entry else set()
        for field in model._meta.concrete_fields:
            suspect = links_to_member(field) or looks_personal(field.name)
            if suspect and field.name not in listed:
                where = "its REGISTRY entry" if entry else "REGISTRY or NOT_PERSONAL"
                problems.append(f"{label}.{field.name} is not declared in {where}")
    return problems


Model = type[models.Model]


def neighbours(model: Model) -> set[Model]:
    """Every model one link away: forward and reverse foreign keys, one-to-ones and
    many-to-manys, and the tables behind many-to-manys."""
    found: set[Model] = set()
    for field in model._meta.get_fields(include_hidden=True):
        related = field.related_model
        if related is None or not isinstance(related, type):
            continue
        found.add(related)
        through = getattr(getattr(field, "remote_field", None), "through", None)
        if field.many_to_many and isinstance(through, type):
            found.add(through)
    found.discard(model)
    return found


def reached(registry: Iterable[PersonalTable]) -> dict[str, str]:
    """Label → how it is reached: every model within two links of Member or User, and every
    model one link away from a registered table."""
    paths: dict[str, str] = {}
    frontier: list[tuple[Model, str]] = [(Member, "Member"), (User, "User")]
    for start, path in frontier:
        paths[start._meta.label] = path
    for _hop in range(2):
        following = []
        for model, path in frontier:
            for other in sorted(neighbours(model), key=lambda m: m._meta.label):
                if other._meta.label not in paths:
                    paths[other._meta.label] = f"{path} → {other.__name__}"
                    following.append((other, paths[other._meta.label]))
        frontier = following
    for entry in registry:
        for other in sorted(neighbours(entry.model_class), key=lambda m: m._meta.label):
            paths.setdefault(other._meta.label, f"{entry.model} → {other.__name__}")
    return paths


def member_tables(registry: Iterable[PersonalTable]) -> set[Model]:
    """Tables whose rows belong to a member: Member and every registered table with a path to
    one. A login (User) is left out: staff logins are users too, so a table pointing at a login
    only is declared by its reason."""
    found: set[Model] = {Member}
    for entry in registry:
        if entry.member_paths and entry.model != "members.User":
            found.add(entry.model_class)
    return found


def points_at_a_member(model: Model, registry: Iterable[PersonalTable]) -> list[str]:
    """The model's own foreign keys to a table whose rows belong to a member."""
    targets = member_tables(registry)
    return [
        f"{field.name} → {cast(Model, field.related_model).__name__}"
        for field in model._meta.concrete_fields
        if (field.many_to_one or field.one_to_one) and field.related_model in targets
    ]


def reach_problems(registry: list[PersonalTable], not_personal: Mapping[str, str]) -> list[str]:
    """Every model near a member that is undeclared, or "not personal" though its rows are a
    member's, or registered without a way to find the member's rows."""
    declared = {entry.model: entry for entry in registry}
    problems = []
    for label, path in sorted(reached(registry).items()):
        if label not in declared and label not in not_personal:
            problems.append(f"{label} ({path}) is in neither REGISTRY nor NOT_PERSONAL")
    for model in all_models():
        label = model._meta.label
        links = points_at_a_member(model, registry)
        if not links:
            continue
        if label in not_personal:
            problems.append(
                f"{label} is listed as not personal, but its rows point at a member's "
                f"({', '.join(links)}): declare it in REGISTRY"
            )
        elif label in declared and not declared[label].member_paths:
            problems.append(f"{label} points at a member's rows but has no member_paths")
    return problems


def column_problems(registry: Iterable[PersonalTable]) -> list[str]:
    """Every column of an exported table that is neither a registered field (exported) nor
    listed as technical with a reason."""
    problems = []
    for entry in registry:
        if not entry.export:
            continue
        technical = entry.technical_columns
        names = {f.name for f in entry.model_class._meta.concrete_fields}
        for name in sorted(names - set(entry.fields) - set(technical)):
            problems.append(
                f"{entry.model}.{name} is neither in its fields (exported) nor technical"
            )
        for name, reason in technical.items():
            if name not in names:
                problems.append(f"{entry.model}.{name} is listed as technical but is no column")
            elif not reason.strip():
                problems.append(f"{entry.model}.{name} is listed as technical without a reason")
    return problems


def resolves_to_member(model: type[models.Model], path: str) -> bool:
    if path == "pk":
        return model is Member
    for step in path.split("__"):
        try:
            field = model._meta.get_field(step)
        except FieldDoesNotExist:
            return False
        if field.related_model is None:
            return False
        model = field.related_model  # type: ignore[assignment]
    return model is Member


def all_models() -> list[type[models.Model]]:
    return list(apps.get_models(include_auto_created=True))


def test_every_installed_model_is_declared() -> None:
    assert registry_problems(all_models(), REGISTRY, NOT_PERSONAL) == []


def test_third_party_tables_with_members_data_are_declared() -> None:
    declared = {entry.model: entry for entry in REGISTRY}
    for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
        assert declared[label].rule == "login_attempts"
        assert declared[label].note and declared[label].login_field == "username"
        assert {"username", "ip_address"} <= set(declared[label].fields)
    # a member's own logins (under member-<id>) are exported; failed attempts, under what was
    # typed, are not
    assert declared["axes.AccessLog"].export is True
    assert declared["axes.AccessLog"].own_login_field == "username"
    for label in ("axes.AccessAttempt", "axes.AccessFailureLog"):
        assert declared[label].export is False and not declared[label].own_login_field
    assert declared["sessions.Session"].rule == "sessions"
    assert "object_repr" in declared["admin.LogEntry"].fields


def test_a_missing_entry_is_found() -> None:
    # given the register without its entry for staff notes
    registry = [entry for entry in REGISTRY if entry.model != "members.MemberNote"]

    # then the check names both the member link and the personal field
    problems = registry_problems(all_models(), registry, NOT_PERSONAL)
    assert "members.MemberNote.member is not declared in REGISTRY or NOT_PERSONAL" in problems
    assert "members.MemberNote.text is not declared in REGISTRY or NOT_PERSONAL" in problems


def test_a_field_missing_from_its_entry_is_found() -> None:
    registry = [
        PersonalTable(e.model, {k: v for k, v in e.fields.items() if k != "email"}, *rest)
        if e.model == "members.Member"
        else e
        for e in REGISTRY
        for rest in [(e.member_paths, e.rule, e.erasure, e.export, e.note)]
    ]
    assert registry_problems([Member], registry, NOT_PERSONAL) == [
        "members.Member.email is not declared in its REGISTRY entry"
    ]


def test_third_party_models_are_checked_too() -> None:
    # a session table nobody declared is caught
    registry = [entry for entry in REGISTRY if entry.model != "sessions.Session"]
    assert registry_problems([Session], registry, NOT_PERSONAL) == [
        "sessions.Session.session_data is not declared in REGISTRY or NOT_PERSONAL"
    ]


def test_not_personal_needs_a_reason() -> None:
    assert registry_problems([Session], [], {"sessions.Session": " "}) == [
        "sessions.Session: listed as not personal without a reason"
    ]


def test_every_declared_model_is_installed_once() -> None:
    labels = [entry.model for entry in REGISTRY]
    assert len(labels) == len(set(labels))
    installed = {model._meta.label for model in all_models()}
    assert set(labels) - installed == set()
    assert set(NOT_PERSONAL) - installed == set()
    assert set(labels) & set(NOT_PERSONAL) == set()


def test_every_entry_field_exists_on_its_model() -> None:
    for entry in REGISTRY:
        names = {f.name for f in entry.model_class._meta.concrete_fields}
        assert set(entry.fields) - names == set(), entry.model


def test_every_exported_table_finds_the_members_rows() -> None:
    # through a foreign key to the member, or the member's own login (member-<id>) in a column
    assert [e.model for e in REGISTRY if e.export and not e.finds_members_rows] == []
    for entry in REGISTRY:
        if entry.own_login_field:
            assert entry.own_login_field in entry.fields, entry.model


def test_every_member_path_resolves_to_member() -> None:
    for entry in REGISTRY:
        for path in entry.member_paths:
            assert resolves_to_member(entry.model_class, path), f"{entry.model}: {path}"
    assert not resolves_to_member(Member, "category")
    assert not resolves_to_member(Member, "nonsense")


def test_every_rule_exists_and_exceptions_say_why() -> None:
    for entry in REGISTRY:
        assert entry.rule in RULES, entry.model
        if not entry.export or not entry.member_paths:
            assert entry.note, entry.model
    for key, rule in RULES.items():
        assert rule.key == key
        if rule.configurable:
            assert rule.min_days is not None and rule.max_days is not None
            assert rule.default_days is not None
            assert rule.min_days <= rule.default_days <= rule.max_days


def enforced_through_parent(entry: PersonalTable) -> bool:
    """Rows tied to the member only through a parent row (the events of a loan) leave the member
    with it: the job unlinks or deletes the parent under the same rule."""
    if not entry.member_paths or not all("__" in path for path in entry.member_paths):
        return False
    for path in entry.member_paths:
        parent = entry.model_class._meta.get_field(path.split("__")[0]).related_model
        assert parent is not None
        if not any(t.model == parent._meta.label and t.rule == entry.rule for t in TARGETS):
            return False
    return True


def test_every_table_with_a_period_is_enforced_by_the_job() -> None:
    enforced = {target.model for target in TARGETS}
    for entry in REGISTRY:
        rule = RULES[entry.rule]
        if rule.default_days is not None or entry.rule == "notes":
            assert entry.model in enforced or enforced_through_parent(entry), entry.model
    for target in TARGETS:
        assert target.rule in RULES


def test_every_table_near_a_member_is_declared() -> None:
    assert reach_problems(REGISTRY, NOT_PERSONAL) == []


def test_a_table_two_links_from_a_member_cannot_go_undeclared() -> None:
    # given the register without delivery attempts (whose error text can name the recipient),
    # whose field names look harmless
    registry = [entry for entry in REGISTRY if entry.model != "notices.DeliveryAttempt"]
    assert registry_problems(all_models(), registry, NOT_PERSONAL) == []

    # then the walk from the member finds it
    assert reach_problems(registry, NOT_PERSONAL) == [
        "notices.DeliveryAttempt (Member → Notice → DeliveryAttempt) is in neither REGISTRY "
        "nor NOT_PERSONAL"
    ]


def test_a_table_one_link_from_a_registered_table_cannot_go_undeclared() -> None:
    # given a table far from any member but next to a registered one (the lockout of a login
    # attempt), left out of the register
    not_personal = {k: v for k, v in NOT_PERSONAL.items() if k != "axes.AccessAttemptExpiration"}

    # then the walk from the registered table finds it
    assert reach_problems(REGISTRY, not_personal) == [
        "axes.AccessAttemptExpiration (axes.AccessAttempt → AccessAttemptExpiration) is in "
        "neither REGISTRY nor NOT_PERSONAL"
    ]
    # and so does it for a member's table: the trips of a reserved copy
    registry = [entry for entry in REGISTRY if entry.model != "circulation.Transfer"]
    assert [p.split(" (")[0] for p in reach_problems(registry, NOT_PERSONAL)] == [
        "circulation.Transfer"
    ]


def test_rows_that_point_at_a_members_rows_are_never_not_personal() -> None:
    # given loan events (renewals, returns with branch and channel) called "not personal"
    registry = [entry for entry in REGISTRY if entry.model != "circulation.LoanEvent"]
    not_personal = {**NOT_PERSONAL, "circulation.LoanEvent": "Points at a loan."}

    # then the reason is refused: its rows are a member's
    assert reach_problems(registry, not_personal) == [
        "circulation.LoanEvent is listed as not personal, but its rows point at a member's "
        "(loan → Loan): declare it in REGISTRY"
    ]


def test_every_column_of_an_exported_table_is_exported_or_technical() -> None:
    assert column_problems(REGISTRY) == []


def test_a_column_left_out_of_an_exported_table_is_found() -> None:
    # given the register without the branch a loan was returned at
    registry = [
        replace(e, fields={k: v for k, v in e.fields.items() if k != "return_branch"})
        for e in REGISTRY
    ]

    assert column_problems(registry) == [
        "circulation.Loan.return_branch is neither in its fields (exported) nor technical"
    ]
    # and a technical column needs its reason
    registry = [
        replace(e, technical={**e.technical, "via": " "})
        if e.model == "circulation.LoanEvent"
        else e
        for e in REGISTRY
    ]
    assert column_problems(registry) == [
        "circulation.LoanEvent.via is listed as technical without a reason"
    ]
