"""Members log in with their card number or e-mail address and their password.

What is typed is normalised once, by :func:`login_normalise`, for everything that reads it: the
login itself, the lockout count of django-axes (:func:`login_username`, set as
``AXES_USERNAME_CALLABLE``), and the attempt limits of resetting a password. So ``Sanne@X.nl``,
`` sanne@x.nl`` and ``sanne@x.nl`` are one username with one count of failures, and
``2100 0000 0000 01`` is the card ``21000000000001``.

An e-mail address logs in only when it belongs to exactly one member (compared without regard
to case). Members of one household may share an address; they log in with their card number.
An address given when joining online is not yet a login name until its link was followed.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest

from kaft.catalog.models import Branch
from kaft.core import rawsql
from kaft.members.cards import card_number_typed
from kaft.members.models import Member, StaffProfile, User


def login_normalise(login: str | None) -> str:
    """An e-mail address stripped and lower-cased; a card number without any white space."""
    text = (login or "").strip()
    if "@" in text:
        return text.lower()
    return card_number_typed(text)


def members_for_login(login: str) -> QuerySet[Member]:
    """The members a normalised card number or e-mail address may mean (e-mail: any case).

    The address on record, lower-cased by the database, must equal the normalised login
    exactly: every login that finds a member is then one string, the one the lockout counts.
    (``email__iexact`` compares upper-cased on PostgreSQL, where ``ſ`` and ``ı`` become ``S``
    and ``I``: ``ſanne@…`` found Sanne under a username of its own, a fresh lockout count per
    variant.)"""
    if not login:
        return Member.objects.none()
    if "@" in login:
        # An address given when joining online counts only once its link was followed: until
        # then it may be anyone's (someone else's sign-up must not make a member's own address
        # ambiguous, nor receive its reset links).
        return (
            Member.objects.annotate(login_email=Lower("email"))
            .filter(login_email=login)
            .exclude(signed_up_online_at__isnull=False, email_verified_at__isnull=True)
        )
    return Member.objects.filter(card_number=login)


def login_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The username django-axes counts failures under: the normalised card number or address.

    What the login form posted comes first: after a successful login axes passes the login's
    own username (``member-<id>``) as credentials, and resetting the failures
    (``AXES_RESET_ON_SUCCESS``) must find them under what was typed."""
    typed = request.POST.get("username") if request is not None else None
    if not typed and credentials is not None:
        typed = credentials.get("username")
    return login_normalise(typed if isinstance(typed, str) else None)


def login_client_address(request: HttpRequest) -> str:
    """The address django-axes counts failures from (``AXES_CLIENT_IP_CALLABLE``): an IPv4
    address as it is, an IPv6 address as the first address of its /64 network (a valid address,
    for axes' address columns).

    One IPv6 host is given a whole /64 and picks any address in it at will: counted per address,
    the lockout (per username *and* address) let one machine guess without end by moving to a
    new address every few tries."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    try:
        address = ipaddress.ip_address(remote.split("%")[0])
    except ValueError:
        return remote
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


@cache
def _user_sql(vendor: str) -> str:
    user, profile, branch = rawsql.table(User), rawsql.table(StaffProfile), rawsql.table(Branch)
    return (
        f"SELECT {rawsql.columns(User, 'u.')}, {rawsql.columns(StaffProfile, 'p.')}, "
        f"{rawsql.columns(Branch, 'b.')} FROM {user} u "
        f"LEFT JOIN {profile} p ON p.{rawsql.column(StaffProfile, 'user')} = u.{rawsql.column(User, 'id')} "
        f"LEFT JOIN {branch} b ON b.{rawsql.column(Branch, 'id')} = p.{rawsql.column(StaffProfile, 'branch')} "
        f"WHERE u.{rawsql.column(User, 'id')} = %s"
    )


def user_with_staff_profile(user_id: int) -> User | None:
    """The user with this id, their staff profile and its branch loaded with it (None: a member's
    account, then ``user.staff_profile`` raises as Django's does), in one statement built once:
    what ``select_related("staff_profile__branch")`` reads, without building the query on every
    request."""
    with connection.cursor() as cursor:
        cursor.execute(_user_sql(connection.vendor), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    users, profiles = rawsql.width(User), rawsql.width(StaffProfile)
    user = rawsql.instance(User, row[:users])
    profile = None
    if row[users] is not None:  # the profile's id: NULL when there is none
        profile = rawsql.instance(StaffProfile, row[users : users + profiles])
        profile.branch = rawsql.instance(Branch, row[users + profiles :])
        StaffProfile.user.field.set_cached_value(profile, user)
    User.staff_profile.related.set_cached_value(user, profile)
    return user


class _UserWithStaffProfile(ModelBackend):
    """Loads the logged-in user of each request with their staff profile and its branch (one
    statement, a LEFT JOIN: a member's account has none): every desk request needs both."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            wanted = int(user_id)
        except (TypeError, ValueError):
            return None
        user = user_with_staff_profile(wanted)
        return user if user is not None and self.user_can_authenticate(user) else None


class StaffBackend(_UserWithStaffProfile):
    """Staff log in with their username (Django's model backend), loaded with their profile."""


class MemberCardOrEmailBackend(_UserWithStaffProfile):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        login = login_normalise(username)
        members = list(
            members_for_login(login).filter(user__isnull=False).select_related("user")[:2]
        )
        if len(members) != 1:  # unknown, or an e-mail address two members share: use the card
            User().set_password(password)  # same work as a real check: no timing difference
            return None
        user = members[0].user
        assert user is not None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
