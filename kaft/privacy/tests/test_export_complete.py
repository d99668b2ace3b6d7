"""The export is complete by construction: every column of every exported table of the register,
except the ones it lists as technical, is in data.json and on the readable page, with the value
the member's row holds.

The columns are read from the models (Django's ``_meta``), not from the register's field list, so
a column left out of the register, or a table whose rows never reach the export, fails here. The
member comes from :func:`tests.factories_export.make_member_with_every_column`; a registered table
without a row there, or a column it leaves empty, fails too, with what to fill in.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from axes.models import AccessLog
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.text import capfirst

from kaft.members.models import Member, User, member_username
from kaft.privacy.models import DataCategory
from kaft.privacy.registry import REGISTRY, Erasure, PersonalTable
from kaft.privacy.services.export import columns, member_export_zip
from kaft.privacy.services.export_labels import (
    TABLE_LABELS,
    VALUE_LABELS,
    column_label,
    table_label,
)
from tests.factories_export import (
    OTHER_MEMBERS_LOGIN_ADDRESS,
    OWN_LOGIN_ADDRESS,
    TYPED_ADDRESS_LOGIN_ADDRESS,
    make_member_with_every_column,
)

pytestmark = pytest.mark.django_db

EXPORTED = [entry for entry in REGISTRY if entry.export]
EMPTY: tuple[object, ...] = (None, "", [])


def non_technical_columns(entry: PersonalTable) -> list[str]:
    """Every column of the table (from the model) that the register does not call technical."""
    technical = entry.technical_columns
    return [f.name for f in entry.model_class._meta.concrete_fields if f.name not in technical]


def member_rows(entry: PersonalTable, member: Member) -> list[models.Model]:
    return list(entry.model_class._default_manager.filter(entry.member_rows_filter(member.pk)))


def expected(row: models.Model, name: str, member: Member) -> object:
    """The value as the export shows it, worked out from the row."""
    field = row._meta.get_field(name)
    value = getattr(row, name)
    if field.is_relation:
        if isinstance(value, Member):
            return value.full_name if value.pk == member.pk else value.first_name
        if isinstance(value, User):
            return value.get_username()
        return str(value)
    if getattr(field, "choices", None):
        return str(getattr(row, f"get_{name}_display")())
    if name in VALUE_LABELS:
        return str(VALUE_LABELS[name][value])
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # money as written: "2.50"
    if name == "categories":
        return [str(DataCategory(item).label) for item in value]
    return value


def cell(value: object) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def export_problems(member: Member, registry: list[PersonalTable]) -> list[str]:
    """Every non-technical column whose value is missing from data.json or index.html."""
    files = unzip(member_export_zip(member))
    data: dict[str, Any] = json.loads(files["data.json"])
    page = files["index.html"]
    problems = []
    for entry in registry:
        if not entry.finds_members_rows:
            problems.append(f"{entry.model}: exported, but no member_paths nor own_login_field")
            continue
        rows = member_rows(entry, member)
        if not rows:
            problems.append(f"{entry.model}: no row (add one in tests/factories_export.py)")
            continue
        shown = [
            row
            for category in data["categories"].values()
            for row in category["tables"].get(entry.model, [])
        ]
        for name in non_technical_columns(entry):
            filled = [row for row in rows if getattr(row, name) not in EMPTY]
            if not filled:
                problems.append(f"{entry.model}.{name}: empty (fill it in factories_export.py)")
                continue
            values = [expected(row, name, member) for row in filled]
            if not any(value in [row.get(name, EMPTY) for row in shown] for value in values):
                problems.append(f"{entry.model}.{name}: {values[0]!r} is not in data.json")
            with translation.override("nl"):
                header = capfirst(str(column_label(entry.model_class, name)))
            if f'<th scope="col">{escape(header)}</th>' not in page:
                problems.append(f"{entry.model}.{name}: no column {header!r} on the page")
            if not any(f"<td>{escape(cell(value))}</td>" in page for value in values):
                problems.append(f"{entry.model}.{name}: {values[0]!r} is not on the page")
    return problems


def test_every_column_of_every_exported_table_is_in_the_export() -> None:
    full = make_member_with_every_column()

    assert full.member.preferred_language == "nl"
    assert export_problems(full.member, EXPORTED) == []


def test_a_column_left_out_of_the_register_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    # given the register without the branch a loan was returned at, nor its renewals
    full = make_member_with_every_column()
    loans = next(e for e in EXPORTED if e.model == "circulation.Loan")
    fields = {k: v for k, v in loans.fields.items() if k not in {"return_branch", "renewals"}}
    registry = [PersonalTable(loans.model, fields, loans.member_paths, loans.rule, loans.erasure)]
    monkeypatch.setattr("kaft.privacy.services.export.REGISTRY", registry)

    # then the export, made from it, misses them, and the test says so
    problems = export_problems(full.member, registry)

    assert sorted(p for p in problems if "data.json" in p) == [
        "circulation.Loan.renewals: 0 is not in data.json",
        "circulation.Loan.return_branch: 'Bibliotheek Noord' is not in data.json",
    ]


def test_a_table_without_a_row_or_with_an_empty_column_is_named() -> None:
    from tests.factories_rights import make_member

    member = make_member()
    loans = next(e for e in EXPORTED if e.model == "circulation.Loan")
    members = next(e for e in EXPORTED if e.model == "members.Member")

    problems = export_problems(member, [loans, members])

    assert "circulation.Loan: no row (add one in tests/factories_export.py)" in problems
    assert "members.Member.block_reason: empty (fill it in factories_export.py)" in problems


def test_every_column_and_table_has_a_dutch_and_english_name() -> None:
    untranslated = []
    for entry in EXPORTED:
        model = entry.model_class
        name = table_label(model)
        explicit = (
            entry.model in TABLE_LABELS or "verbose_name_plural" in model._meta.original_attrs
        )
        if not (isinstance(name, Promise) and explicit):
            untranslated.append(entry.model)
        for column in columns(entry):
            if not isinstance(column_label(model, column), Promise):
                untranslated.append(f"{entry.model}.{column}")
    assert untranslated == []


def test_the_members_own_logins_are_exported_and_no_one_elses() -> None:
    # given the member's own login record (under member-<id>), another member's, and one under
    # the member's e-mail address as typed (which a household may share)
    full = make_member_with_every_column()
    own = AccessLog.objects.get(username=member_username(full.member.pk))

    files = unzip(member_export_zip(full.member))
    data = json.loads(files["data.json"])

    # then data.json holds the member's own login, every column but the session's hash
    assert data["categories"]["account"]["tables"]["axes.AccessLog"] == [
        {
            "username": member_username(full.member.pk),
            "ip_address": OWN_LOGIN_ADDRESS,
            "user_agent": f"Mozilla/5.0 (Kaft test; {OWN_LOGIN_ADDRESS})",
            "http_accept": "text/html,application/xhtml+xml",
            "path_info": "/mijn/inloggen/",
            "attempt_time": timezone.localtime(own.attempt_time).isoformat(timespec="seconds"),
            "logout_time": timezone.localtime(own.logout_time).isoformat(timespec="seconds"),
        }
    ]
    about = data["about"]["tables"]["axes.AccessLog"]
    assert about["name"] == {"nl": "Uw inloggen", "en": "Your logins"}
    assert about["columns"]["ip_address"] == {"nl": "IP-adres", "en": "IP address"}
    assert "typed e-mail address or card number" in about["explanation"]["en"]
    assert "ingetypt e-mailadres of pasnummer" in about["explanation"]["nl"]
    # and the page shows it in Dutch, with what the rows are
    page = files["index.html"]
    assert "<h3>Uw inloggen</h3>" in page
    assert f"<td>{OWN_LOGIN_ADDRESS}</td>" in page
    assert "ingetypt e-mailadres of pasnummer" in page
    # and nothing of the other logins is anywhere in the export
    for address in (OTHER_MEMBERS_LOGIN_ADDRESS, TYPED_ADDRESS_LOGIN_ADDRESS):
        assert [name for name, text in files.items() if address in text] == []
    assert own.session_hash not in files["data.json"]


def test_an_exported_table_that_cannot_find_the_members_rows_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given failed login attempts marked as exported, with no way to find a member's rows
    full = make_member_with_every_column()
    attempts = PersonalTable(
        "axes.AccessFailureLog",
        {"username": DataCategory.ACCOUNT, "ip_address": DataCategory.ACCOUNT},
        (),
        "login_attempts",
        Erasure.DELETE,
    )

    # then the test names the table, and the export refuses rather than leave it out
    assert export_problems(full.member, [attempts]) == [
        "axes.AccessFailureLog: exported, but no member_paths nor own_login_field"
    ]
    monkeypatch.setattr("kaft.privacy.services.export.REGISTRY", [attempts])
    with pytest.raises(ValueError, match="axes.AccessFailureLog: no member_paths"):
        member_export_zip(full.member)
