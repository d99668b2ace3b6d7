"""Partner sign-ins (OpenID Connect) at the service level: the pairwise pseudonym, what a partner
receives, one disclosure per change, and refusals that write nothing. The whole flow over HTTP
with an independent client is in kaft/api/tests/test_oidc.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from oauth2_provider.models import Application

from kaft.members.models import Member
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import DataCategory, Disclosure, LegalBasis, PartnerClient, PartnerSignIn
from kaft.privacy.services.partner_sign_in import (
    claim_values,
    claims_offered,
    pairwise_subject,
    partner_access_end,
    partner_sign_in_record,
)
from tests.factories import MemberFactory
from tests.factories_transparency import PartnerFactory

pytestmark = pytest.mark.django_db


def _client(name: str, *categories: DataCategory, claims: list[str] | None = None) -> PartnerClient:
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"https://{name}.example.org/terug",
    )
    partner = PartnerFactory.create(
        name=name,
        legal_basis=LegalBasis.CONSENT,
        categories=[c.value for c in categories or (DataCategory.MEMBERSHIP,)],
    )
    return PartnerClient.objects.create(
        application=application,
        partner=partner,
        sector_identifier=f"{name}.example.org",
        claims=claims or [],
    )


def test_the_pseudonym_is_stable_per_sector_different_between_sectors_and_keyed() -> None:
    one = pairwise_subject(sector_identifier="ebooks.example.org", member_id=42)
    assert one == pairwise_subject(sector_identifier="ebooks.example.org", member_id=42)
    assert one != pairwise_subject(sector_identifier="films.example.org", member_id=42)
    assert one != pairwise_subject(sector_identifier="ebooks.example.org", member_id=43)
    assert len(one) == 52 and one.isalnum() and one != "42"
    with override_settings(KAFT_OIDC_PAIRWISE_SECRET="another secret"):
        assert one != pairwise_subject(sector_identifier="ebooks.example.org", member_id=42)


def test_by_default_a_partner_receives_a_pseudonym_membership_and_age_band_only() -> None:
    member = MemberFactory.create(date_of_birth=dt.date(2012, 5, 1))
    client = _client("ebooks", claims=["email", "name"])
    claims = claims_offered(client=client, scopes=["openid"], member=member)
    assert claims == ["member_of", "age_band"]
    values = claim_values(member=member, client=client, claims=claims)
    assert set(values) == {"sub", "member_of", "age_band"}
    assert values["age_band"] == "youth"
    # a child under 16 is never offered the optional claims, even when the partner asks
    assert claims_offered(client=client, scopes=["openid", "email"], member=member) == claims


def test_a_disclosure_is_written_once_per_change_of_what_the_partner_receives() -> None:
    member = MemberFactory.create()
    client = _client("archief", DataCategory.MEMBERSHIP, DataCategory.CONTACT, claims=["email"])
    partner_sign_in_record(member=member, client=client, claims=["member_of", "age_band"])
    partner_sign_in_record(member=member, client=client, claims=["age_band", "member_of"])
    assert Disclosure.objects.filter(member=member).count() == 1
    partner_sign_in_record(member=member, client=client, claims=["member_of", "age_band", "email"])
    partner_sign_in_record(member=member, client=client, claims=["member_of", "age_band", "email"])
    assert list(
        Disclosure.objects.filter(member=member).order_by("pk").values_list("categories", flat=True)
    ) == [
        ["membership"],
        ["contact", "membership"],
    ]


def test_no_sign_in_without_a_valid_membership_or_beyond_the_register_and_nothing_is_written() -> (
    None
):
    ended = MemberFactory.create(membership_end=timezone.localdate() - dt.timedelta(days=1))
    member = MemberFactory.create()
    client = _client("films")
    with pytest.raises(PrivacyError) as refused:
        partner_sign_in_record(member=ended, client=client, claims=["member_of"])
    assert refused.value.code == PrivacyErrorCode.PARTNER_SIGN_IN_NO_MEMBERSHIP
    with pytest.raises(PrivacyError) as beyond:  # the register gives it no contact details
        partner_sign_in_record(member=member, client=client, claims=["member_of", "email"])
    assert beyond.value.code == PrivacyErrorCode.DISCLOSURE_NOT_AGREED
    assert not PartnerSignIn.objects.exists()
    assert not Disclosure.objects.exists()


def test_ending_access_of_another_members_sign_in_is_refused_and_changes_nothing() -> None:
    owner, other = MemberFactory.create(), MemberFactory.create()
    client = _client("krant")
    sign_in = partner_sign_in_record(member=owner, client=client, claims=["member_of"])
    with pytest.raises(PrivacyError) as refused:
        partner_access_end(member=other, sign_in_id=sign_in.pk)
    assert refused.value.code == PrivacyErrorCode.PARTNER_SIGN_IN_UNKNOWN
    assert PartnerSignIn.objects.filter(pk=sign_in.pk).exists()
    assert partner_access_end(member=owner, sign_in_id=sign_in.pk) == "krant"
    assert not PartnerSignIn.objects.exists()
    assert Member.objects.filter(pk=owner.pk).exists()


def test_kaft_partner_client_add_registers_an_rs256_client_of_the_partner() -> None:
    import io

    from django.core.management import CommandError, call_command

    partner = PartnerFactory.create(name="Filmdienst")
    out = io.StringIO()
    call_command(
        "partner-client",
        "add",
        "Filmdienst",
        "--redirect-uri",
        "https://films.example.org/terug",
        "--claim",
        "email",
        stdout=out,
    )
    client = PartnerClient.objects.select_related("application").get()
    assert f"client_id:     {client.application.client_id}" in out.getvalue()
    assert (client.partner, client.sector_identifier, client.claims) == (
        partner,
        "films.example.org",
        ["email"],
    )
    assert client.application.algorithm == Application.RS256_ALGORITHM
    with pytest.raises(CommandError, match="no partner organisation"):
        call_command("partner-client", "add", "Onbekend", "--redirect-uri", "https://x.org/t")
    assert PartnerClient.objects.count() == 1


def test_two_organisations_never_share_a_sector_so_never_a_pseudonym() -> None:
    """Two partners hosted at one platform address would get the same pseudonym for a member;
    the second is refused until it has a sector identifier of its own (nothing written)."""
    from django.core.exceptions import ValidationError

    from kaft.api.partner_clients import partner_client_add

    town = PartnerFactory.create(name="Gemeente A")
    museum = PartnerFactory.create(name="Museum B")
    partner_client_add(partner=town, redirect_uris=["https://saas.example.net/gemeente-a/terug"])
    # the same organisation may have a second client in its own sector
    partner_client_add(partner=town, redirect_uris=["https://saas.example.net/gemeente-a/app"])
    with pytest.raises(ValidationError, match="another partner"):
        partner_client_add(partner=museum, redirect_uris=["https://saas.example.net/museum-b/t"])
    assert PartnerClient.objects.filter(partner=museum).count() == 0
    assert Application.objects.count() == 2
    own = partner_client_add(
        partner=museum,
        redirect_uris=["https://saas.example.net/museum-b/t"],
        sector_identifier="museum-b.example.net",
    )
    assert own.client.sector_identifier == "museum-b.example.net"
