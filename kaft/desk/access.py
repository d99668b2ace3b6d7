"""The one place in the desk that decides whose data a request may touch.

Any member of staff (a user with a :class:`StaffProfile`) at the desk, privacy officers and
administrators may use the desk screens and look at any member; finance staff only the screens
that declare their role (``roles=ALL_ROLES``: payments, waivers, the cash report), not lending,
the member search, loans or the privacy screens, so :data:`DESK_ROLES` is the default, and every look is written to the access log through
:func:`member_look` with the purpose its screen declares (a privacy officer's look from a
screen for the desk's daily work is logged as the officer's review, :func:`look_purpose`).
``desk_view`` lets only staff through and sets, on the request:

- ``staff_profile``: the staff member's profile;
- ``staff_branch``: the branch chosen at login or in the branch picker (kept in the session),
  by default the profile's branch.

The member being served at the circulation screen is kept in the session too; only the helpers
below read or write it. An action on that member must come from a page showing the same member
(:func:`active_member_shown`): another tab may have switched to someone else meanwhile.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast, overload

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models.fields.reverse_related import OneToOneRel
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from kaft.catalog.models import Branch
from kaft.members.errors import MemberError
from kaft.members.models import Member, StaffProfile, StaffRole, User
from kaft.members.selectors.member import member_by_card
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart
from kaft.privacy.services import access_log_record, access_log_record_many

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])

SESSION_BRANCH = "desk_branch_id"
SESSION_MEMBER = "desk_member_id"
ALL_ROLES: tuple[str, ...] = tuple(StaffRole.values)
# Every role but finance: the default of :func:`desk_view`. Finance staff see money and no more.
DESK_ROLES: tuple[str, ...] = tuple(role for role in ALL_ROLES if role != StaffRole.FINANCE)


class DeskRequest(HttpRequest):
    """A request that passed :func:`desk_view`."""

    user: User
    staff_profile: StaffProfile
    staff_branch: Branch


def staff_profile_of(user: Any) -> StaffProfile | None:
    """The staff profile of ``user`` (None: not staff). The login backends load the user of a
    request with it (``kaft.members.auth``): then no query."""
    if not getattr(user, "is_authenticated", False):
        return None
    field = cast(OneToOneRel, User._meta.get_field("staff_profile"))
    if field.is_cached(user):
        profile = cast(StaffProfile | None, field.get_cached_value(user))
        if profile is None or StaffProfile.branch.is_cached(profile):  # type: ignore[attr-defined]
            return profile
    return StaffProfile.objects.select_related("branch").filter(user_id=user.pk).first()


def needs_second_factor(request: HttpRequest, profile: StaffProfile) -> bool:
    """Whether this staff member must still pass the TOTP step in this session."""
    if profile.role not in settings.KAFT_OTP_ROLES:
        return False
    is_verified = getattr(request.user, "is_verified", None)  # set by django-otp's middleware
    return not (callable(is_verified) and is_verified())


def _branch_from_session(request: HttpRequest, profile: StaffProfile) -> Branch:
    branch_id = request.session.get(SESSION_BRANCH)
    if branch_id is not None and branch_id != profile.branch_id:
        branch = Branch.objects.filter(pk=branch_id).first()
        if branch is not None:
            return branch
    return profile.branch


@overload
def desk_view(view: ViewFunc) -> ViewFunc: ...
@overload
def desk_view(*, roles: Iterable[str] = ...) -> Callable[[ViewFunc], ViewFunc]: ...


def desk_view(
    view: ViewFunc | None = None, *, roles: Iterable[str] = DESK_ROLES
) -> ViewFunc | Callable[[ViewFunc], ViewFunc]:
    """Let only logged-in staff with one of ``roles`` through; set the desk attributes.

    Logged out: to the desk login, coming back here afterwards. Logged in without a staff
    profile (a member's account) or with another role: 403. A role in
    ``settings.KAFT_OTP_ROLES`` whose session has not passed the second factor: to the TOTP
    step (``desk:otp``), coming back here afterwards.
    """
    allowed = frozenset(roles)

    def decorate(func: ViewFunc) -> ViewFunc:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("desk:login"))
            profile = staff_profile_of(request.user)
            if profile is None or profile.role not in allowed:
                raise PermissionDenied
            if needs_second_factor(request, profile):
                # Privacy officers and administrators: the TOTP step first (enrolment or code).
                return redirect_to_login(request.get_full_path(), reverse("desk:otp"))
            desk = cast(DeskRequest, request)
            desk.staff_profile = profile
            desk.user.staff_profile = profile  # cached: the access log snapshots role and name
            desk.staff_branch = _branch_from_session(request, profile)
            return func(request, *args, **kwargs)

        return cast(ViewFunc, wrapper)

    return decorate(view) if view is not None else decorate


def staff_branch_choose(request: HttpRequest, branch: Branch) -> None:
    """Remember ``branch`` as the branch this session works at."""
    request.session[SESSION_BRANCH] = branch.pk


# The work each role does: a look from a screen made for the desk's daily work (helping a member,
# registering one) is, by a privacy officer, a review of that member's data, and is logged so.
# Screens for a privacy request or a request from police or justice keep their purpose.
DESK_WORK = frozenset(
    {
        AccessPurpose.DESK,
        AccessPurpose.PHONE,
        AccessPurpose.EMAIL,
        AccessPurpose.REMINDER,
        AccessPurpose.LETTERS,
        AccessPurpose.REGISTRATION,
    }
)
ROLE_PURPOSE: dict[str, AccessPurpose] = {StaffRole.PRIVACY_OFFICER: AccessPurpose.PRIVACY_REVIEW}


def look_purpose(request: DeskRequest, screen: AccessPurpose) -> AccessPurpose:
    """What this look is for: the purpose the screen declares, as the looker's role does it."""
    if screen in DESK_WORK:
        return ROLE_PURPOSE.get(request.staff_profile.role, screen)
    return screen


def member_look(
    request: DeskRequest,
    member: Member,
    parts: Iterable[DataPart],
    *,
    purpose: AccessPurpose,
) -> list[AccessLogEntry]:
    """Write that this staff member is shown ``parts`` of ``member``'s data, at this branch.

    Every screen declares its ``purpose``; :func:`look_purpose` makes it the role's.
    """
    return access_log_record(
        staff=request.user,
        member=member,
        parts=parts,
        branch=request.staff_branch,
        purpose=look_purpose(request, purpose),
    )


def members_listed(
    request: DeskRequest,
    members: Sequence[Member],
    *,
    purpose: AccessPurpose,
    parts: Sequence[DataPart] = (DataPart.SEARCH,),
) -> list[AccessLogEntry]:
    """Write that this staff member saw ``members`` in a list (by default name and card number).

    One entry per member and part, in a single insert however long the list.
    """
    return access_log_record_many(
        staff=request.user,
        members=members,
        parts=parts,
        branch=request.staff_branch,
        purpose=look_purpose(request, purpose),
    )


def served_member_id(request: DeskRequest) -> int | None:
    """The id of the member being served at the circulation screen (None: nobody), from the
    session alone: no query."""
    member_id = request.session.get(SESSION_MEMBER)
    return member_id if isinstance(member_id, int) else None


def active_member(request: DeskRequest) -> Member | None:
    """The member being served at the circulation screen, if any."""
    member_id = served_member_id(request)
    if member_id is None:
        return None
    return Member.objects.select_related("category", "home_branch").filter(pk=member_id).first()


class MemberMismatch(Exception):
    """The page that sent the request shows another member than the one this session serves."""


def active_member_shown(request: DeskRequest) -> Member | None:
    """The member being served, checked against the member the sending page shows.

    The session is shared by every tab of the browser: scanning a card in one tab switches the
    member for all of them. So each action on the served member carries the id of the member its
    page shows (the form field ``member``, empty when the page shows nobody). When that is not
    the session's member, :class:`MemberMismatch` is raised and nothing must be done.
    """
    member = active_member(request)
    member_shown_check(request, member)
    return member


def member_shown_check(request: DeskRequest, member: Member | None) -> None:
    """:class:`MemberMismatch` unless the sending page shows ``member`` (the one being served)."""
    member_id_shown_check(request, member.pk if member is not None else None)


def member_id_shown_check(request: DeskRequest, member_id: int | None) -> None:
    """:class:`MemberMismatch` unless the sending page shows the member with ``member_id``
    (None: nobody)."""
    shown = request.POST.get("member", "").strip()
    if shown != (str(member_id) if member_id is not None else ""):
        raise MemberMismatch


def card_holder(card: str) -> Member | None:
    """The member whose card number is ``card`` (a valid card number), or None."""
    try:
        return member_by_card(card)
    except MemberError:
        return None


def active_member_set(request: DeskRequest, member: Member | None) -> None:
    """Serve ``member`` at the circulation screen from now on (None: nobody)."""
    if member is None:
        request.session.pop(SESSION_MEMBER, None)
    else:
        request.session[SESSION_MEMBER] = member.pk
