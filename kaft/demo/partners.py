"""The demo library's partner organisations, so "who received my data" has something real, and
the national e-book platform as a partner service members sign in to (OpenID Connect)."""

from __future__ import annotations

import datetime as dt

from kaft.api.partner_clients import partner_client_add
from kaft.members.models import Member
from kaft.privacy.models import AgreementKind, DataCategory, LegalBasis, Partner
from kaft.privacy.models.partner_clients import DEFAULT_CLAIMS, PartnerClient
from kaft.privacy.services.partner_sign_in import partner_sign_in_record

EBOOKS = "Landelijke e-bookdienst"
# The e-book platform's sign-in client: public (PKCE, no secret), so anyone can try the flow:
# /oauth/authorize/?response_type=code&client_id=<this>&redirect_uri=<EBOOKS_REDIRECT>&scope=openid
# &code_challenge=…&code_challenge_method=S256 (docs/partners.md).
EBOOKS_CLIENT_ID = "demo-landelijke-ebookdienst"
EBOOKS_REDIRECT = "https://ebooks.example.org/terug"

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


def ebook_client_ensure(*, member: Member | None = None) -> PartnerClient:
    """The e-book platform's sign-in client, created once; ``member`` has signed in to it once
    (so MijnBibliotheek shows a partner service, and its disclosure)."""
    client = PartnerClient.objects.filter(application__client_id=EBOOKS_CLIENT_ID).first()
    if client is None:
        partner = Partner.objects.get(name=EBOOKS)
        client = partner_client_add(
            partner=partner,
            redirect_uris=[EBOOKS_REDIRECT],
            public=True,
            client_id=EBOOKS_CLIENT_ID,
        ).client
    if member is not None:
        partner_sign_in_record(member=member, client=client, claims=list(DEFAULT_CLAIMS))
    return client
