"""Under the Content-Security-Policy the admin still works in a real browser (the page fixture
fails on any violation Chromium reports), and refuses a malformed barcode."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaft.members.models import StaffRole
from tests.factories import PASSWORD, BranchFactory
from tests.factories_desk import make_item
from tests.factories_security import staff_with_role, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_logs_in_and_edits_under_the_policy(page: Any, live_server: Any) -> None:
    branch = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    administrator = staff_with_role(
        StaffRole.ADMINISTRATOR, branch=branch, is_superuser=True, username="beheer"
    )
    device = TOTPDevice.objects.create(user=administrator, name="app", confirmed=True)
    item = make_item(branch, "30000000000001", "De avonden")
    base = live_server.url

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "beheer")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").first.click()
    # django-otp's admin login then asks which device, and the password again
    page.select_option("#id_otp_device", device.persistent_id)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", totp_code(device))
    page.locator("input[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/catalog/item/")
    page.goto(f"{base}/admin/catalog/item/{item.pk}/change/")
    page.fill("#id_barcode", "3000<b>")
    page.click("input[name=_continue]")

    assert page.locator(".errorlist").first.inner_text().startswith("Dit is geen geldige barcode")
    item.refresh_from_db()
    assert item.barcode == "30000000000001"
