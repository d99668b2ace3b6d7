"""The one place in the portal that decides whose data a request may touch.

A portal request acts for the logged-in member. The objects it may reach are those of the members
returned by :func:`members_in_reach`: the member themselves, and the members who granted them
family access, decided here and nowhere else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from kaft.circulation.models import Hold, Loan
from kaft.members.models import Member
from kaft.members.selectors.family import access_owner_ids

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


class PortalRequest(HttpRequest):
    """A request that passed :func:`member_required`: ``member`` is the logged-in member."""

    member: Member


def current_member(request: HttpRequest) -> Member | None:
    """The member logged in on this request, or None (logged out, or a staff account)."""
    if not request.user.is_authenticated:
        return None
    return (
        Member.objects.select_related("category", "home_branch")
        .filter(user_id=request.user.pk)
        .first()
    )


def member_required(view: ViewFunc) -> ViewFunc:
    """Let only a logged-in member through, and set ``request.member``.

    Logged out: to the login page, coming back here afterwards. Logged in without a member record
    (a staff account): 403.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        member = current_member(request)
        if member is None:
            raise PermissionDenied
        cast(PortalRequest, request).member = member
        return view(request, *args, **kwargs)

    return cast(ViewFunc, wrapper)


def members_in_reach(request: PortalRequest) -> list[int]:
    """Ids of the members whose loans and reservations this request may see and act on.

    The logged-in member first, then the members who granted them ACTIVE family access
    (:mod:`kaft.members.services.family`): a request, declined, lapsed or ended access reaches nothing.
    Every helper below, and every portal page showing another member's data, goes through here.
    """
    return [request.member.pk, *access_owner_ids(request.member.pk)]


def _own(queryset: QuerySet[Any], request: PortalRequest, object_id: int) -> Any:
    found = queryset.filter(pk=object_id, member_id__in=members_in_reach(request)).first()
    if found is None:
        # The same answer whether the object does not exist or belongs to someone else.
        raise Http404
    return found


def own_loan(request: PortalRequest, loan_id: int) -> Loan:
    """The loan ``loan_id`` if it belongs to a member in reach, else Http404."""
    return cast(
        Loan,
        _own(Loan.objects.select_related("item", "item__record"), request, loan_id),
    )


def own_hold(request: PortalRequest, hold_id: int) -> Hold:
    """The reservation ``hold_id`` if it belongs to a member in reach, else Http404."""
    return cast(
        Hold,
        _own(Hold.objects.select_related("record", "pickup_branch"), request, hold_id),
    )
