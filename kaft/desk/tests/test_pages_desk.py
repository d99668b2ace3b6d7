"""Desk pages as their users meet them: a short second-factor code gets a message about the code."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaft.members.models import StaffRole
from tests.factories import PASSWORD
from tests.factories_security import staff_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("token", ["123", ""])
def test_a_short_or_empty_code_is_refused_with_a_plain_message(client: Client, token: str) -> None:
    client.cookies["django_language"] = "en"
    officer = staff_with_role(StaffRole.PRIVACY_OFFICER, username="privacy")
    device = TOTPDevice.objects.create(user=officer, name="Kaft", confirmed=True)
    client.post("/desk/login/", {"username": "privacy", "password": PASSWORD})

    refused = client.post("/desk/otp/", {"token": token})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Enter the 6 digits your authenticator app shows." in html
    assert "at least 6 characters" not in html
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert client.get("/desk/members/").status_code == 302
