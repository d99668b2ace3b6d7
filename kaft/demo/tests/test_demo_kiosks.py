"""The demo's kiosks: an account per branch, PIN 1234 for the demo members, an administrator for
the kiosk screens, and the kiosk login in the banner with where the SIP2 server listens."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from kaft.demo.kiosks import ADMINISTRATOR, KIOSK_PASSWORD, kiosks_ensure
from kaft.demo.load import DEMO_CARD, demo_load
from kaft.members.models import Member, StaffProfile
from kaft.members.services.kiosk_pin import member_kiosk_pin_verify
from kaft.sip2.accounts import kiosk_account_authenticate
from kaft.sip2.models import KioskAccount

pytestmark = pytest.mark.django_db


def test_each_branch_has_a_kiosk_and_the_demo_member_has_pin_1234() -> None:
    demo_load()
    kiosks = list(
        KioskAccount.objects.order_by("login").values_list("login", "branch__isil", "name")
    )
    assert kiosks == [
        ("kiosk-centrale", "NL-KaftC", "Zelfbediening Centrale Bibliotheek"),
        ("kiosk-noord", "NL-KaftN", "Zelfbediening Vestiging Noord"),
        ("kiosk-zuid", "NL-KaftZ", "Zelfbediening Vestiging Zuid"),
    ]
    assert kiosk_account_authenticate(login="kiosk-centrale", password=KIOSK_PASSWORD) is not None
    member_kiosk_pin_verify(member=Member.objects.get(card_number=DEMO_CARD), pin="1234")
    profile = StaffProfile.objects.get(user__username=ADMINISTRATOR.username)
    assert profile.role == "administrator"


def test_a_demo_from_before_the_kiosks_gets_them_once() -> None:
    # given a demo loaded before the kiosks existed
    demo_load()
    KioskAccount.objects.all().delete()
    Member.objects.update(kiosk_pin="")
    # when it is loaded again, twice
    assert demo_load().loaded is False
    assert KioskAccount.objects.count() == 3
    assert Member.objects.exclude(kiosk_pin="").count() == 4
    # then the second time nothing is written
    assert kiosks_ensure() is False


def test_the_banner_gives_the_kiosk_login_and_the_sip2_address() -> None:
    out = StringIO()
    call_command(
        "demo",
        "--banner",
        "--url",
        "http://127.0.0.1:8000/",
        "--sip2",
        "127.0.0.1:6001",
        stdout=out,
    )
    text = out.getvalue()
    assert "kiosk-centrale / kiosk-demo-2026 at 127.0.0.1:6001" in text
    assert f"card {DEMO_CARD} / " in text and "(kiosk PIN 1234)" in text
    assert "beheer / beheer-demo-2026" in text
