"""API clients and tokens for the tests: a client registered as ``kaft api-client add`` does, and
an access token for it made directly (the OAuth flows themselves are tested with Authlib in
kaft/api/tests/test_oauth.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.utils import timezone
from oauth2_provider.models import AccessToken

from kaft.api.clients import api_client_add
from kaft.api.models import ApiClient
from kaft.members.models import User
from kaft.privacy.models import Partner

APP_REDIRECT = "https://app.example.org/terug"


@dataclass(frozen=True)
class Token:
    client: ApiClient
    raw: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.raw}"}


def api_token(
    *scopes: str,
    user: User | None = None,
    name: str = "Sorteerstraat Centrum",
    partner: Partner | None = None,
    rate_per_minute: int | None = None,
) -> Token:
    """A client allowed ``scopes`` and a valid token of it with those scopes (for ``user``: a
    member's app, authorization code)."""
    new = api_client_add(
        name=name,
        scopes=list(scopes),
        redirect_uris=[APP_REDIRECT] if user is not None else [],
        partner=partner,
        rate_per_minute=rate_per_minute,
    )
    raw = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        token=raw,
        application=new.client.application,
        user=user,
        scope=" ".join(scopes),
        expires=timezone.now() + dt.timedelta(hours=1),
    )
    return Token(client=new.client, raw=raw)
