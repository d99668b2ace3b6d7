"""The API's addresses: /api/v1/ (the NinjaAPI) and the OAuth 2 and OpenID Connect server under
/oauth/."""

from __future__ import annotations

from django.urls import include, path, re_path
from oauth2_provider import views as oauth_views

from kaft.api.iso18626 import iso18626_endpoint
from kaft.api.main import api
from kaft.api.newsletter_bounces import newsletter_bounces
from kaft.api.oidc.discovery import discovery
from kaft.api.views import ConsentView

oauth_patterns = (
    [
        path("authorize/", ConsentView.as_view(), name="authorize"),
        path("token/", oauth_views.TokenView.as_view(), name="token"),
        path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
        path("introspect/", oauth_views.IntrospectTokenView.as_view(), name="introspect"),
        # OpenID Connect for partner services (docs/partners.md): the toolkit's own views.
        re_path(
            r"^\.well-known/openid-configuration$",
            discovery,
            name="oidc-connect-discovery-info",
        ),
        path(".well-known/jwks.json", oauth_views.JwksInfoView.as_view(), name="jwks-info"),
        path("userinfo/", oauth_views.UserInfoView.as_view(), name="user-info"),
    ],
    "oauth2_provider",
)

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/iso18626", iso18626_endpoint, name="iso18626"),
    path("api/newsletter/bounces", newsletter_bounces, name="newsletter_bounces"),
    path("oauth/", include(oauth_patterns)),
    # The same discovery document for clients that probe the host root (oidc/discovery.py):
    # OpenID Connect's place, and RFC 8414's for the issuer <site>/oauth.
    path(".well-known/openid-configuration", discovery, name="oidc-discovery-root"),
    path(
        ".well-known/oauth-authorization-server/oauth",
        discovery,
        name="oauth-authorization-server-metadata",
    ),
]
