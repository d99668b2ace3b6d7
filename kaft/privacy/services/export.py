"""The right of access and portability: all of a member's personal data, from the registry.

Every exported entry of :data:`kaft.privacy.registry.REGISTRY` contributes the rows tied to the
member through any of its ``member_paths``, with its registered fields, grouped by the data
category of each field. A field pointing at a branch, title or category is shown by its name; a
field pointing at a member shows the member's own name, and another member only by first name
(a family member, a parent or guardian), never more of their data. A few readable fields are
added where the registered ones alone would not say what a row is about (the title of a loan).

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

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaft.members.models import Member
from kaft.privacy.models import DataCategory, RetentionSetting
from kaft.privacy.registry import REGISTRY, RULES, PersonalTable
from kaft.privacy.selectors_transparency import SHOWS_NAME, access_log_shows, access_log_visible

# Never exported, even where registered: a password hash is useless to the member.
NEVER_EXPORTED = {("members.User", "password")}

# Readable fields added to a table's rows, shown in each of its categories.
EXTRA_FIELDS: dict[str, dict[str, Callable[[Any], object]]] = {
    "circulation.Loan": {
        "title": lambda loan: loan.record.title,
        "branch": lambda loan: loan.branch.name,
        "status": lambda loan: loan.get_status_display(),
    },
    "circulation.Hold": {
        "title": lambda hold: hold.record.title,
        "status": lambda hold: hold.get_status_display(),
    },
    "notices.Notice": {
        "message_type": lambda notice: notice.get_message_type_display(),
        "channel": lambda notice: notice.get_channel_display(),
        "sent_at": lambda notice: notice.sent_at,
    },
    "members.IdentityChangeRequest": {
        "requested_at": lambda request: request.requested_at,
        "decided_at": lambda request: request.decided_at,
    },
    "privacy.ErasureRequest": {"done_at": lambda request: request.done_at},
}

# Related rows read along besides the registered foreign keys (which are always read along), so
# a table costs one query whatever its size.
SELECT_RELATED: dict[str, tuple[str, ...]] = {
    "circulation.Loan": ("record", "branch"),
    "circulation.Hold": ("record",),
}


# Tables whose rows go, whole, to one category each (instead of split by field).
ROW_CATEGORY: dict[str, Callable[[Any], DataCategory]] = {
    "circulation.Loan": lambda loan: (
        DataCategory.LOAN_HISTORY if loan.returned_at else DataCategory.LOANS
    ),
}


def _exported() -> list[PersonalTable]:
    return [entry for entry in REGISTRY if entry.export and entry.member_paths]


def _rows(entry: PersonalTable, member: Member) -> list[models.Model]:
    model = entry.model_class
    match = Q()
    for path in entry.member_paths:
        match |= Q(**{path: member.pk})
    rows = model._default_manager.filter(match)
    if entry.model == "privacy.Disclosure":  # under a non-disclosure order: not yet
        today = timezone.localdate()
        rows = rows.filter(Q(hidden_until__isnull=True) | Q(hidden_until__lte=today))
    if entry.model == "privacy.AccessLogEntry":  # the same entries the member sees online
        rows = rows.filter(pk__in=access_log_visible(member).values("pk"))
    foreign_keys = [
        name
        for name in entry.fields
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
    if entry.model == "privacy.AccessLogEntry" and "staff_name" in data and not shows_name:
        data["staff_name"] = ""
    return data


def _retention_days() -> dict[str, int | None]:
    days: dict[str, int | None] = {key: rule.default_days for key, rule in RULES.items()}
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
            "name": _both(model._meta.verbose_name_plural or model.__name__),
            "categories": sorted(str(c) for c in entry.categories),
            "retention": {
                "rule": rule.key,
                "name": _both(rule.label),
                "explanation": _both(rule.explanation),
                "days": days[rule.key],
            },
        }
    return {
        "library": settings.KAFT_LIBRARY_NAME,
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
        found |= entry.categories
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
        for name, category in entry.fields.items():
            if (entry.model, name) not in NEVER_EXPORTED:
                names_by_category.setdefault(category, []).append(name)
        for category in entry.categories:
            categories[str(category.value)]["tables"][entry.model] = []
        rows = _rows(entry, member)
        pick = ROW_CATEGORY.get(entry.model)
        all_names = [n for names in names_by_category.values() for n in names]
        for row in rows:
            slices = {pick(row): all_names} if pick is not None else names_by_category
            for category, names in slices.items():
                categories[str(category.value)]["tables"][entry.model].append(
                    _row_dict(row, names, entry, member)
                )
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
                columns = list(rows[0]) if rows else []
                model = next(e for e in REGISTRY if e.model == model_label).model_class
                headers = [_column_label(model, c) for c in columns]
                tables.append(
                    {
                        "name": about["name"][language],
                        "retention": about["retention"]["explanation"][language],
                        "headers": headers,
                        "rows": [[_cell(row[c]) for c in columns] for row in rows],
                    }
                )
            sections.append({"key": key, "label": section["label"][language], "tables": tables})
        return render_to_string(
            "privacy/export.html",
            {"data": data, "sections": sections, "language": language, "member": member},
        )


# Labels of the added fields that are no model field of the table.
EXTRA_LABELS: dict[str, Promise] = {
    "title": _("Title"),
    "branch": _("Branch"),
    "sent_at": _("Sent"),
    "done_at": _("Erased"),
}


def _column_label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(EXTRA_LABELS.get(name, name))
    return str(getattr(field, "verbose_name", name))


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
