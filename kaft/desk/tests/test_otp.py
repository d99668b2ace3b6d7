"""The second factor at the desk: privacy officers and administrators pass TOTP after the password."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaft.members.models import StaffRole
from tests.factories import PASSWORD
from tests.factories_desk import staff_login
from tests.factories_security import staff_with_role, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client: Client) -> None:
    # Asserted in English: the Dutch texts come with the next translation update.
    client.cookies["django_language"] = "en"


# The steps before the second factor, which must stay reachable.
BEFORE_SECOND_FACTOR = {"desk:login", "desk:logout", "desk:otp"}
# Screens of another role (finance): refused outright (403), before any second factor.
OTHER_ROLES_ONLY = {
    "desk:sepa",
    "desk:sepa_announce",
    "desk:sepa_run",
    "desk:sepa_run_download",
    "desk:sepa_returns",
}


def desk_urls() -> list[tuple[str, str]]:
    """(name, path) of every desk URL pattern, ids filled with 1."""
    found: list[tuple[str, str]] = []

    def walk(patterns: Any, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and namespace == "desk" and entry.name:
                name = f"desk:{entry.name}"
                kwargs = {arg: 1 for arg in getattr(entry.pattern, "converters", {})}
                found.append((name, reverse(name, kwargs=kwargs)))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


CASH_REPORT = {"desk:cash_report", "desk:cash_report_csv", "desk:cash_report_pdf"}
# Administrators only: the kiosk accounts and the library's settings.
KIOSK_ACCOUNTS = {"desk:kiosks", "desk:kiosk_new", "desk:kiosk_edit", "desk:kiosk_deactivate"}
KIOSK_ACCOUNTS |= {
    "desk:interlibrary_partners",
    "desk:interlibrary_partner_new",
    "desk:interlibrary_partner_edit",
}
KIOSK_ACCOUNTS |= {
    "desk:settings_rules",
    "desk:settings_rule_delete",
    "desk:settings_closed_days",
    "desk:settings_closed_day_remove",
    "desk:settings_changes",
    "desk:settings_opening_days",
    "desk:settings_categories",
    "desk:settings_category",
    "desk:settings_category_delete",
    "desk:settings_messages",
    "desk:settings_message",
    "desk:settings_message_remove",
    "desk:settings_library",
}
KIOSK_ACCOUNTS |= {"desk:interests", "desk:interests_seed", "desk:interest_active"}
KIOSK_ACCOUNTS |= {  # newsletter issues: administrators only
    "desk:newsletter_issues",
    "desk:newsletter_issue_new",
    "desk:newsletter_issue",
    "desk:newsletter_issue_image",
    "desk:newsletter_issue_image_remove",
    "desk:newsletter_issue_test",
    "desk:newsletter_issue_send",
    "desk:newsletter_issue_cancel",
}


def _log_in_with_password(client: Client, username: str) -> None:
    response = client.post(reverse("desk:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


@pytest.mark.parametrize("role", [StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR])
def test_officer_without_second_factor_is_sent_to_it_from_every_desk_page(
    client: Client, role: str
) -> None:
    officer = staff_with_role(role)
    client.force_login(officer)  # password only
    checked = 0

    for name, path in desk_urls():
        if name in BEFORE_SECOND_FACTOR:
            continue
        if name in CASH_REPORT | KIOSK_ACCOUNTS and role == StaffRole.PRIVACY_OFFICER:
            # not for this role at all (finance and administrators): refused before any step
            assert client.get(path).status_code == 403, name
            continue
        response = client.get(path)
        if response.status_code == 405:
            response = client.post(path)
        if name in OTHER_ROLES_ONLY:
            assert response.status_code == 403, name
            continue
        assert response.status_code == 302, (name, response.status_code)
        assert response["Location"] == f"/desk/otp/?next={quote(path)}", name
        checked += 1

    assert checked >= 10
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()


def test_enrolment_shows_secret_and_inline_qr_then_a_right_code_confirms(client: Client) -> None:
    officer = staff_with_role(StaffRole.PRIVACY_OFFICER, username="fg")
    _log_in_with_password(client, "fg")

    page = client.get("/desk/otp/?next=/desk/members/")

    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed is False
    secret = page.context["secret"]
    assert secret in html
    assert "<svg" in html and "http" not in page.context["qr_svg"].replace("http://www.w3.org", "")
    assert "Set up your authenticator app" in html

    wrong = client.post("/desk/otp/", {"token": "000000", "next": "/desk/members/"})
    assert wrong.status_code == 400
    assert "This code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert DEVICE_ID_SESSION_KEY not in client.session

    device.throttle_reset()  # the wrong code above made the next try wait a second
    right = client.post("/desk/otp/", {"token": totp_code(device), "next": "/desk/members/"})
    assert right.status_code == 302
    assert right["Location"] == "/desk/members/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/desk/members/").status_code == 200


def test_every_login_asks_the_code_and_refuses_a_wrong_one(client: Client) -> None:
    officer = staff_with_role(StaffRole.ADMINISTRATOR, username="beheer")
    device = TOTPDevice.objects.create(user=officer, name="Kaft", confirmed=True)
    _log_in_with_password(client, "beheer")

    assert client.get("/desk/members/")["Location"] == "/desk/otp/?next=/desk/members/"
    page = client.get("/desk/otp/")
    assert page.context["enrolling"] is False
    assert "secret" not in page.context  # the key is shown at enrolment only

    wrong = client.post("/desk/otp/", {"token": "123456"})
    assert wrong.status_code == 400
    assert "This code is not right" in wrong.content.decode()
    assert client.get("/desk/members/").status_code == 302

    # Throttled: right after a wrong code even the right one must wait.
    throttled = client.post("/desk/otp/", {"token": totp_code(device)})
    assert throttled.status_code == 400
    assert "Too many wrong codes" in throttled.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    device.throttle_reset()
    right = client.post("/desk/otp/", {"token": totp_code(device)})
    assert right.status_code == 302
    assert right["Location"] == "/desk/"
    assert client.get("/desk/members/").status_code == 200


def test_failed_codes_make_the_wait_grow(client: Client) -> None:
    officer = staff_with_role(StaffRole.PRIVACY_OFFICER)
    device = TOTPDevice.objects.create(user=officer, name="Kaft", confirmed=True)
    client.force_login(officer)
    for _ in range(3):
        device.throttling_failure_timestamp = None  # as if the wait had passed
        device.save()
        client.post("/desk/otp/", {"token": "000000"})
        device.refresh_from_db()

    assert device.throttling_failure_count == 3
    allowed, info = device.verify_is_allowed()
    assert allowed is False
    assert info is not None and info["failure_count"] == 3


def test_desk_staff_are_not_asked_for_a_code(client: Client) -> None:
    staff_with_role(StaffRole.DESK, username="balie")
    _log_in_with_password(client, "balie")

    assert client.get("/desk/members/").status_code == 200


def test_staff_login_helper_passes_the_second_factor(client: Client) -> None:
    officer = staff_with_role(StaffRole.PRIVACY_OFFICER)
    staff_login(client, officer)

    assert client.get("/desk/members/").status_code == 200
    assert client.get(reverse("desk:privacy_dashboard")).status_code == 200


def test_second_factor_page_needs_a_login(client: Client) -> None:
    response = client.get("/desk/otp/")
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/")


def test_admin_asks_the_second_factor_too(client: Client) -> None:
    officer = staff_with_role(StaffRole.ADMINISTRATOR, is_superuser=True)
    client.force_login(officer)
    assert client.get("/admin/").status_code == 302

    staff_login(client, officer)
    assert client.get("/admin/").status_code == 200


def test_second_factor_form_has_a_label(client: Client) -> None:
    staff_login(client, staff_with_role(StaffRole.DESK))
    html = client.get("/desk/otp/").content.decode()
    assert re.search(r'<label for="id_token">', html)
