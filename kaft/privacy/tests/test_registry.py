"""The register of personal data covers every installed model (Kaft's own and third-party ones).

A model that links to a member, or has a field whose name looks personal, must be declared in
``REGISTRY`` with that field, or in ``NOT_PERSONAL`` with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from kaft.members.models import Member
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
        assert declared[label].export is False and declared[label].note
        assert {"username", "ip_address"} <= set(declared[label].fields)
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


def test_every_table_with_a_period_is_enforced_by_the_job() -> None:
    enforced = {target.model for target in TARGETS}
    for entry in REGISTRY:
        rule = RULES[entry.rule]
        if rule.default_days is not None or entry.rule == "notes":
            assert entry.model in enforced, entry.model
    for target in TARGETS:
        assert target.rule in RULES
