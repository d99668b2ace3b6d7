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
