"""The right of access and portability: all of a member's personal data, from the registry.

CONTRACT (written by the lead; the rights helper implements the bodies, keeps the signatures).
"""

from __future__ import annotations

from typing import Any

from kaft.members.models import Member


def member_export_data(member: Member) -> dict[str, Any]:
    """Every registered table's rows of ``member``, grouped by data category, JSON-ready."""
    raise NotImplementedError


def member_export_zip(member: Member) -> bytes:
    """A ZIP with ``data.json`` (documented), ``README.txt`` and a readable ``index.html``."""
    raise NotImplementedError
