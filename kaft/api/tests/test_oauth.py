"""The OAuth 2 flows with an independent client (Authlib over httpx, into Kaft's WSGI app): client
credentials for a system, authorization code with PKCE for a member's app through the real login
and consent pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from django.test import Client
from oauth2_provider.models import AccessToken, Grant

from kaft.api.clients import api_client_add
from kaft.api.tests.wsgi import wsgi_app
from kaft.members.models import Member
from tests.factories import PASSWORD, LoanRuleFactory, MemberFactory
from tests.factories_api import APP_REDIRECT
from tests.factories_portal import LoanFactory

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
TOKEN_URL = f"{BASE}/oauth/token/"


@pytest.fixture
def transport() -> Iterator[httpx.WSGITransport]:
    with wsgi_app() as app:
        yield httpx.WSGITransport(app=app)


def test_a_system_gets_a_token_with_client_credentials_and_uses_it(
    transport: httpx.WSGITransport,
) -> None:
    # given a sorter registered with circulation:write
    new = api_client_add(name="Sorteerstraat", scopes=["circulation:write"])
    client = OAuth2Client(new.client_id, new.client_secret, transport=transport)
    # when it asks for a token, and uses it
    token = client.fetch_token(TOKEN_URL, grant_type="client_credentials")
    answer = client.get(f"{BASE}/api/v1/items/300000000001")
    # then the token has the client's scope and an hour to live, and the API knows it
    assert token["scope"] == "circulation:write"
    assert token["expires_in"] == 3600
    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown_barcode"


def test_a_system_cannot_ask_for_more_than_its_scopes_nor_for_me(
    transport: httpx.WSGITransport,
) -> None:
    new = api_client_add(name="Website", scopes=["catalog:read"])
    client = OAuth2Client(new.client_id, new.client_secret, transport=transport)
    with pytest.raises(Exception, match="invalid_scope"):
        client.fetch_token(TOKEN_URL, grant_type="client_credentials", scope="catalog:read me")
    assert AccessToken.objects.count() == 0


def test_a_wrong_secret_gets_no_token(transport: httpx.WSGITransport) -> None:
    new = api_client_add(name="Website", scopes=["catalog:read"])
    client = OAuth2Client(new.client_id, "not-the-secret", transport=transport)
    with pytest.raises(Exception, match="invalid_client"):
        client.fetch_token(TOKEN_URL, grant_type="client_credentials")
    assert AccessToken.objects.count() == 0


def _hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        kind = re.search(r'type="([^"]*)"', tag)
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind[1] == "hidden" and name:
            fields[name[1]] = value[1].replace("&amp;", "&") if value else ""
    return fields


def _consent(member: Member, authorize_url: str, *, allow: bool) -> Any:
    """The member's browser: the authorize address, the portal's login, the consent page."""
    browser = Client()
    path = authorize_url.removeprefix(BASE)
    to_login = browser.get(path)
    assert to_login.status_code == 302
    assert to_login["Location"].startswith("/inloggen/")
    logged_in = browser.post(
        "/inloggen/", {"username": member.card_number, "password": PASSWORD, "next": path}
    )
    assert logged_in.status_code == 302
    page = browser.get(logged_in["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    fields = _hidden_fields(html)
    if allow:
        fields["allow"] = "Authorize"
    return page, browser.post(path, fields)


@pytest.fixture
def member(db: None) -> Member:
    LoanRuleFactory.create()
    member = MemberFactory.create()
    LoanFactory.create(member=member)
    return member


def test_a_members_app_gets_a_token_through_login_and_consent_with_pkce(
    transport: httpx.WSGITransport, member: Member
) -> None:
    # given a member's app (public: no secret, PKCE)
    new = api_client_add(
        name="Bieb-app", scopes=["me", "catalog:read"], redirect_uris=[APP_REDIRECT], public=True
    )
    app = OAuth2Client(
        new.client_id,
        redirect_uri=APP_REDIRECT,
        scope="me",
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
        transport=transport,
    )
    verifier = generate_token(64)
    authorize_url, _state = app.create_authorization_url(
        f"{BASE}/oauth/authorize/", code_verifier=verifier
    )
    # when the member logs in and allows it on the consent page
    page, back = _consent(member, authorize_url, allow=True)
    # then the page asked in Dutch, and the app is sent back with a code it exchanges
    assert "Toegang geven aan “Bieb-app”?" in page.content.decode()
    assert back.status_code == 302
    assert back["Location"].startswith(APP_REDIRECT + "?code=")
    token = app.fetch_token(
        TOKEN_URL, authorization_response=back["Location"], code_verifier=verifier
    )
    assert token["scope"] == "me"
    loans = app.get(f"{BASE}/api/v1/me/loans")
    assert loans.status_code == 200
    assert [loan["id"] for loan in loans.json()["items"]] == [member.loans.get().pk]
    assert AccessToken.objects.get().user_id == member.user_id


def test_without_pkce_there_is_no_code(transport: httpx.WSGITransport, member: Member) -> None:
    new = api_client_add(name="Bieb-app", scopes=["me"], redirect_uris=[APP_REDIRECT], public=True)
    app = OAuth2Client(new.client_id, redirect_uri=APP_REDIRECT, scope="me", transport=transport)
    authorize_url, _state = app.create_authorization_url(f"{BASE}/oauth/authorize/")
    browser = Client()
    browser.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")  # type: ignore[arg-type]
    answer = browser.get(authorize_url.removeprefix(BASE))
    assert answer["Location"].startswith(
        APP_REDIRECT + "?error=invalid_request&error_description=Code+challenge+required."
    )
    assert Grant.objects.count() == 0


def test_refusing_on_the_consent_page_gives_the_app_nothing(
    transport: httpx.WSGITransport, member: Member
) -> None:
    new = api_client_add(name="Bieb-app", scopes=["me"], redirect_uris=[APP_REDIRECT], public=True)
    app = OAuth2Client(
        new.client_id,
        redirect_uri=APP_REDIRECT,
        scope="me",
        code_challenge_method="S256",
        transport=transport,
    )
    authorize_url, _state = app.create_authorization_url(
        f"{BASE}/oauth/authorize/", code_verifier=generate_token(64)
    )
    _page, back = _consent(member, authorize_url, allow=False)
    assert back.status_code == 302
    assert "error=access_denied" in back["Location"]
    assert Grant.objects.count() == 0
    assert AccessToken.objects.count() == 0
