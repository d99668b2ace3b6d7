"""Reads of mandates, collections and runs."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from kaft.billing.models import (
    LIVE_MANDATE,
    CollectionStatus,
    Mandate,
    SepaCollection,
    SepaReturnFile,
    SepaRun,
)
from kaft.members.models import Member


def member_mandate(member: Member) -> Mandate | None:
    """The member's live mandate (active, or ending after an announced collection), else the
    one that ended last; None when the member never signed one."""
    mandates = Mandate.objects.filter(member=member)
    live = mandates.filter(status__in=LIVE_MANDATE).first()
    if live is not None:
        return live
    return mandates.order_by("-created_at", "-pk").first()


def member_live_mandate(member: Member) -> Mandate | None:
    return Mandate.objects.filter(member=member, status__in=LIVE_MANDATE).first()


def member_announced_collections(member: Member) -> QuerySet[SepaCollection]:
    """Debits announced to the member and not yet collected."""
    return SepaCollection.objects.filter(
        member=member, status=CollectionStatus.ANNOUNCED, run__isnull=True
    ).order_by("collection_date")


def announced_on(collection_date: dt.date) -> QuerySet[SepaCollection]:
    return SepaCollection.objects.filter(
        collection_date=collection_date, status=CollectionStatus.ANNOUNCED, run__isnull=True
    )


def runs_recent(limit: int = 20) -> list[SepaRun]:
    return list(SepaRun.objects.order_by("-created_at", "-pk")[:limit])


def return_files_recent(limit: int = 20) -> list[SepaReturnFile]:
    return list(SepaReturnFile.objects.order_by("-imported_at", "-pk")[:limit])


def announced_dates() -> list[tuple[dt.date, int]]:
    """Collection dates with announced debits not yet in a run, and how many."""
    from django.db.models import Count

    rows = (
        SepaCollection.objects.filter(status=CollectionStatus.ANNOUNCED, run__isnull=True)
        .values("collection_date")
        .annotate(n=Count("pk"))
        .order_by("collection_date")
    )
    return [(row["collection_date"], row["n"]) for row in rows]
