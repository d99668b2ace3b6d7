"""The member's export says whether a kiosk PIN is set, never the PIN's hash."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from kaft.members.models import Member
from kaft.members.services.kiosk_pin import member_kiosk_pin_set
from kaft.privacy.services.export import member_export_data, member_export_zip
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def member_rows(data: dict, category: str) -> list[dict]:
    return data["categories"][category]["tables"]["members.Member"]  # type: ignore[no-any-return]


def test_the_export_says_a_pin_is_set_and_holds_no_hash() -> None:
    # given
    member = MemberFactory.create(preferred_language="nl")
    member_kiosk_pin_set(member=member, pin="8462", staff=None)
    stored = Member.objects.get(pk=member.pk).kiosk_pin
    # when
    data = member_export_data(member)
    # then
    (account,) = member_rows(data, "account")
    assert account["kiosk_pin_set"] is True
    assert all("kiosk_pin_set" not in row for row in member_rows(data, "identity"))
    about = data["about"]["tables"]["members.Member"]["columns"]["kiosk_pin_set"]
    assert about == {"nl": "Pincode zelfbediening ingesteld", "en": "Kiosk PIN set"}
    files = zipfile.ZipFile(io.BytesIO(member_export_zip(member)))
    everything = "".join(files.read(name).decode() for name in files.namelist())
    for secret in (stored, stored.split("$")[2], stored.split("$")[1]):
        assert secret not in everything
    page = files.read("index.html").decode()
    assert '<th scope="col">Pincode zelfbediening ingesteld</th>' in page


def test_without_a_pin_the_export_says_so() -> None:
    member = MemberFactory.create()
    (account,) = member_rows(member_export_data(member), "account")
    assert account["kiosk_pin_set"] is False
    assert json.dumps(account).count("kiosk_pin") == 1
