"""Signing in to a partner service (OpenID Connect) in a real browser, in Dutch.

A partner (the national e-book service) sends the member to ``/oauth/authorize/`` with a code
request and PKCE (the URL made by Authlib, as a partner's client would); the member logs in to
MijnBibliotheek, reads on the consent page who asks and what it receives, allows it, and the
browser goes back to the partner's address with a code. The partner's side is played by the
test: Playwright answers the partner's address itself (nothing leaves this machine) and Authlib
exchanges the code. The ID token holds the pseudonym, the membership and the age band only.
Then the member ends the partner's access under "Wie kreeg mijn gegevens" and the partner's
refresh token no longer works. Refusing on the consent page sends no code."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.jose import JsonWebKey, JsonWebToken
from django.core.cache import cache
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from kaft.api.partner_clients import NewPartnerClient, partner_client_add
from kaft.catalog.models import Branch
from kaft.members.models import Member
from kaft.privacy.models import Disclosure
from kaft.privacy.models.partner_clients import PartnerSignIn
from tests.browser.conftest import CHROMIUM
from tests.factories import PASSWORD, BranchFactory, MemberFactory
from tests.factories_transparency import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISIL = "NL-UtrCB"  # the library's: its first branch's
PARTNER = "Landelijke e-bookdienst"
RETURN = "https://ebooks.example.org/terug"
# The consent page's refusal: "Weigeren" in kaft/api's catalogue, but the desk's "Afwijzen" for
# the same msgid wins (kaft.desk comes first in INSTALLED_APPS); either is what a person reads
REFUSE = re.compile(r"^(Weigeren|Afwijzen)$")
# What OpenID Connect puts in every ID token, beside the claims about the member
STANDARD = {"iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "azp", "jti", "sid"}


class PartnerSite:
    """The partner's redirect address, answered by Playwright: the addresses the browser came
    back with."""

    def __init__(self) -> None:
        self.visits: list[str] = []

    def answer(self, route: Any) -> None:
        self.visits.append(route.request.url)
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body="<!doctype html><title>E-books</title><h1>Welkom bij de e-bookdienst</h1>",
        )

    def back(self) -> dict[str, list[str]]:
        [url] = self.visits
        assert url.startswith(RETURN + "?")
        return parse_qs(urlsplit(url).query)


@pytest.fixture
def member_page(browser: Any, live_server: Any) -> Iterator[tuple[Any, PartnerSite]]:
    """A page in its own context, as the ``page`` fixture, but one other site may be visited:
    the partner's redirect address, which Playwright answers. Any other site, and anything
    against the Content-Security-Policy, fails the test."""
    assert CHROMIUM
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    site = PartnerSite()
    context.route(f"{RETURN}*", site.answer)
    own = urlsplit(live_server.url).netloc
    foreign: list[str] = []
    violations: list[str] = []

    def check(request: Any) -> None:
        url = urlsplit(request.url)
        partner = request.url.startswith(RETURN + "?")
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc != own and not partner:
            foreign.append(request.url)

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("request", check)
    page.on("console", console)
    page.set_default_timeout(10_000)
    yield page, site
    context.close()
    assert foreign == [], f"requests to other sites: {foreign}"
    assert violations == [], f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def centre() -> Branch:
    cache.clear()
    return BranchFactory.create(code="centrum", name="Centrale Bibliotheek", isil=ISIL)


@pytest.fixture
def ebooks(centre: Branch) -> NewPartnerClient:
    partner = PartnerFactory.create(name=PARTNER, categories=["membership"])
    return partner_client_add(partner=partner, redirect_uris=[RETURN])


@pytest.fixture
def member(centre: Branch) -> Member:
    return MemberFactory.create(
        home_branch=centre,
        card_number="21000000005151",
        first_name="Sanne",
        last_name="Visser",
        email="sanne@example.org",
        date_of_birth=dt.date(1985, 4, 12),
    )


def _partner_app(new: NewPartnerClient) -> OAuth2Client:
    return OAuth2Client(
        new.client_id,
        new.client_secret,
        redirect_uri=RETURN,
        scope="openid",
        code_challenge_method="S256",
    )


def _to_consent(page: Any, base: str, url: str, member: Member) -> None:
    """The partner sends the member to the library; the member logs in to MijnBibliotheek."""
    page.goto(url)
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role(
        "heading", name=f"Inloggen bij “{PARTNER}” met uw bibliotheekaccount?"
    ).wait_for()


def test_a_member_signs_in_to_a_partner_and_later_ends_its_access(
    member_page: tuple[Any, PartnerSite],
    live_server: Any,
    ebooks: NewPartnerClient,
    member: Member,
) -> None:
    page, site = member_page
    base = live_server.url
    app = _partner_app(ebooks)
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = app.create_authorization_url(
        f"{base}/oauth/authorize/", code_verifier=verifier, nonce=nonce
    )

    # The consent page names the partner and exactly what it will receive
    _to_consent(page, base, url, member)
    assert f"“{PARTNER}” krijgt van de bibliotheek precies dit, en verder niets:" in (
        page.locator("#consent").inner_text()
    )
    assert page.locator("#receives li").all_inner_texts() == [
        "Een code voor u die alleen deze dienst krijgt (niet uw pasnummer)",
        "Dat u lid bent van de bibliotheek (haar ISIL-code)",
        "Uw leeftijdsgroep: jeugd (onder 18) of volwassen",
    ]
    page.get_by_role("button", name="Toestaan").click()
    page.get_by_role("heading", name="Welkom bij de e-bookdienst").wait_for()

    # Back at the partner with a code and its own state
    back = site.back()
    assert back["state"] == [state] and len(back["code"]) == 1 and "error" not in back
    token = app.fetch_token(
        f"{base}/oauth/token/", authorization_response=site.visits[0], code_verifier=verifier
    )
    jwks = httpx.get(f"{base}/oauth/.well-known/jwks.json").json()
    claims = JsonWebToken(["RS256"]).decode(token["id_token"], JsonWebKey.import_key_set(jwks))
    claims.validate()
    assert (claims["iss"], claims["aud"], claims["nonce"]) == (
        f"{base}/oauth",
        ebooks.client_id,
        nonce,
    )
    assert set(claims) - STANDARD == {"sub", "member_of", "age_band"}
    assert (claims["member_of"], claims["age_band"]) == (ISIL, "adult")
    seen = repr(dict(claims)) + repr(token)
    for personal in ("Sanne", "Visser", "sanne@example.org", member.card_number, "1985"):
        assert personal not in seen
    assert "refresh_token" in token

    # In MijnBibliotheek, "Wie kreeg mijn gegevens" lists the partner; the member ends its access
    page.goto(f"{base}/mijn/")
    page.get_by_role("link", name="Wie bekeek mijn gegevens").click()
    page.get_by_role("link", name="Wie kreeg mijn gegevens").click()
    page.get_by_role("heading", name="Diensten waar u inlogt met uw bibliotheekaccount").wait_for()
    service = page.locator(".partner-services li.disclosure")
    assert service.count() == 1
    assert service.get_by_role("heading", name=PARTNER).count() == 1
    assert "Dat u lid bent van de bibliotheek (haar ISIL-code)" in service.inner_text()
    service.get_by_role("button", name="Toegang beëindigen").click()
    page.locator("ul.messages li.success").wait_for()
    assert page.locator("ul.messages").inner_text() == (
        f"“{PARTNER}” heeft geen toegang meer tot uw gegevens. "
        "De dienst kan het opnieuw vragen als u weer inlogt."
    )
    assert page.locator(".partner-services").count() == 0
    # the disclosure itself stays listed: it happened
    assert page.locator("ul.disclosures li.disclosure h3", has_text=PARTNER).count() == 1

    # and the partner's refresh token no longer works
    with pytest.raises(OAuthError) as refused:
        app.refresh_token(f"{base}/oauth/token/")
    assert refused.value.error == "invalid_grant"
    assert not RefreshToken.objects.filter(application=ebooks.client.application).exists()
    assert not AccessToken.objects.filter(application=ebooks.client.application).exists()


def test_refusing_on_the_consent_page_sends_no_code(
    member_page: tuple[Any, PartnerSite],
    live_server: Any,
    ebooks: NewPartnerClient,
    member: Member,
) -> None:
    page, site = member_page
    base = live_server.url
    app = _partner_app(ebooks)
    url, state = app.create_authorization_url(
        f"{base}/oauth/authorize/", code_verifier=generate_token(48), nonce=generate_token(20)
    )
    _to_consent(page, base, url, member)
    page.get_by_role("button", name=REFUSE).click()
    page.get_by_role("heading", name="Welkom bij de e-bookdienst").wait_for()

    back = site.back()
    assert back["error"] == ["access_denied"] and back["state"] == [state]
    assert "code" not in back
    assert not Grant.objects.exists() and not AccessToken.objects.exists()
    assert not PartnerSignIn.objects.exists() and not Disclosure.objects.exists()
