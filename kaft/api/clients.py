"""Registering API clients: an OAuth 2 application of the toolkit with its Kaft settings.

:func:`api_client_add` is what ``kaft api-client add`` calls. The secret is returned once, in
clear, and kept only as a hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from kaft.api.models import ApiClient, Scope
from kaft.privacy.models import Partner


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    client_id: str
    client_secret: str  # "" for a public client (a member's app on a phone: PKCE, no secret)


@transaction.atomic
def api_client_add(
    *,
    name: str,
    scopes: list[str],
    redirect_uris: list[str] | None = None,
    partner: Partner | None = None,
    public: bool = False,
    rate_per_minute: int | None = None,
) -> NewClient:
    """A client with ``redirect_uris`` is a member's app (authorization code with PKCE, scope
    ``me`` possible); without, a system (client credentials, never ``me``)."""
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown:
        raise ValidationError(f"unknown scopes: {', '.join(unknown)}")
    uris = [uri.strip() for uri in redirect_uris or [] if uri.strip()]
    if Scope.ME.value in scopes and not uris:
        raise ValidationError("scope 'me' needs a redirect URI (a member's app)")
    secret = "" if public else generate_client_secret()
    application = Application(
        name=name.strip(),
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=(
            Application.GRANT_AUTHORIZATION_CODE if uris else Application.GRANT_CLIENT_CREDENTIALS
        ),
        redirect_uris=" ".join(uris),
        client_secret=secret,
        algorithm="",
    )
    application.full_clean(exclude=["client_secret", "user"])
    application.save()
    client = ApiClient.objects.create(
        application=application,
        scopes=[scope for scope in Scope.values if scope in scopes],
        partner=partner,
        rate_per_minute=rate_per_minute,
    )
    return NewClient(client=client, client_id=application.client_id, client_secret=secret)
