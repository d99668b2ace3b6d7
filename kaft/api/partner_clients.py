"""Registering a partner service as an OpenID Connect client (``kaft partner-client add``).

An OAuth 2 application of the toolkit (authorization code with PKCE, ID tokens signed RS256)
with its :class:`~kaft.privacy.models.partner_clients.PartnerClient`: the organisation in the
partner register, the sector identifier of its pseudonyms and the optional claims it is
registered for. The register must let the partner receive the claims' categories (membership
for the defaults; identity for name and date of birth; contact for the e-mail address), or no
member can sign in to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from kaft.privacy.models import Partner
from kaft.privacy.models.partner_clients import DEFAULT_CLAIMS, SCOPE_OF_CLAIM, PartnerClient


@dataclass(frozen=True)
class NewPartnerClient:
    client: PartnerClient
    client_id: str
    client_secret: str  # "" for a public client (PKCE alone)


@transaction.atomic
def partner_client_add(
    *,
    partner: Partner,
    redirect_uris: list[str],
    claims: list[str] | None = None,
    sector_identifier: str = "",
    name: str = "",
    public: bool = False,
    client_id: str = "",
) -> NewPartnerClient:
    """A partner's sign-in client. ``sector_identifier`` defaults to the host of the first
    redirect address; ``claims`` are optional claims (``name``, ``email``, ``card_number``,
    ``birthdate``) beyond the defaults. ``client_id``: a fixed one (the demo's), else generated."""
    uris = [uri.strip() for uri in redirect_uris if uri.strip()]
    if not uris:
        raise ValidationError("a partner client needs a redirect URI")
    wanted = [claim for claim in claims or [] if claim not in DEFAULT_CLAIMS]
    unknown = [claim for claim in wanted if claim not in SCOPE_OF_CLAIM]
    if unknown:
        raise ValidationError(f"unknown claims: {', '.join(unknown)}")
    sector = (sector_identifier or urlsplit(uris[0]).hostname or "").strip().lower()
    if not sector:
        raise ValidationError("a partner client needs a sector identifier")
    # Members' pseudonyms are per sector: two organisations in one sector (two services hosted
    # on one platform's address) would get the same pseudonym and could link their users.
    shared = PartnerClient.objects.filter(sector_identifier=sector).exclude(partner=partner)
    if shared.exists():
        raise ValidationError(
            f"the sector identifier {sector} belongs to another partner: give this partner a "
            "sector identifier of its own (--sector)"
        )
    secret = "" if public else generate_client_secret()
    application = Application(
        name=(name or partner.name).strip(),
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uris),
        client_secret=secret,
        algorithm=Application.RS256_ALGORITHM,
    )
    if client_id.strip():
        application.client_id = client_id.strip()
    application.full_clean(exclude=["client_secret", "user"])
    application.save()
    client = PartnerClient.objects.create(
        application=application,
        partner=partner,
        sector_identifier=sector,
        claims=[claim for claim in SCOPE_OF_CLAIM if claim in wanted],
    )
    # No ApiClient row: a sign-in's token reaches no /api/v1/ data (kaft/api/access.py).
    return NewPartnerClient(client=client, client_id=application.client_id, client_secret=secret)
