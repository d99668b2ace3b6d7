"""Small template filters shared by the doors."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def in_minutes(value: dt.timedelta | None) -> int:
    """A duration as whole minutes, rounded up (a pause of 30 s is shown as 1 minute)."""
    if not value:
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))
