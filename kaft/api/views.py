"""The consent page of the OAuth 2 server: a member gives an app access to their own data, or
signs in to a partner service (OpenID Connect).

django-oauth-toolkit's authorization view, with Kaft's page (``api/consent.html``, Dutch first)
and the member's login being the portal's (``LOGIN_URL``). What the app may ask for is the
client's (:mod:`kaft.api.scopes`); the scopes are named in the member's language. For a partner
service the page lists exactly what the partner will receive
(:func:`~kaft.privacy.services.partner_sign_in.claims_offered`), and a member who may not sign
in (membership ended, the register does not allow it) is told why instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from oauth2_provider.models import Application
from oauth2_provider.views import AuthorizationView

from kaft.api.models import Scope
from kaft.core import params
from kaft.core.library import library
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models.partner_clients import PartnerClient
from kaft.privacy.selectors.partner_sign_in import claim_labels
from kaft.privacy.services.partner_sign_in import (
    claims_offered,
    member_of_user,
    partner_sign_in_check,
)


def _partner_client(client_id: object) -> PartnerClient | None:
    wanted = params.text_from(client_id, max_length=100)  # no NUL: PostgreSQL refuses one
    if not wanted:
        return None
    return (
        PartnerClient.objects.select_related("partner", "application")
        .filter(application__client_id=wanted)
        .first()
    )


def _scopes(value: object) -> list[str]:
    return value.split() if isinstance(value, str) else []


def _redirect_sources(client_id: object) -> list[str]:
    """The Content-Security-Policy sources of ``client_id``'s registered redirect addresses.

    The consent form posts to this view, which answers with a redirect to the client; browsers
    check ``form-action`` on every address of that redirect chain, so with ``'self'`` alone
    *Allow* and *Refuse* were blocked and the member never got back to the app or partner."""
    wanted = params.text_from(client_id, max_length=100)
    if not wanted:
        return []
    application = Application.objects.filter(client_id=wanted).first()
    if application is None:
        return []
    sources: list[str] = []
    for uri in application.redirect_uris.split():
        parts = urlsplit(uri)
        if parts.scheme in ("http", "https") and parts.netloc:
            source = f"{parts.scheme}://{parts.netloc}"
        elif parts.scheme:
            source = f"{parts.scheme}:"  # a native app's own scheme
        else:
            continue
        if source not in sources:
            sources.append(source)
    return sources


class ConsentView(AuthorizationView):
    template_name = "api/consent.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        query = request.POST if request.method == "POST" else request.GET
        sources = _redirect_sources(query.get("client_id"))
        if sources:
            response._csp_update = {"form-action": sources}  # type: ignore[attr-defined]
        return response

    def _refused(
        self, request: HttpRequest, client_id: object, scope: object
    ) -> HttpResponse | None:
        """The page saying why, when the member may not sign in to this partner service."""
        client = _partner_client(client_id)
        if client is None:
            return None
        member = member_of_user(request.user)
        claims = claims_offered(client=client, scopes=_scopes(scope), member=member)
        try:
            partner_sign_in_check(member=member, client=client, claims=claims)
        except PrivacyError as error:
            context = {
                "error": {"description": error.message},
                "library_name": library().name,
                "partner_name": client.partner.name,
            }
            return render(request, self.template_name, context, status=403)
        return None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = self._refused(request, request.GET.get("client_id"), request.GET.get("scope"))
        return refused or super().get(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        if form.cleaned_data.get("allow"):
            data = form.cleaned_data
            refused = self._refused(self.request, data.get("client_id"), data.get("scope"))
            if refused is not None:
                return refused
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        labels = dict(Scope.choices)
        scopes = context.get("scopes") or []
        context["scope_labels"] = [labels[scope] for scope in scopes if scope in labels]
        context["library_name"] = library().name
        application = context.get("application")
        client = (
            _partner_client(application.client_id) if isinstance(application, Application) else None
        )
        if client is not None:
            member = member_of_user(self.request.user)
            offered = claims_offered(client=client, scopes=scopes, member=member)
            context["partner_name"] = client.partner.name
            context["partner_privacy_url"] = client.partner.privacy_statement_url
            context["partner_claims"] = claim_labels(offered)
        return context
