"""In a real browser, on a phone (375 px) and a desktop (1280 px), in Dutch and English:
"Wie bekeek mijn gegevens" shows one desk session of 78 looks as one visit, and the form to
correct name or date of birth shows the stored date in its date field and sends it back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from kaft.members.models import IdentityChangeRequest, Member, StaffRole
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart
from tests.factories import PASSWORD, BranchFactory, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {375: 800, 1280: 900}
WORDS = {
    "nl": {"parts": "Naam en geboortedatum, Uitleningen", "who": "Anna (Baliemedewerker)"},
    "en": {"parts": "Name and date of birth, Loans", "who": "Anna (Desk staff)"},
}


def _open(page: Any, base: str, member: Member, language: str, width: int) -> None:
    host = base.split("://")[1].split(":")[0]
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
    )
    page.set_viewport_size({"width": width, "height": SIZES[width]})
    page.goto(f"{base}/inloggen/")
    page.locator("#id_username").fill(member.card_number)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/mijn/")


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_one_desk_session_is_one_visit_on_the_page(
    page: Any, live_server: Any, language: str, width: int
) -> None:
    branch = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    member = MemberFactory.create(card_number="21000000000042", home_branch=branch)
    start = timezone.now() - dt.timedelta(hours=3)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            member=member,
            branch=branch,
            staff_name="Anna",
            staff_role=StaffRole.DESK,
            part=(DataPart.IDENTITY, DataPart.LOANS)[i % 2],
            purpose=AccessPurpose.DESK,
            at=start + dt.timedelta(seconds=15 * i),
        )
        for i in range(78)
    )
    _open(page, live_server.url, member, language, width)

    page.goto(f"{live_server.url}/mijn/inzage/")

    visits = page.locator("li.look")
    assert visits.count() == 1
    visit = visits.first
    assert visit.locator(".who").inner_text() == WORDS[language]["who"]
    assert visit.locator(".parts").inner_text() == WORDS[language]["parts"]
    assert visit.locator(".count").inner_text() == "78"
    assert visit.locator("time").count() == 2  # first and last moment of the visit
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.documentElement.scrollHeight") < 3000


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_correction_form_shows_and_sends_the_stored_date_of_birth(
    page: Any, live_server: Any, language: str, width: int
) -> None:
    member = MemberFactory.create(
        card_number="21000000000042", last_name="Visser", date_of_birth=dt.date(1984, 5, 17)
    )
    _open(page, live_server.url, member, language, width)

    page.goto(f"{live_server.url}/mijn/gegevens/correctie/")
    field = page.locator("#id_date_of_birth")
    shown = field.input_value()
    page.locator("#id_last_name").fill("Vissers")
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_load_state()

    assert shown == "1984-05-17"
    request = IdentityChangeRequest.objects.get(member=member)
    assert (request.last_name, request.date_of_birth) == ("Vissers", dt.date(1984, 5, 17))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
