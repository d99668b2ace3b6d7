"""The discovery document at the host root, for partner clients that look for it there: the same
document as under the issuer ``<site>/oauth``, naming that issuer, public and cacheable."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ISSUER_PLACE = "/oauth/.well-known/openid-configuration"
ROOT = "/.well-known/openid-configuration"
RFC8414 = "/.well-known/oauth-authorization-server/oauth"  # RFC 8414 section 3.1


def _cache_directives(response: object) -> set[str]:
    header = response["Cache-Control"]  # type: ignore[index]
    return {part.strip() for part in header.split(",")}


@pytest.mark.parametrize("path", [ROOT, RFC8414])
def test_the_root_serves_the_issuers_document_with_the_same_issuer(path: str) -> None:
    client = Client()
    at_the_issuer = client.get(ISSUER_PLACE)

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document == json.loads(at_the_issuer.content)
    assert document["issuer"] == "http://testserver/oauth"
    assert document["authorization_endpoint"] == "http://testserver/oauth/authorize/"
    assert document["jwks_uri"] == "http://testserver/oauth/.well-known/jwks.json"


@pytest.mark.parametrize("path", [ROOT, RFC8414, ISSUER_PLACE])
def test_the_document_is_public_sets_no_cookie_and_may_be_cached(path: str) -> None:
    response = Client().get(path, HTTP_ORIGIN="https://ebooks.example.org")

    assert response.status_code == 200
    assert response.cookies == {}  # type: ignore[comparison-overlap]
    assert {"public", "max-age=3600"} <= _cache_directives(response)
    assert "no-store" not in _cache_directives(response)
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_signed_in_member_gets_the_same_issuer_and_nothing_stored() -> None:
    client = Client()
    client.force_login(MemberFactory.create().user)

    response = client.get(ROOT)

    assert response.status_code == 200
    assert json.loads(response.content)["issuer"] == "http://testserver/oauth"
    assert "no-store" in _cache_directives(response)


@pytest.mark.parametrize("path", [ROOT, RFC8414])
def test_only_reading_is_allowed(path: str) -> None:
    client = Client()  # no CSRF check: what the view itself allows

    assert client.head(path).status_code == 200
    assert client.post(path, {"issuer": "https://evil.example"}).status_code == 405
    assert client.put(path).status_code == 405


def test_no_other_name_under_the_root_metadata_address() -> None:
    # RFC 8414 metadata of another issuer path is not ours to give
    assert Client().get("/.well-known/oauth-authorization-server/api").status_code == 404
    assert Client().get("/.well-known/oauth-authorization-server").status_code == 404


def test_the_document_announces_what_kaft_does_and_no_more() -> None:
    document = json.loads(Client().get(ISSUER_PLACE).content)
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["subject_types_supported"] == ["pairwise"]
    assert "none" in document["token_endpoint_auth_methods_supported"]  # public PKCE clients
    assert "client_secret_basic" in document["token_endpoint_auth_methods_supported"]
