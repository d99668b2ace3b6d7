"""Dates of birth encrypted at rest, and `kaft rotate-field-keys`."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any, cast

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.core import crypto
from kaft.members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _raw_dates() -> dict[int, str]:
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, date_of_birth FROM {table} ORDER BY id")  # noqa: S608
        return {row[0]: row[1] for row in cursor.fetchall()}


def _members(count: int, settings: Any) -> list[Member]:
    settings.KAFT_FIELD_KEYS = [OLD]
    return [
        cast(Member, MemberFactory(date_of_birth=dt.date(1980 + i, 1 + i % 12, 1 + i)))
        for i in range(count)
    ]


def test_the_database_holds_no_plain_date(settings: Any) -> None:
    member = _members(1, settings)[0]

    raw = _raw_dates()[member.pk]

    assert raw.startswith("f1:")
    for plain in ("1980-01-01", "1980", "01-01"):
        assert plain not in raw
    assert Member.objects.get(pk=member.pk).date_of_birth == dt.date(1980, 1, 1)


def test_each_write_encrypts_anew(settings: Any) -> None:
    first, second = _members(2, settings)
    Member.objects.filter(pk=second.pk).update(date_of_birth=first.date_of_birth)

    raw = _raw_dates()
    assert raw[first.pk] != raw[second.pk]
    assert Member.objects.get(pk=second.pk).date_of_birth == first.date_of_birth


def test_rotation_re_encrypts_every_value_under_the_new_key(settings: Any) -> None:
    members = _members(7, settings)
    before = _raw_dates()
    settings.KAFT_FIELD_KEYS = [NEW, OLD]
    out = StringIO()

    with CaptureQueriesContext(connection) as queries:
        call_command("rotate_field_keys", chunk=3, stdout=out)

    # Per chunk of 3: one read and one bulk update; the fourth read finds nothing.
    statements = [q["sql"] for q in queries.captured_queries if '"members_member"' in q["sql"]]
    assert len([s for s in statements if s.startswith("SELECT")]) == 4
    assert len([s for s in statements if s.startswith("UPDATE")]) == 3
    assert "members.Member.date_of_birth: 7 re-encrypted" in out.getvalue()
    assert "Done: 7 values re-encrypted." in out.getvalue()
    after = _raw_dates()
    assert all(after[m.pk] != before[m.pk] for m in members)

    settings.KAFT_FIELD_KEYS = [NEW]  # the old key is gone
    assert [m.date_of_birth for m in Member.objects.order_by("pk")] == [
        m.date_of_birth for m in members
    ]


def test_rotation_without_the_old_key_stops_with_a_clear_error(settings: Any) -> None:
    _members(2, settings)
    before = _raw_dates()
    settings.KAFT_FIELD_KEYS = [NEW]

    with pytest.raises(
        ImproperlyConfigured, match="cannot be read with any key in KAFT_FIELD_KEYS"
    ):
        call_command("rotate_field_keys", stdout=StringIO())

    assert _raw_dates() == before


def test_reading_with_a_wrong_key_is_a_clear_error(settings: Any) -> None:
    member = _members(1, settings)[0]
    settings.KAFT_FIELD_KEYS = [NEW]

    with pytest.raises(ImproperlyConfigured, match="cannot be read with any key"):
        Member.objects.get(pk=member.pk)


def test_a_malformed_or_missing_key_is_a_clear_error(settings: Any) -> None:
    settings.KAFT_FIELD_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        call_command("rotate_field_keys", stdout=StringIO())
    settings.KAFT_FIELD_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="KAFT_FIELD_KEYS is empty"):
        crypto.encrypt_text("1980-01-01")


def test_every_encrypted_field_is_found() -> None:
    assert (Member, "date_of_birth") in crypto.encrypted_fields()


def test_a_copy_of_an_encrypted_field_is_sealed_and_opens_again(settings: Any) -> None:
    member = _members(1, settings)[0]

    for model, name in crypto.encrypted_fields():
        copy = crypto.stored_copy(model(**{name: dt.date(1983, 7, 4)}), name)
        assert crypto.is_sealed(copy), f"{model._meta.label}.{name}"
        assert "1983" not in copy
        assert crypto.unseal({"rows": [{name: copy}]}) == {"rows": [{name: "1983-07-04"}]}
    assert crypto.stored_copy(member, "first_name") == member.first_name
    assert crypto.stored_copy(Member(date_of_birth=None), "date_of_birth") is None


def test_rotation_re_encrypts_sealed_copies_inside_json_columns(settings: Any) -> None:
    from kaft.privacy.models import LegalRequest
    from tests.factories_transparency import legal_request, officer

    member = _members(1, settings)[0]
    sealed = crypto.stored_copy(member, "date_of_birth")
    produced = {"data": {"identity": {"members.Member": [{"date_of_birth": sealed}]}}}
    legal = legal_request(member, officer(username="fg1"), produced=produced)
    plain = legal_request(member, officer(username="fg2"), produced={"data": {}})
    settings.KAFT_FIELD_KEYS = [NEW, OLD]
    out = StringIO()

    call_command("rotate_field_keys", stdout=out)

    assert "privacy.LegalRequest.produced: 1 rows with sealed copies re-encrypted" in out.getvalue()
    settings.KAFT_FIELD_KEYS = [NEW]  # the old key is gone: the copy still opens
    stored = cast(dict[str, Any], LegalRequest.objects.get(pk=legal.pk).produced)
    token = stored["data"]["identity"]["members.Member"][0]["date_of_birth"]
    assert token != sealed and crypto.is_sealed(token)
    assert crypto.unseal(stored) == {
        "data": {"identity": {"members.Member": [{"date_of_birth": "1980-01-01"}]}}
    }
    assert LegalRequest.objects.get(pk=plain.pk).produced == {"data": {}}
