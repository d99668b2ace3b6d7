"""Partners, officers and legal requests for the transparency tests."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kaft.catalog.models import Branch
from kaft.members.models import Member, StaffRole, User
from kaft.privacy.models import AgreementKind, DataCategory, LegalBasis, LegalRequest, Partner
from tests.factories import StaffFactory


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    purpose = "E-books lenen via de landelijke app"
    legal_basis = LegalBasis.CONSENT
    agreement_kind = AgreementKind.PROCESSOR
    agreement_date = dt.date(2025, 1, 15)
    categories = factory.LazyFunction(lambda: [DataCategory.MEMBERSHIP.value])
    privacy_statement_url = "https://partner.example.org/privacy"
    active = True


def officer(branch: Branch | None = None, *, username: str, name: str = "Fatima") -> User:
    """A privacy officer (second factor set up by ``staff_login``)."""
    kwargs: dict[str, Any] = {
        "username": username,
        "profile__role": StaffRole.PRIVACY_OFFICER,
        "profile__display_name": name,
    }
    if branch is not None:
        kwargs["profile__branch"] = branch
    return cast(User, StaffFactory(**kwargs))


def legal_request(member: Member, registered_by: User, **kwargs: Any) -> LegalRequest:
    values: dict[str, Any] = {
        "authority": "Politie Midden-Nederland",
        "reference": "PL0900-2026-123",
        "legal_basis": "art. 126nd Sv",
        "member": member,
        "categories": [DataCategory.LOANS.value],
        "period_start": dt.date(2026, 3, 1),
        "period_end": dt.date(2026, 3, 31),
        "registered_by": registered_by,
        "registered_at": timezone.now(),
    }
    values.update(kwargs)
    return LegalRequest.objects.create(**values)


def partner_consent(member: Member) -> None:
    """``member`` said yes to partner services (a partner on consent may then receive data)."""
    from kaft.privacy.models import Consent, ConsentPurpose

    Consent.objects.create(
        member=member, purpose=ConsentPurpose.PARTNER_SERVICES, given=True, since=timezone.now()
    )


def a_partner_sign_in(member: Member, *, name: str = "Landelijke e-bookdienst") -> Any:
    """``member`` signed in to a partner service ``name`` (OpenID Connect), which holds an access
    token and a refresh token for the member's login; the PartnerSignIn."""
    import secrets

    from oauth2_provider.models import AccessToken, RefreshToken

    from kaft.api.partner_clients import partner_client_add
    from kaft.privacy.models.partner_clients import DEFAULT_CLAIMS
    from kaft.privacy.services.partner_sign_in import partner_sign_in_record

    partner = cast(Partner, PartnerFactory(name=name))
    if not member.consents.filter(purpose="partner_services", given=True).exists():
        partner_consent(member)
    host = name.lower().replace(" ", "-")
    client = partner_client_add(
        partner=partner, redirect_uris=[f"https://{host}.example.org/terug"], public=True
    ).client
    sign_in = partner_sign_in_record(member=member, client=client, claims=list(DEFAULT_CLAIMS))
    mine = {"user": member.user, "application": client.application}
    access = AccessToken.objects.create(
        token=secrets.token_urlsafe(16),
        scope="openid",
        expires=timezone.now() + dt.timedelta(hours=1),
        **mine,
    )
    RefreshToken.objects.create(token=secrets.token_urlsafe(16), access_token=access, **mine)
    return sign_in


def a_partner_sign_in_id(member: Member) -> int:
    """The id of ``member``'s sign-in to a partner service (made once)."""
    from kaft.privacy.models.partner_clients import PartnerSignIn

    found = PartnerSignIn.objects.filter(member=member).first()
    return int((found or a_partner_sign_in(member)).pk)
