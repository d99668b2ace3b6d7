"""Helpers for desk tests: items with a known barcode and title, the access log as tuples."""

from __future__ import annotations

from typing import Any, cast

from kaft.catalog.models import Branch, Item
from kaft.members.models import Member
from kaft.privacy.models import AccessLogEntry
from tests.factories import ItemFactory


def make_item(branch: Branch, barcode: str, title: str, **kwargs: Any) -> Item:
    return cast(
        Item,
        ItemFactory(barcode=barcode, home_branch=branch, record__title=title, **kwargs),
    )


def log_parts(member: Member) -> list[tuple[str, int | None, int | None]]:
    """The access-log entries of ``member`` as (part, staff id, branch id), in writing order."""
    return list(
        AccessLogEntry.objects.filter(member=member)
        .order_by("pk")
        .values_list("part", "staff_id", "branch_id")
    )


JSON = {"Accept": "application/json"}
