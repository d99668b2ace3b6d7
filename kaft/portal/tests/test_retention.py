"""The public page "Bewaartermijnen": every rule in plain words with the library's period."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaft.members.models import StaffRole
from kaft.privacy.registry import RULES
from kaft.privacy.services.retention import retention_setting_change
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_anyone_can_read_every_rule_with_the_librarys_current_period(client: Client) -> None:
    officer = StaffFactory.create(profile__role=StaffRole.PRIVACY_OFFICER)
    retention_setting_change(rule="loan_history", days=14, staff=officer)

    response = client.get("/bewaartermijnen/")

    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("portal:retention") == "/bewaartermijnen/"
    for key in RULES:
        assert f'id="rule-{key}"' in page
    loans = page.split('id="rule-loan_history"')[1].split("</dd>")[0]
    assert "14" in loans
    messages = page.split('id="rule-messages"')[1].split("</dd>")[0]
    assert "90" in messages


def test_mijnbibliotheek_links_to_it(member_client: Client) -> None:
    page = member_client.get(reverse("portal:profile")).content.decode()
    assert 'href="/bewaartermijnen/"' in page
