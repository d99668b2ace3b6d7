"""The record of changes to the library's settings (:class:`kaft.core.models.SettingChange`).

Every service that changes a setting calls :func:`setting_changes_write` in its transaction
with what it changed; administrators see the list at the desk (*Wijzigingen in instellingen*).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from kaft.core.actor import stored_login
from kaft.core.models import SettingChange


def setting_changes_write(
    *,
    subject: str,
    target: str,
    changes: Mapping[str, tuple[Any, Any]],
    staff: Any,
    now: dt.datetime | None = None,
) -> int:
    """One row per field changed (``changes``: field -> (old, new), None for "none"); a setting
    added or removed as a whole is the field ``""`` with only a new or an old value."""
    at = now or timezone.now()
    rows = [
        SettingChange(
            at=at,
            staff=stored_login(staff),
            subject=subject,
            target=target[:200],
            field=field,
            old=_shown(old),
            new=_shown(new),
        )
        for field, (old, new) in changes.items()
        if old != new
    ]
    SettingChange.objects.bulk_create(rows)
    return len(rows)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return str(value)[:200]
