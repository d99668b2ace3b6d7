"""Which scopes a client may ask for: those of its :class:`~kaft.api.models.ApiClient`.

django-oauth-toolkit asks this backend (``OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"]``) when it
issues a token. A client asking for more gets ``invalid_scope``; asking for none gets all of its
own. ``me`` is only ever given to an authorization-code client: a token for a member's data must
come from that member's consent, never from a system's secret alone.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import Application
from oauth2_provider.scopes import SettingsScopes

from kaft.api.models import ApiClient, Scope
from kaft.privacy.models.partner_clients import SCOPE_OF_CLAIM, PartnerClient

OPENID = "openid"

_UNREAD = object()


def client_scopes(application: Application | None, *, client: object = _UNREAD) -> list[str]:
    """The scopes ``application`` may ask for (its ApiClient, read unless given)."""
    if application is None:
        return []
    if client is _UNREAD:
        client = ApiClient.objects.filter(application=application).first()
    if not isinstance(client, ApiClient):
        return partner_scopes(application)
    return allowed_scopes(client.scopes, grant_type=application.authorization_grant_type)


def partner_scopes(application: Application) -> list[str]:
    """A partner's sign-in client (OpenID Connect): ``openid``, and the scope of each optional
    claim it is registered for (kaft.privacy.models.partner_clients)."""
    client = PartnerClient.objects.filter(application=application).first()
    if client is None:
        return []
    return [OPENID, *(SCOPE_OF_CLAIM[claim] for claim in client.claims if claim in SCOPE_OF_CLAIM)]


def allowed_scopes(scopes: object, *, grant_type: str) -> list[str]:
    """Of a client's ``scopes``, those it may use: known ones, and ``me`` only for an
    authorization-code client."""
    if not isinstance(scopes, list):
        return []
    allowed = [scope for scope in scopes if scope in Scope.values]
    if grant_type != Application.GRANT_AUTHORIZATION_CODE:
        allowed = [scope for scope in allowed if scope != Scope.ME]
    return allowed


class ClientScopes(SettingsScopes):
    def get_available_scopes(
        self, application: Application | None = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:  # the discovery document: every scope a partner may ask for
            return [OPENID, *dict.fromkeys(SCOPE_OF_CLAIM.values())]
        return client_scopes(application)

    def get_default_scopes(
        self, application: Application | None = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        scopes = client_scopes(application)
        # A partner asking for nothing signs the member in with the defaults only.
        return [OPENID] if OPENID in scopes else scopes
