"""Factories for consent and privacy-statement tests: members of a given age, guardian links,
statement versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kaft.members.models import GuardianCheck, GuardianLink, Member
from kaft.privacy.models import StatementVersion
from tests.factories import MemberFactory


def make_member(*, age: int = 40, **kwargs: Any) -> Member:
    """A member who is ``age`` years old today (birthday a month ago)."""
    today = timezone.localdate()
    born = today.replace(year=today.year - age) - dt.timedelta(days=30)
    member: Member = MemberFactory.create(date_of_birth=born, **kwargs)
    return member


def make_child_with_guardian(**kwargs: Any) -> tuple[Member, Member]:
    """A 12-year-old and a parent with an open guardian link."""
    child = make_member(age=12, first_name="Noor", **kwargs)
    parent = make_member(age=41, first_name="Ilse")
    GuardianLink.objects.create(
        child=child,
        guardian=parent,
        checked=GuardianCheck.BIRTH_CERTIFICATE,
        recorded_at=timezone.now(),
    )
    return child, parent


def make_version(
    version: str = "2", *, published: dt.datetime | None = None, **kwargs: Any
) -> StatementVersion:
    """A statement version; published at ``published`` when given, else a draft."""
    fields: dict[str, Any] = {
        "text_nl": f"## Versie {version}\n\nWij bewaren weinig.",
        "text_en": f"## Version {version}\n\nWe keep little.",
        "summary_nl": "Nieuwe bewaartermijn voor berichten.",
        "summary_en": "New retention period for messages.",
        **kwargs,
    }
    return StatementVersion.objects.create(version=version, published_at=published, **fields)
