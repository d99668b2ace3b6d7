"""Kaft's OpenID Connect discovery document, wherever a partner's client looks for it.

The issuer is ``<site>/oauth``, so the document's own place is
``/oauth/.well-known/openid-configuration``. Some clients probe the host root instead: the same
document is served at ``/.well-known/openid-configuration`` and, for clients that read RFC 8414
authorization server metadata, at ``/.well-known/oauth-authorization-server/oauth`` (RFC 8414
section 3.1: the well-known part goes *before* the issuer's path ``/oauth``).

One view for all three addresses, so the documents cannot drift apart. The toolkit builds the
document; its issuer comes from reversing the toolkit's own discovery URL (under ``/oauth``),
never from the address asked, so every copy names the same issuer — a client compares it with
the one it expected and with the ``iss`` of the ID tokens. The document is public and the same
for everybody: no login, no cookie, and caches may keep it for an hour.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods
from oauth2_provider.views import ConnectDiscoveryInfoView

CACHE_SECONDS = 60 * 60

_document = ConnectDiscoveryInfoView.as_view()


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def discovery(request: HttpRequest) -> HttpResponse:
    """The discovery document (GET, HEAD; OPTIONS as the toolkit answers it; else 405)."""
    response: HttpResponse = _document(request)
    if response.status_code == 200 and isinstance(response, JsonResponse):
        # Kaft signs ID tokens with RS256 only (every partner client is registered RS256); the
        # toolkit would announce HS256 too.
        document = json.loads(response.content)
        document["id_token_signing_alg_values_supported"] = ["RS256"]
        response.content = json.dumps(document).encode()
    if response.status_code == 200:
        # For a signed-in visitor the middleware turns this into no-store (kaft.core.middleware:
        # one rule for every response to a session), which is harmless here.
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
