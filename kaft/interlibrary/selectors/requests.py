"""Reads of interlibrary requests for the desk and MijnBibliotheek."""

from __future__ import annotations

from django.db.models import QuerySet

from kaft.interlibrary.models import (
    CLOSED_STATUSES,
    IllRole,
    IllStatus,
    InterlibraryRequest,
    LibraryPartner,
)

# What the pick list shows: partners' requests not yet shipped or answered for good.
PICK_STATUSES = (IllStatus.REQUEST_RECEIVED, IllStatus.EXPECT_TO_SUPPLY, IllStatus.WILL_SUPPLY)


def _with_links() -> QuerySet[InterlibraryRequest]:
    return InterlibraryRequest.objects.select_related("partner", "branch", "member", "item")


def requests_open(*, role: IllRole) -> QuerySet[InterlibraryRequest]:
    """Open requests of one role, newest first."""
    return _with_links().filter(role=role).exclude(status__in=CLOSED_STATUSES)


def requests_pick_list() -> QuerySet[InterlibraryRequest]:
    """Partners' requests for copies of ours, oldest first (to fetch from the shelves)."""
    return (
        _with_links()
        .filter(role=IllRole.SUPPLYING, status__in=PICK_STATUSES)
        .order_by("created_at", "pk")
    )


def requests_of_member(*, member_id: int) -> QuerySet[InterlibraryRequest]:
    """A member's requests (MijnBibliotheek), newest first."""
    return _with_links().filter(role=IllRole.REQUESTING, member_id=member_id)


def request_detail(*, request_id: int) -> InterlibraryRequest | None:
    return _with_links().prefetch_related("events", "messages").filter(pk=request_id).first()


def partners_all() -> QuerySet[LibraryPartner]:
    return LibraryPartner.objects.select_related("agreement").order_by("rota_order", "name")


def partners_active() -> QuerySet[LibraryPartner]:
    return partners_all().filter(active=True)
