"""Who did something, as a row stores it."""

from __future__ import annotations

from typing import Any


def stored_login(user: Any) -> Any | None:
    """The staff login to store as the one who acted: None when nobody (a job) or a login not
    saved (Django's anonymous user) acted."""
    return user if getattr(user, "pk", None) else None
