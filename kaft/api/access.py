"""The one place in the API that decides what a token may touch.

A request carries an OAuth 2 access token (``Authorization: Bearer …``). :func:`caller_for_token`
turns it into a :class:`Caller`: the client, the scopes the token has *and* its client still
may use (a scope taken from a client stops working at once), and — only for a token a member
gave an app at the consent page — that member's login. Then:

- ``catalog:read``: the catalogue; ``availability:read``: where copies are, per branch, and
  the status of a copy;
- ``circulation:write``: lend and take in copies (a returns sorter, a self-service app). Taking
  in shows no member; lending names the member by card number and answers only the loan;
- ``members:read``: the membership status of a member named by card number;
- ``me``: the loans, reservations and charges of the token's own member — never anyone else's.
  An id of another member's loan or reservation answers 404, the same as an id that does not
  exist, so a token cannot learn what exists.

Every answer with a member's data goes through :func:`look`: an access-log entry with the
client's name as who looked, and where the client is another organisation (its ApiClient names
a partner) a disclosure to that partner. Routers never filter by member themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken

from kaft.api.errors import ApiError, ApiErrorCode
from kaft.api.models import Scope
from kaft.api.scopes import allowed_scopes
from kaft.catalog.models import Branch
from kaft.circulation.models import Hold, Loan, LoanStatus
from kaft.members.models import Member
from kaft.members.selectors.member import member_by_card
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import AccessPurpose, DataCategory, DataPart, MachineRole, Partner
from kaft.privacy.services.access import access_log_record_machine
from kaft.privacy.services.disclosure import disclosure_record

# What each part of a look is, in the register's categories, when it goes to a partner.
_CATEGORY_OF_PART = {
    DataPart.IDENTITY: DataCategory.IDENTITY,
    DataPart.STATUS: DataCategory.MEMBERSHIP,
    DataPart.LOANS: DataCategory.LOANS,
    DataPart.HOLDS: DataCategory.HOLDS,
    DataPart.PAYMENTS: DataCategory.PAYMENTS,
}


@dataclass(frozen=True)
class Caller:
    """Who is asking: a client, with the scopes its token may use now."""

    token_id: int
    application_id: int
    name: str  # the client's name, as the member sees it in the access log
    scopes: frozenset[str]
    user_id: int | None  # the member's login, for a token given at the consent page
    partner_id: int | None  # the client belongs to this partner organisation
    rate_per_minute: int | None

    @property
    def rate_key(self) -> str:
        return str(self.application_id)

    @property
    def partner(self) -> Partner | None:
        if self.partner_id is None:
            return None
        return Partner.objects.filter(pk=self.partner_id).first()

    def has(self, scope: Scope) -> bool:
        return scope.value in self.scopes


def caller_for_token(raw: str) -> Caller | None:
    """The caller of a valid, unexpired access token, or None. One query, of plain values (the
    check runs on every request)."""
    if not raw or len(raw) > 512:
        return None
    checksum = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
    row = (
        AccessToken.objects.filter(token_checksum=checksum, expires__gt=timezone.now())
        .values_list(
            "pk",
            "scope",
            "user_id",
            "application_id",
            "application__name",
            "application__client_id",
            "application__authorization_grant_type",
            "application__kaft_client__scopes",
            "application__kaft_client__partner_id",
            "application__kaft_client__rate_per_minute",
        )
        .first()
    )
    if row is None or row[3] is None:
        return None
    token_id, scope, user_id, app_id, name, client_id, grant, allowed, partner_id, rate = row
    scopes = set(scope.split()) & set(allowed_scopes(allowed, grant_type=grant))
    if user_id is None:
        scopes.discard(Scope.ME.value)  # a member's data needs the member's consent
    return Caller(
        token_id=token_id,
        application_id=app_id,
        name=name or client_id,
        scopes=frozenset(scopes),
        user_id=user_id,
        partner_id=partner_id,
        rate_per_minute=rate,
    )


def require(caller: Caller, scope: Scope) -> None:
    """403 ``scope_missing`` unless the token has ``scope``."""
    if not caller.has(scope):
        raise ApiError(ApiErrorCode.SCOPE_MISSING, 403, scope=scope.value)


def may_see_availability(caller: Caller) -> bool:
    return caller.has(Scope.AVAILABILITY_READ)


def require_any(caller: Caller, *scopes: Scope) -> None:
    if not any(caller.has(scope) for scope in scopes):
        raise ApiError(ApiErrorCode.SCOPE_MISSING, 403, scope=" | ".join(s.value for s in scopes))


# --- a member's own data (scope "me") -------------------------------------------------------------


def me(caller: Caller) -> Member:
    """The token's own member (scope ``me``); 403 for any other token."""
    require(caller, Scope.ME)
    if caller.user_id is None:
        raise ApiError(ApiErrorCode.NO_MEMBER, 403)
    member = (
        Member.objects.select_related("category", "home_branch")
        .filter(user_id=caller.user_id, erased_at__isnull=True)
        .first()
    )
    if member is None:
        raise ApiError(ApiErrorCode.NO_MEMBER, 403)
    return member


def own_loan(caller: Caller, loan_id: int) -> Loan:
    """The token's member's open loan ``loan_id``; 404 when it is not theirs or not there."""
    member = me(caller)
    loan = (
        Loan.objects.select_related("item", "record")
        .filter(pk=loan_id, member=member, status=LoanStatus.OPEN)
        .first()
    )
    if loan is None:
        raise ApiError(ApiErrorCode.NOT_FOUND, 404)
    return loan


def own_hold(caller: Caller, hold_id: int) -> Hold:
    """The token's member's reservation ``hold_id``; 404 when it is not theirs or not there."""
    member = me(caller)
    hold = (
        Hold.objects.select_related("record", "pickup_branch")
        .filter(pk=hold_id, member=member)
        .first()
    )
    if hold is None:
        raise ApiError(ApiErrorCode.NOT_FOUND, 404)
    return hold


# --- systems ------------------------------------------------------------------------------------


def member_for_status(caller: Caller, card_number: str) -> Member:
    """A member by card number, for a client with ``members:read``."""
    require(caller, Scope.MEMBERS_READ)
    return member_by_card(card_number)


def member_for_checkout(caller: Caller, card_number: str) -> Member:
    """The member a system lends to (``circulation:write``); their data is not answered."""
    require(caller, Scope.CIRCULATION_WRITE)
    return member_by_card(card_number)


def branch_named(code: str) -> Branch:
    """A branch by its code or ISIL (where a system works)."""
    text = code.strip()
    if not text or not text.isprintable():
        raise ApiError(ApiErrorCode.UNKNOWN_BRANCH, 404)
    branch = Branch.objects.filter(code=text).first() or Branch.objects.filter(isil=text).first()
    if branch is None:
        raise ApiError(ApiErrorCode.UNKNOWN_BRANCH, 404)
    return branch


# --- the record of every look -------------------------------------------------------------------


def look(caller: Caller, members: Iterable[Member], parts: Iterable[DataPart]) -> None:
    """Write down that ``caller`` is shown ``parts`` of ``members``' data: the access log with
    the client's name, and a disclosure when the client is another organisation. A disclosure
    the register does not allow (a category the partner does not receive, consent missing)
    refuses the answer: 403, and nothing is written."""
    members = list(members)
    parts = list(dict.fromkeys(parts))
    partner = caller.partner
    with transaction.atomic():
        if partner is not None:
            categories = [_CATEGORY_OF_PART[part] for part in parts if part in _CATEGORY_OF_PART]
            for member in members:
                try:
                    disclosure_record(member=member, categories=categories, partner=partner)
                except PrivacyError:
                    raise ApiError(ApiErrorCode.DISCLOSURE_REFUSED, 403) from None
        access_log_record_machine(
            role=MachineRole.APP,
            name=caller.name,
            members=members,
            parts=parts,
            branch=None,
            purpose=AccessPurpose.APP,
        )
