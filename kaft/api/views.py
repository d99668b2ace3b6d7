"""The consent page of the OAuth 2 server: a member gives an app access to their own data.

django-oauth-toolkit's authorization view, with Kaft's page (``api/consent.html``, Dutch first)
and the member's login being the portal's (``LOGIN_URL``). What the app may ask for is the
client's (:mod:`kaft.api.scopes`); the scopes are named in the member's language.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.views import AuthorizationView

from kaft.api.models import Scope
from kaft.core.library import library


class ConsentView(AuthorizationView):
    template_name = "api/consent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        labels = dict(Scope.choices)
        scopes = context.get("scopes") or []
        context["scope_labels"] = [labels[scope] for scope in scopes if scope in labels]
        context["library_name"] = library().name
        return context
