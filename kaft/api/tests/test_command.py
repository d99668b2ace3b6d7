"""``kaft api-client add``: a client registered, its secret shown once and kept only hashed."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from oauth2_provider.models import Application

from kaft.api.models import ApiClient
from tests.factories_transparency import PartnerFactory

pytestmark = pytest.mark.django_db


def test_adding_a_system_prints_its_id_and_secret_once() -> None:
    partner = PartnerFactory.create(name="Online Bibliotheek")
    out = io.StringIO()
    call_command(
        "api-client",
        "add",
        "OB-koppeling",
        "--scopes",
        "members:read",
        "catalog:read",
        "--partner",
        "Online Bibliotheek",
        stdout=out,
    )
    lines = dict(line.split(":", 1) for line in out.getvalue().splitlines()[:2])
    client_id, secret = lines["client_id"].strip(), lines["client_secret"].strip()
    app = Application.objects.get()
    client = ApiClient.objects.get()
    assert app.client_id == client_id
    assert app.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    assert app.client_secret != secret
    assert check_password(secret, app.client_secret)
    assert (client.scopes, client.partner) == (["catalog:read", "members:read"], partner)


def test_me_without_a_redirect_address_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(CommandError, match="redirect URI"):
        call_command("api-client", "add", "App", "--scopes", "me", stdout=io.StringIO())
    assert (Application.objects.count(), ApiClient.objects.count()) == (0, 0)
