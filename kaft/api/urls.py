"""The API's addresses: /api/v1/ (the NinjaAPI) and the OAuth 2 server under /oauth/."""

from __future__ import annotations

from django.urls import include, path
from oauth2_provider import views as oauth_views

from kaft.api.main import api
from kaft.api.views import ConsentView

oauth_patterns = (
    [
        path("authorize/", ConsentView.as_view(), name="authorize"),
        path("token/", oauth_views.TokenView.as_view(), name="token"),
        path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
        path("introspect/", oauth_views.IntrospectTokenView.as_view(), name="introspect"),
    ],
    "oauth2_provider",
)

urlpatterns = [
    path("api/v1/", api.urls),
    path("oauth/", include(oauth_patterns)),
]
