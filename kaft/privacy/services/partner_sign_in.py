"""Signing in to a partner service with the library account (OpenID Connect), as little as the
work allows.

A partner learns of a member:

- ``sub``: a *pairwise pseudonym* (OIDC Core 8.1), :func:`pairwise_subject`: an HMAC-SHA256 under
  Kaft's own secret (``KAFT_OIDC_PAIRWISE_SECRET``) of the partner's sector identifier and the
  member's internal id. Stable for one member and sector, different between sectors, and not to
  be traced back to the member without the secret;
- by default only ``member_of`` (the library's ISIL: "a valid member of this library") and
  ``age_band`` (``youth`` under 18, else ``adult``);
- ``name``, ``email``, ``card_number``, ``birthdate`` only when the partner's client is
  registered for it, asks for it (its scope) and the member agreed on the consent page. A member
  under 16 is never offered these (UAVG art. 5: they cannot consent themselves).

The first sign-in and every change in what the partner receives write a disclosure
(:func:`partner_sign_in_record`). The member ends a partner's access in MijnBibliotheek
(:func:`partner_access_end`): its tokens and codes are deleted, so its next refresh fails. A
member whose membership ended or who was erased cannot sign in (:func:`partner_sign_in_check`),
and the OAuth server asks that on every code exchange and refresh too.

Locks: :func:`partner_sign_in_record` locks the member's sign-in row of the client (or creates
it under the unique constraint), so two token requests at once write one disclosure.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.members.models import Member, MemberStatus, User
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import ConsentPurpose, DataCategory, LegalBasis
from kaft.privacy.models.partner_clients import (
    CATEGORY_OF_CLAIM,
    DEFAULT_CLAIMS,
    SCOPE_OF_CLAIM,
    PartnerClaim,
    PartnerClient,
    PartnerSignIn,
)
from kaft.privacy.services.consent import CONSENT_AGE, consent_given
from kaft.privacy.services.disclosure import disclosure_record

ADULT_AGE = 18
YOUTH = "youth"
ADULT = "adult"


def pairwise_subject(*, sector_identifier: str, member_id: int) -> str:
    """The member's pseudonym for a sector: base32 (lower case, no padding) of
    HMAC-SHA256(KAFT_OIDC_PAIRWISE_SECRET, sector identifier, member id)."""
    secret = str(settings.KAFT_OIDC_PAIRWISE_SECRET).encode()
    message = f"{sector_identifier.strip().lower()}\x1f{member_id}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def library_isil() -> str:
    """The library's ISIL (``KAFT_LIBRARY_ISIL``; else the ISIL of its first branch)."""
    configured = str(getattr(settings, "KAFT_LIBRARY_ISIL", "") or "").strip()
    if configured:
        return configured
    first = Branch.objects.order_by("pk").values_list("isil", flat=True).first()
    return first or ""


def member_of_user(user: Any) -> Member | None:
    """The member behind a login, or None (staff, or a member erased: their login is unlinked)."""
    if not isinstance(user, User) or not user.is_active:
        return None
    return Member.objects.select_related("home_branch").filter(user=user).first()


def membership_valid(member: Member, today: dt.date | None = None) -> bool:
    """A member who may use partner services: not erased, membership not ended."""
    if member.erased_at is not None:
        return False
    if member.status in (MemberStatus.EXPIRED, MemberStatus.ERASED):
        return False
    return not member.is_expired_on(today or timezone.localdate())


def age_band(member: Member, today: dt.date | None = None) -> str:
    return YOUTH if member.age_on(today or timezone.localdate()) < ADULT_AGE else ADULT


def claims_offered(
    *, client: PartnerClient, scopes: Iterable[str], member: Member | None = None
) -> list[str]:
    """What the partner receives for a sign-in asking ``scopes``: the defaults, and each optional
    claim the client is registered for and asks for (never for a member under 16)."""
    asked = set(scopes)
    registered = {str(claim) for claim in client.claims}
    child = member is not None and member.age_on(timezone.localdate()) < CONSENT_AGE
    optional = [
        claim
        for claim, scope in SCOPE_OF_CLAIM.items()
        if claim in registered and scope in asked and not child
    ]
    return [claim for claim in PartnerClaim.values if claim in DEFAULT_CLAIMS or claim in optional]


def claim_values(*, member: Member, client: PartnerClient, claims: Iterable[str]) -> dict[str, Any]:
    """The ID token's and userinfo's claims: ``sub`` and exactly ``claims``."""
    wanted = set(claims)
    values: dict[str, Any] = {
        "sub": pairwise_subject(
            sector_identifier=client.sector_identifier, member_id=int(member.pk)
        )
    }
    if PartnerClaim.MEMBER_OF in wanted:
        values["member_of"] = library_isil()
    if PartnerClaim.AGE_BAND in wanted and member.date_of_birth is not None:
        values["age_band"] = age_band(member)
    if PartnerClaim.NAME in wanted:
        values["name"] = member.full_name
    if PartnerClaim.EMAIL in wanted and member.email:
        values["email"] = member.email
    if PartnerClaim.CARD_NUMBER in wanted:
        values["card_number"] = member.card_number
    if PartnerClaim.BIRTHDATE in wanted and member.date_of_birth is not None:
        values["birthdate"] = member.date_of_birth.isoformat()
    return values


def _categories(claims: Iterable[str]) -> list[str]:
    found = {CATEGORY_OF_CLAIM[claim] for claim in claims if claim in CATEGORY_OF_CLAIM}
    return sorted(str(category) for category in found)


def _consented_now(member: Member) -> bool:
    """The member's yes on the consent page counts as consent for this disclosure from 16 on;
    a younger member needs a parent's or guardian's consent for partner services."""
    return member.age_on(timezone.localdate()) >= CONSENT_AGE


def partner_sign_in_check(
    *, member: Member | None, client: PartnerClient, claims: list[str]
) -> None:
    """Raise :class:`PrivacyError` when ``member`` may not sign in to ``client``'s partner with
    ``claims``: no valid membership, an inactive partner, data the register does not let the
    partner receive, or (a partner on consent) a child without a guardian's consent. Writes
    nothing."""
    if member is None or not membership_valid(member):
        raise PrivacyError(PrivacyErrorCode.PARTNER_SIGN_IN_NO_MEMBERSHIP)
    partner = client.partner
    if not partner.active:
        raise PrivacyError(PrivacyErrorCode.DISCLOSURE_PARTNER_INACTIVE)
    extra = [value for value in _categories(claims) if value not in partner.categories]
    if extra:
        labels = dict(DataCategory.choices)
        raise PrivacyError(
            PrivacyErrorCode.DISCLOSURE_NOT_AGREED,
            categories=", ".join(str(labels[value]) for value in extra),
        )
    if (
        partner.legal_basis == LegalBasis.CONSENT
        and not _consented_now(member)
        and not consent_given(member=member, purpose=ConsentPurpose.PARTNER_SERVICES)
    ):
        raise PrivacyError(PrivacyErrorCode.DISCLOSURE_NO_CONSENT)


def partner_sign_in_record(
    *, member: Member, client: PartnerClient, claims: list[str], now: dt.datetime | None = None
) -> PartnerSignIn:
    """The member signed in to ``client`` and the partner receives ``claims`` (besides ``sub``).

    The first sign-in, and one where ``claims`` differ from the last, writes a disclosure of the
    claims' categories to the partner; a sign-in with the same claims only moves ``last_at``.
    Refused as :func:`partner_sign_in_check` (nothing written). Locks the sign-in row."""
    now = now or timezone.now()
    claims = [claim for claim in PartnerClaim.values if claim in set(claims)]
    partner_sign_in_check(member=member, client=client, claims=claims)
    with transaction.atomic():
        sign_in = (
            PartnerSignIn.objects.select_for_update().filter(member=member, client=client).first()
        )
        if sign_in is None:
            try:
                with transaction.atomic():
                    sign_in = PartnerSignIn.objects.create(
                        member=member, client=client, first_at=now, last_at=now, claims=[]
                    )
            except IntegrityError:  # the other of two requests at once created it: take that
                sign_in = PartnerSignIn.objects.select_for_update().get(
                    member=member, client=client
                )
        changed = list(sign_in.claims) != claims
        if changed:
            disclosure_record(
                member=member,
                categories=_categories(claims),  # type: ignore[arg-type]
                partner=client.partner,
                consented_now=_consented_now(member),
            )
        sign_in.claims = claims
        sign_in.last_at = now
        sign_in.save(update_fields=["claims", "last_at"])
    return sign_in


@transaction.atomic
def partner_access_end(*, member: Member, sign_in_id: int) -> str:
    """End a partner's access for ``member``: the client's tokens, refresh tokens, codes and ID
    tokens of the member's login are deleted, and so is the sign-in (the disclosures stay: they
    happened). Answers the partner's name. Raises :class:`PrivacyError` when ``sign_in_id`` is not
    the member's."""
    from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

    sign_in = (
        PartnerSignIn.objects.select_for_update()
        .select_related("client__partner", "client__application")
        .filter(pk=sign_in_id, member=member)
        .first()
    )
    if sign_in is None:
        raise PrivacyError(PrivacyErrorCode.PARTNER_SIGN_IN_UNKNOWN)
    name = sign_in.client.partner.name
    application = sign_in.client.application
    if member.user_id is not None:
        mine = {"application": application, "user_id": member.user_id}
        RefreshToken.objects.filter(**mine).delete()
        AccessToken.objects.filter(**mine).delete()
        IDToken.objects.filter(**mine).delete()
        Grant.objects.filter(**mine).delete()
    sign_in.delete()
    return name
