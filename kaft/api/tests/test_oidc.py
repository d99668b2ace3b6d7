"""Signing in to partner services (OpenID Connect) with an independent client: Authlib over real
HTTP against the running server (pytest-django's live server), authorization code with PKCE
through the member's session and the Dutch consent page; the ID token's RS256 signature checked
against the server's JWKS."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from authlib.jose import JsonWebKey, JsonWebToken
from django.conf import settings
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from kaft.api.partner_clients import NewPartnerClient, partner_client_add
from kaft.members.models import Member
from kaft.privacy.models import DataCategory, Disclosure, Partner
from kaft.privacy.models.partner_clients import PartnerSignIn
from kaft.privacy.services.erasure import member_erase
from tests.factories import MemberFactory
from tests.factories_transparency import PartnerFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

EBOOKS = "https://ebooks.example.org/terug"
FILMS = "https://films.example.org/terug"
ARCHIVE = "https://krantenarchief.example.org/terug"
PERSONAL = ("name", "given_name", "family_name", "email", "card_number", "birthdate")


@dataclass
class SignedIn:
    token: dict[str, Any]
    claims: dict[str, Any]
    consent_page: str  # "" when no consent page was shown (an earlier consent still counts)
    app: OAuth2Client


def _hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        kind = re.search(r'type="([^"]*)"', tag)
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind[1] == "hidden" and name:
            fields[name[1]] = value[1].replace("&amp;", "&") if value else ""
    return fields


def _browser(base: str, member: Member) -> httpx.Client:
    """The member's browser, logged in to MijnBibliotheek (a session made by Django's client)."""
    django_client = Client()
    django_client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")  # type: ignore[arg-type]
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    return httpx.Client(base_url=base, cookies={settings.SESSION_COOKIE_NAME: cookie})


def _verified(base: str, id_token: str, client_id: str, nonce: str) -> dict[str, Any]:
    jwks = httpx.get(f"{base}/oauth/.well-known/jwks.json").json()
    claims = JsonWebToken(["RS256"]).decode(id_token, JsonWebKey.import_key_set(jwks))
    claims.validate()
    assert claims["iss"] == f"{base}/oauth"
    assert claims["aud"] == client_id
    assert claims["nonce"] == nonce
    return dict(claims)


def sign_in(base: str, member: Member, new: NewPartnerClient, scope: str = "openid") -> SignedIn:
    redirect = new.client.application.redirect_uris.split()[0]
    app = OAuth2Client(
        new.client_id,
        new.client_secret,
        redirect_uri=redirect,
        scope=scope,
        code_challenge_method="S256",
    )
    verifier, nonce = generate_token(64), generate_token(20)
    url, _state = app.create_authorization_url(
        f"{base}/oauth/authorize/", code_verifier=verifier, nonce=nonce
    )
    browser = _browser(base, member)
    answer = browser.get(url.removeprefix(base))
    page = ""
    if answer.status_code == 200:
        page = answer.text
        fields = {**_hidden_fields(page), "allow": "Authorize"}
        answer = browser.post(url.removeprefix(base), data=fields)
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["Location"]
    assert location.startswith(redirect + "?code="), location
    token = app.fetch_token(
        f"{base}/oauth/token/", authorization_response=location, code_verifier=verifier
    )
    return SignedIn(token, _verified(base, token["id_token"], new.client_id, nonce), page, app)


def _partner(name: str, *categories: DataCategory) -> Partner:
    return PartnerFactory.create(
        name=name, categories=[c.value for c in categories or (DataCategory.MEMBERSHIP,)]
    )


@pytest.fixture
def member(transactional_db: None) -> Member:
    return MemberFactory.create(
        first_name="Sanne", email="sanne@example.org", date_of_birth=dt.date(1985, 4, 12)
    )


@pytest.fixture
def ebooks(transactional_db: None) -> NewPartnerClient:
    return partner_client_add(partner=_partner("Landelijke e-bookdienst"), redirect_uris=[EBOOKS])


@pytest.fixture
def films(transactional_db: None) -> NewPartnerClient:
    return partner_client_add(partner=_partner("Filmdienst"), redirect_uris=[FILMS])


def test_discovery_and_jwks_announce_pairwise_subjects_and_rs256(live_server: Any) -> None:
    base = live_server.url
    config = httpx.get(f"{base}/oauth/.well-known/openid-configuration").json()
    assert config["issuer"] == f"{base}/oauth"
    assert config["subject_types_supported"] == ["pairwise"]
    assert "RS256" in config["id_token_signing_alg_values_supported"]
    assert config["jwks_uri"] == f"{base}/oauth/.well-known/jwks.json"
    assert config["userinfo_endpoint"] == f"{base}/oauth/userinfo/"
    keys = httpx.get(config["jwks_uri"]).json()["keys"]
    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]
    assert "d" not in keys[0]  # the public half only


def test_a_partner_learns_a_pseudonym_membership_and_age_band_only(
    live_server: Any, member: Member, ebooks: NewPartnerClient
) -> None:
    # when the member signs in to the e-book service
    done = sign_in(live_server.url, member, ebooks)
    # then the consent page (Dutch) listed exactly what the partner gets, and the signed ID token
    # carries exactly that: a pseudonym, the library's ISIL and an age band
    assert "Inloggen bij “Landelijke e-bookdienst”" in done.consent_page
    listed = re.findall(
        r"<li>([^<]*)</li>", done.consent_page.split('id="receives"')[1].split("</ul>")[0]
    )
    assert listed == [
        "Een code voor u die alleen deze dienst krijgt (niet uw pasnummer)",
        "Dat u lid bent van de bibliotheek (haar ISIL-code)",
        "Uw leeftijdsgroep: jeugd (onder 18) of volwassen",
    ]
    assert done.claims["member_of"] == member.home_branch.isil
    assert done.claims["age_band"] == "adult"
    assert not set(PERSONAL) & set(done.claims)
    assert str(member.pk) != done.claims["sub"] and len(done.claims["sub"]) == 52
    text = repr(done.claims) + repr(done.token)
    for secret in ("Sanne", member.last_name, "sanne@example.org", member.card_number, "1985"):
        assert secret not in text
    # and userinfo says the same
    info = done.app.get(f"{live_server.url}/oauth/userinfo/").json()
    assert info == {k: done.claims[k] for k in ("sub", "member_of", "age_band")}
    # and the first sign-in is a disclosure of membership data to the partner
    disclosure = Disclosure.objects.get(member=member)
    assert (disclosure.recipient, disclosure.categories) == (
        "Landelijke e-bookdienst",
        ["membership"],
    )


def test_two_partners_get_different_pseudonyms_and_one_partner_the_same_each_time(
    live_server: Any, member: Member, ebooks: NewPartnerClient, films: NewPartnerClient
) -> None:
    first = sign_in(live_server.url, member, ebooks)
    other = sign_in(live_server.url, member, films)
    again = sign_in(live_server.url, member, ebooks)
    assert first.claims["sub"] != other.claims["sub"]
    assert again.claims["sub"] == first.claims["sub"]
    assert again.consent_page == ""  # the earlier consent still counts
    # one disclosure per partner: signing in again with the same data records none
    assert sorted(Disclosure.objects.values_list("recipient", flat=True)) == [
        "Filmdienst",
        "Landelijke e-bookdienst",
    ]
    # and another member gets another pseudonym from the same partner
    someone = MemberFactory.create()
    assert sign_in(live_server.url, someone, ebooks).claims["sub"] != first.claims["sub"]


def test_personal_claims_need_registration_and_the_members_agreement(
    live_server: Any, member: Member, ebooks: NewPartnerClient
) -> None:
    archive = partner_client_add(
        partner=_partner(
            "Krantenarchief", DataCategory.MEMBERSHIP, DataCategory.CONTACT, DataCategory.IDENTITY
        ),
        redirect_uris=[ARCHIVE],
        claims=["email", "name"],
    )
    base = live_server.url
    # a partner not registered for the e-mail address cannot even ask for it
    app = OAuth2Client(
        ebooks.client_id,
        ebooks.client_secret,
        redirect_uri=EBOOKS,
        scope="openid email",
        code_challenge_method="S256",
    )
    url, _ = app.create_authorization_url(
        f"{base}/oauth/authorize/", code_verifier=generate_token(64)
    )
    refused = _browser(base, member).get(url.removeprefix(base))
    assert refused.status_code == 302 and "error=invalid_scope" in refused.headers["Location"]
    assert Grant.objects.count() == 0
    # a registered one gets it once the member agreed to the page that listed it
    done = sign_in(base, member, archive, scope="openid email profile")
    assert "Uw e-mailadres" in done.consent_page and "Uw naam" in done.consent_page
    assert "Uw pasnummer" not in done.consent_page
    assert (done.claims["email"], done.claims["name"]) == ("sanne@example.org", member.full_name)
    assert "card_number" not in done.claims and "birthdate" not in done.claims
    first = Disclosure.objects.get(member=member)
    assert first.categories == ["identity", "contact", "membership"]
    # asking for less later is a change in what it receives: one more disclosure, once
    AccessToken.objects.all().delete()  # so the consent page is shown again
    less = sign_in(base, member, archive, scope="openid")
    assert "email" not in less.claims
    sign_in(base, member, archive, scope="openid")
    assert Disclosure.objects.filter(member=member).count() == 2
    assert PartnerSignIn.objects.get(member=member).claims == ["member_of", "age_band"]


def test_ending_a_partners_access_revokes_its_tokens_and_its_refresh_fails(
    live_server: Any, member: Member, ebooks: NewPartnerClient, films: NewPartnerClient
) -> None:
    done = sign_in(live_server.url, member, ebooks)
    sign_in(live_server.url, member, films)
    # a refresh works while access lasts
    refreshed = done.app.refresh_token(f"{live_server.url}/oauth/token/")
    assert "id_token" in refreshed
    # when the member ends the e-book service's access in MijnBibliotheek
    portal = Client()
    portal.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")  # type: ignore[arg-type]
    page = portal.get("/mijn/verstrekkingen/")
    assert "Landelijke e-bookdienst" in page.content.decode()
    sign_in_id = PartnerSignIn.objects.get(member=member, client=ebooks.client).pk
    ended = portal.post("/mijn/verstrekkingen/diensten/beeindigen/", {"dienst": sign_in_id})
    assert ended.status_code == 302
    # then its tokens are gone, its refresh and userinfo fail; the film service keeps its own
    application = ebooks.client.application
    assert not AccessToken.objects.filter(application=application).exists()
    assert not RefreshToken.objects.filter(application=application).exists()
    with pytest.raises(Exception, match="invalid_grant"):
        done.app.refresh_token(f"{live_server.url}/oauth/token/")
    assert done.app.get(f"{live_server.url}/oauth/userinfo/").status_code in (401, 403)
    assert AccessToken.objects.filter(application=films.client.application).exists()
    # and the disclosures stay: they happened
    assert Disclosure.objects.filter(member=member).count() == 2


def test_a_member_whose_membership_ended_gets_no_refresh(
    live_server: Any, member: Member, ebooks: NewPartnerClient
) -> None:
    done = sign_in(live_server.url, member, ebooks)
    Member.objects.filter(pk=member.pk).update(
        membership_end=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(Exception, match="invalid_grant"):
        done.app.refresh_token(f"{live_server.url}/oauth/token/")
    assert done.app.get(f"{live_server.url}/oauth/userinfo/").status_code in (401, 403)


def test_an_erased_member_gets_no_refresh_and_the_pseudonym_leads_nowhere(
    live_server: Any, member: Member, ebooks: NewPartnerClient
) -> None:
    done = sign_in(live_server.url, member, ebooks)
    member_erase(member=member)
    with pytest.raises(Exception, match="invalid_grant"):
        done.app.refresh_token(f"{live_server.url}/oauth/token/")
    assert not PartnerSignIn.objects.exists()
    assert not AccessToken.objects.exists()


def test_a_partner_the_register_narrowed_or_stopped_gets_no_more_than_it_says(
    live_server: Any, member: Member
) -> None:
    """The register decides, also after the sign-in: fewer categories narrow userinfo and the
    next ID token (recorded as a change); an inactive partner gets no refresh and no userinfo."""
    partner = _partner(
        "Krantenarchief", DataCategory.MEMBERSHIP, DataCategory.CONTACT, DataCategory.IDENTITY
    )
    archive = partner_client_add(partner=partner, redirect_uris=[ARCHIVE], claims=["email", "name"])
    base = live_server.url
    done = sign_in(base, member, archive, scope="openid email profile")
    assert "email" in done.claims and "name" in done.claims
    disclosures = Disclosure.objects.filter(member=member).count()

    Partner.objects.filter(pk=partner.pk).update(categories=[DataCategory.MEMBERSHIP.value])
    info = done.app.get(f"{base}/oauth/userinfo/").json()
    assert "email" not in info and "name" not in info and info["sub"] == done.claims["sub"]
    refreshed = done.app.refresh_token(f"{base}/oauth/token/")
    jwks = JsonWebKey.import_key_set(httpx.get(f"{base}/oauth/.well-known/jwks.json").json())
    claims = JsonWebToken(["RS256"]).decode(refreshed["id_token"], jwks)
    assert "email" not in claims and "name" not in claims and claims["sub"] == done.claims["sub"]
    assert Disclosure.objects.filter(member=member).count() == disclosures + 1

    Partner.objects.filter(pk=partner.pk).update(active=False)
    assert done.app.get(f"{base}/oauth/userinfo/").status_code in (401, 403)
    with pytest.raises(Exception, match="invalid_grant"):
        done.app.refresh_token(f"{base}/oauth/token/")
