"""A member in a real browser downloads a copy of their data from Mijn gegevens."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kaft.members.models import Member
from tests.factories import PASSWORD, BranchFactory, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, base: str, member: Member) -> None:
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/mijn/")


def test_member_downloads_a_zip_with_their_data(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    member: Member = MemberFactory.create(
        card_number="21000000000042",
        first_name="Wilhelmina",
        last_name="Kortenhoeven",
        home_branch=centre,
    )
    base = live_server.url

    _log_in(page, base, member)
    page.goto(f"{base}/mijn/gegevens/")
    with page.expect_download() as download_info:
        page.locator(
            'form[action="/mijn/gegevens/downloaden/"] button[type="submit"]'
        ).first.click()
    download = download_info.value

    assert download.suggested_filename.startswith("mijn-gegevens-")
    assert download.suggested_filename.endswith(".zip")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "data.json", "index.html"]
        data = json.loads(archive.read("data.json"))
    person = data["categories"]["identity"]["tables"]["members.Member"][0]
    assert (person["first_name"], person["last_name"]) == ("Wilhelmina", "Kortenhoeven")
