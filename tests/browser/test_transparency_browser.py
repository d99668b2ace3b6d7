"""A member of staff looks at a member at the desk; the member then sees that look, with its
purpose and the staff member's display name, in "Wie bekeek mijn gegevens"."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kaft.catalog.models import Branch
from kaft.members.models import Member, User
from tests.factories import PASSWORD, BranchFactory, MemberFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_member_sees_who_looked_at_their_data(page: Any, live_server: Any) -> None:
    base = live_server.url
    branch = cast(Branch, BranchFactory.create(code="centrum", name="Centrale Bibliotheek"))
    member = cast(Member, MemberFactory.create(card_number="21000000000042", home_branch=branch))
    staff = cast(
        User,
        StaffFactory.create(
            username="balie1", profile__branch=branch, profile__display_name="Anna van de balie"
        ),
    )
    desk = Client()
    desk.force_login(staff)
    assert desk.get(reverse("desk:member_detail", args=[member.pk])).status_code == 200

    page.goto(f"{base}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/mijn/")
    page.locator("nav.mijn-nav a[href='/mijn/inzage/']").click()
    page.wait_for_url(f"{base}/mijn/inzage/")

    with translation.override("nl"):
        heading = translation.gettext("Who looked at my data")
    assert page.locator("h2").first.inner_text() == heading
    looks = page.locator("li.look")
    assert looks.count() == 1  # five parts shown at once: one line
    look = looks.first
    assert look.locator(".who").inner_text() == "Anna van de balie (Baliemedewerker)"
    assert look.locator(".purpose").inner_text() == "Hulp aan de balie"
    assert "Naam en geboortedatum" in look.locator(".parts").inner_text()
    assert "Centrale Bibliotheek" in look.inner_text()


def test_the_access_log_fits_a_phone(page: Any, live_server: Any) -> None:
    base = live_server.url
    member = cast(Member, MemberFactory.create(card_number="21000000000043"))
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/mijn/")
    for path in ("/mijn/inzage/", "/mijn/inzage/familie/", "/mijn/verstrekkingen/"):
        page.goto(f"{base}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
