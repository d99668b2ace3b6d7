"""Reads of online sign-ups (:mod:`kaft.members.services.signup`)."""

from __future__ import annotations

from django.db.models import QuerySet

from kaft.members.models import Member

WAITING_SHOWN = 200


def signups_waiting(*, limit: int = WAITING_SHOWN) -> QuerySet[Member]:
    """People who joined online and wait for the desk's ID check, the oldest sign-up first (the
    first to lapse). With or without their e-mail address confirmed; each has ``.email_verified_at``."""
    return (
        Member.objects.filter(
            signed_up_online_at__isnull=False,
            identity_checked_at__isnull=True,
            erased_at__isnull=True,
        )
        .select_related("category", "home_branch")
        .order_by("signed_up_online_at", "pk")[:limit]
    )
