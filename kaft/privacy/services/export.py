"""The right of access and portability: all of a member's personal data, from the registry.

Every exported entry of :data:`kaft.privacy.registry.REGISTRY` contributes the rows tied to the
member through any of its ``member_paths`` (or, for login records tied to no member, written
under the member's own login: ``own_login_field``), with every registered field that is not technical
(``PersonalTable.exported_fields``), grouped by the data category of each field. The register's
test makes every column of an exported table either such a field or technical with a reason, so
a new column reaches the export without a change here. A field pointing at a branch, title or
category is shown by its name; a field pointing at a member shows the member's own name, and
another member only by first name (a family member, a parent or guardian), never more of their
data. A few readable fields are added where the columns alone would not say what a row is about
(the title of a loan an event belongs to). Every column has a name in Dutch and English: the
model's own, or :mod:`kaft.privacy.services.export_labels`.

The ZIP holds ``data.json`` (with an ``about`` block in Dutch and English), ``README.txt`` and
``index.html``, a self-contained page in the member's language.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaft.core.library import library
from kaft.members.models import Member
from kaft.privacy.models import DataCategory, MachineRole, RetentionSetting
from kaft.privacy.registry import REGISTRY, RULES, PersonalTable
from kaft.privacy.registry.rules import rule_days
from kaft.privacy.selectors.transparency import SHOWS_NAME, access_log_shows, access_log_visible
from kaft.privacy.services.export_labels import (
    TABLE_NOTES,
    VALUE_LABELS,
    column_label,
    table_label,
)

# Readable fields added to a table's rows where its own columns would not say what a row is about
# (which loan an event belongs to), shown in each of its categories.
EXTRA_FIELDS: dict[str, dict[str, Callable[[Any], object]]] = {
    "circulation.LoanEvent": {"title": lambda event: event.loan.record.title},
    "circulation.HoldEvent": {"title": lambda event: event.hold.record.title},
    "circulation.Transfer": {
        "title": lambda transfer: transfer.hold.record.title if transfer.hold else None
    },
    "notices.DeliveryAttempt": {"subject": lambda attempt: attempt.notice.subject},
    "notices.LoanReminder": {"title": lambda reminder: reminder.loan.record.title},
}

# Facts read from a column the export leaves out (a hash), shown in one category of the table:
# that the member has a kiosk PIN, never the PIN's hash.
DERIVED_FIELDS: dict[str, dict[str, tuple[DataCategory, Callable[[Any], object]]]] = {
    "members.Member": {
        "kiosk_pin_set": (DataCategory.ACCOUNT, lambda member: bool(member.kiosk_pin)),
    },
}

# Related rows read along besides the exported foreign keys (which are always read along), so
# a table costs one query whatever its size.
SELECT_RELATED: dict[str, tuple[str, ...]] = {
    "circulation.LoanEvent": ("loan__record",),
    "circulation.HoldEvent": ("hold__record",),
    "circulation.Transfer": ("hold__record",),
    "notices.DeliveryAttempt": ("notice",),
    "notices.LoanReminder": ("loan__record",),
}


# Tables whose rows go, whole, to one category each (instead of split by field): the categories
# they may go to, and which one a row goes to.
_LOANS = frozenset({DataCategory.LOANS, DataCategory.LOAN_HISTORY})
ROW_CATEGORY: dict[str, tuple[frozenset[DataCategory], Callable[[Any], DataCategory]]] = {
    "circulation.Loan": (
        _LOANS,
        lambda loan: DataCategory.LOAN_HISTORY if loan.returned_at else DataCategory.LOANS,
    ),
    "circulation.LoanEvent": (
        _LOANS,
        lambda event: DataCategory.LOAN_HISTORY if event.loan.returned_at else DataCategory.LOANS,
    ),
    "notices.LoanReminder": (
        _LOANS,
        lambda row: DataCategory.LOAN_HISTORY if row.loan.returned_at else DataCategory.LOANS,
    ),
}


def _exported() -> list[PersonalTable]:
    """Every exported entry of the register. One that cannot find a member's rows is not
    skipped: :meth:`PersonalTable.member_rows_filter` refuses it, and the register's test names
    it."""
    return [entry for entry in REGISTRY if entry.export]


def _categories(entry: PersonalTable) -> set[DataCategory]:
    whole_rows = ROW_CATEGORY.get(entry.model)
    return set(entry.exported_fields.values()) | (set(whole_rows[0]) if whole_rows else set())


def _rows(entry: PersonalTable, member: Member) -> list[models.Model]:
    model = entry.model_class
    rows = model._default_manager.filter(entry.member_rows_filter(member.pk))
    if entry.model == "privacy.Disclosure":  # under a non-disclosure order: not yet
        today = timezone.localdate()
        rows = rows.filter(Q(hidden_until__isnull=True) | Q(hidden_until__lte=today))
    if entry.model == "privacy.AccessLogEntry":  # the same entries the member sees online
        rows = rows.filter(pk__in=access_log_visible(member).values("pk"))
    foreign_keys = [
        name
        for name in entry.exported_fields
        if isinstance(model._meta.get_field(name), models.ForeignKey | models.OneToOneField)
    ]
    related = [*foreign_keys, *SELECT_RELATED.get(entry.model, ())]
    if related:
        rows = rows.select_related(*related)
    return list(rows.order_by("pk"))


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def _value(row: models.Model, name: str, member: Member) -> object:
    field = row._meta.get_field(name)
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        target = getattr(row, name)
        if target is None:
            return None
        if isinstance(target, Member):
            # The member themself by full name; anyone else by first name only.
            return target.full_name if target.pk == member.pk else target.first_name
        if hasattr(target, "get_username"):
            return target.get_username()
        return str(target)
    if getattr(field, "choices", None):
        return _plain(getattr(row, f"get_{name}_display")())
    value = getattr(row, name)
    if name in VALUE_LABELS and value in VALUE_LABELS[name]:
        return str(VALUE_LABELS[name][value])
    if name == "categories" and isinstance(value, list):
        labels = dict(DataCategory.choices)
        return [str(labels.get(item, item)) for item in value]
    return _plain(value)


def _row_dict(row: models.Model, names: list[str], entry: PersonalTable, member: Member) -> dict:
    data: dict[str, object] = {}
    for name, reader in EXTRA_FIELDS.get(entry.model, {}).items():
        data[name] = _plain(reader(row))
    for name in names:
        data[name] = _value(row, name, member)
    # As online: the staff member's name only where the library shows it to members.
    shows_name = access_log_shows() == SHOWS_NAME
    machine = getattr(row, "staff_role", "") in MachineRole.values  # a kiosk's name: always
    if entry.model == "privacy.AccessLogEntry" and "staff_name" in data:
        data["staff_name"] = data["staff_name"] if shows_name or machine else ""
    return data


def _retention_days() -> dict[str, int | None]:
    days: dict[str, int | None] = {key: rule_days(rule) for key, rule in RULES.items()}
    for key, value in RetentionSetting.objects.values_list("rule", "days"):
        if key in days and RULES[key].configurable:
            days[key] = value
    return days


def _both(text: str | Promise) -> dict[str, str]:
    found = {}
    for code in ("nl", "en"):
        with translation.override(code):
            found[code] = str(text)
    return found


def _about(member: Member, now: dt.datetime) -> dict[str, Any]:
    days = _retention_days()
    tables: dict[str, Any] = {}
    for entry in _exported():
        rule = RULES[entry.rule]
        model = entry.model_class
        tables[entry.model] = {
            "name": _both(table_label(model)),
            **(
                {"explanation": _both(TABLE_NOTES[entry.model])}
                if entry.model in TABLE_NOTES
                else {}
            ),
            "columns": {name: _both(column_label(model, name)) for name in columns(entry)},
            "categories": sorted(str(c) for c in _categories(entry)),
            "retention": {
                "rule": rule.key,
                "name": _both(rule.label),
                "explanation": _both(rule.explanation),
                "days": days[rule.key],
            },
        }
    return {
        "library": library().name,
        "exported_at": _plain(now),
        "explanation": _both(
            _(
                "All personal data the library keeps about you, grouped by category. Each "
                "category lists the tables it comes from, with one object per row. Dates are "
                "in ISO format (year-month-day), times in the library's time zone."
            )
        ),
        "categories": {str(c.value): _both(c.label) for c in _categories_in_export()},
        "tables": tables,
    }


def _categories_in_export() -> list[DataCategory]:
    found: set[DataCategory] = set()
    for entry in _exported():
        found |= _categories(entry)
    return [c for c in DataCategory if c in found]


def member_export_data(member: Member) -> dict[str, Any]:
    """Every registered table's rows of ``member``, grouped by data category, JSON-ready.

    ``{"about": {...}, "categories": {category: {"label": ..., "tables": {model: [rows]}}}}``;
    every category of every exported table is present, with an empty list when there are no
    rows. One query per table."""
    now = timezone.now()
    categories: dict[str, dict[str, Any]] = {
        str(c.value): {"label": _both(c.label), "tables": {}} for c in _categories_in_export()
    }
    for entry in _exported():
        names_by_category: dict[DataCategory, list[str]] = {}
        for name, category in entry.exported_fields.items():
            names_by_category.setdefault(category, []).append(name)
        for category in _categories(entry):
            categories[str(category.value)]["tables"][entry.model] = []
        rows = _rows(entry, member)
        whole_rows = ROW_CATEGORY.get(entry.model)
        pick = whole_rows[1] if whole_rows else None
        all_names = [n for names in names_by_category.values() for n in names]
        for row in rows:
            slices = {pick(row): all_names} if pick is not None else names_by_category
            for category, names in slices.items():
                row_data = _row_dict(row, names, entry, member)
                for name, (where, reader) in DERIVED_FIELDS.get(entry.model, {}).items():
                    if where == category or pick is not None:
                        row_data[name] = _plain(reader(row))
                categories[str(category.value)]["tables"][entry.model].append(row_data)
    return {"about": _about(member, now), "categories": categories}


def _readme(data: dict[str, Any]) -> str:
    return render_to_string("privacy/export_readme.txt", {"data": data, "about": data["about"]})


def _html(member: Member, data: dict[str, Any]) -> str:
    language = member.preferred_language if member.preferred_language in ("nl", "en") else "nl"
    with translation.override(language):
        sections = []
        for key, section in data["categories"].items():
            tables = []
            for model_label, rows in section["tables"].items():
                about = data["about"]["tables"][model_label]
                names = list(rows[0]) if rows else []
                model = next(e for e in REGISTRY if e.model == model_label).model_class
                headers = [capfirst(str(column_label(model, c))) for c in names]
                tables.append(
                    {
                        "name": capfirst(about["name"][language]),
                        "explanation": about.get("explanation", {}).get(language, ""),
                        "retention": about["retention"]["explanation"][language],
                        "headers": headers,
                        "rows": [[_cell(row[c]) for c in names] for row in rows],
                    }
                )
            sections.append({"key": key, "label": section["label"][language], "tables": tables})
        return render_to_string(
            "privacy/export.html",
            {"data": data, "sections": sections, "language": language, "member": member},
        )


def columns(entry: PersonalTable) -> list[str]:
    """The columns of a table in the export: the added fields, the exported ones, then the
    derived ones."""
    return [
        *EXTRA_FIELDS.get(entry.model, {}),
        *entry.exported_fields,
        *DERIVED_FIELDS.get(entry.model, {}),
    ]


def _cell(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def member_export_zip(member: Member) -> bytes:
    """A ZIP with ``data.json`` (documented), ``README.txt`` and a readable ``index.html``."""
    data = member_export_data(member)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("README.txt", _readme(data))
        archive.writestr("index.html", _html(member, data))
    return buffer.getvalue()
