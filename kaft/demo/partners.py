"""The demo library's partner organisations, so "who received my data" has something real."""

from __future__ import annotations

import datetime as dt

from kaft.privacy.models import AgreementKind, DataCategory, LegalBasis, Partner

PARTNERS = [
    dict(
        name="Landelijke e-bookdienst",
        purpose="Lenen van e-books en luisterboeken met uw bibliotheekpas",
        legal_basis=LegalBasis.CONSENT,
        agreement_kind=AgreementKind.JOINT_CONTROLLER,
        agreement_date=dt.date(2025, 3, 1),
        categories=[DataCategory.MEMBERSHIP, DataCategory.CONTACT],
        privacy_statement_url="https://ebooks.example.org/privacy",
    ),
    dict(
        name="Biebpanel",
        purpose="Klantonderzoek onder leden die zich hebben aangemeld",
        legal_basis=LegalBasis.CONSENT,
        agreement_kind=AgreementKind.PROCESSOR,
        agreement_date=dt.date(2024, 9, 15),
        categories=[DataCategory.CONTACT],
        privacy_statement_url="https://biebpanel.example.org/privacy",
    ),
    dict(
        name="Partnerbibliotheken (IBL)",
        purpose="Materialen lenen uit een andere bibliotheek in Nederland",
        legal_basis=LegalBasis.CONTRACT,
        agreement_kind=AgreementKind.CONTROLLER,
        agreement_date=dt.date(2023, 1, 1),
        categories=[DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.LOANS],
        privacy_statement_url="",
    ),
]


def partners_ensure() -> list[Partner]:
    """The demo partners, created once (by name)."""
    return [
        Partner.objects.get_or_create(name=fields["name"], defaults=fields)[0]
        for fields in PARTNERS
    ]
