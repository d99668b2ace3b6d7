"""Nothing encrypted at rest is ever copied in clear.

A member's date of birth (and the one asked for in a correction, and those of the family members
around them) goes through every flow that copies or derives member data into stored rows:
registration, contact changes, family access both ways, a parent and a consent they gave, loans,
renewals, reservations and their messages, notes, a block, a lost-login check with control
questions, a reset code, a statement response, a disclosure, a correction asked, withdrawn,
refused and approved through the portal and the desk, the export, a request from police or
justice over every category, and a direct-debit mandate (its IBAN encrypted) through signing,
announcement, collection, a returned debit and the withdrawal. Then every text, char and JSON column of every table is read as
stored and may hold none of those dates, in any way of writing them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.core.crypto import is_sealed
from kaft.privacy.models import LegalRequest
from tests.factories_copies import (
    build_world,
    clear_copies,
    date_forms,
    encrypted_values,
    years_before,
)
from tests.factories_desk import staff_login
from tests.factories_transparency import legal_request, officer

pytestmark = pytest.mark.django_db

SUBJECT_BORN = dt.date(1983, 7, 4)
CORRECTED_BORN = dt.date(1983, 4, 7)  # day and month swapped: the correction


def test_no_date_of_birth_is_stored_in_clear_anywhere(
    django_capture_on_commit_callbacks: Any,
) -> None:
    child_born = years_before(timezone.localdate(), 10).replace(day=3)
    world = build_world(
        subject_born=SUBJECT_BORN,
        other_born=child_born,
        corrected_born=CORRECTED_BORN,
        capture=django_capture_on_commit_callbacks,
    )
    dates = [SUBJECT_BORN, CORRECTED_BORN, child_born]
    needles = [form for day in dates for form in date_forms(day)]
    # and whatever else sits in an encrypted column (any encrypted field, now or later)
    from_columns = encrypted_values()
    assert set(date_forms(CORRECTED_BORN)) <= set(from_columns)
    assert "NL91ABNA0417164300" in from_columns  # the IBAN of the subject's mandate

    assert clear_copies(sorted(set(needles + from_columns))) == []

    # The flows did copy the dates: sealed in the produced data, opened only in the hand-over.
    produced = world.legal.produced
    assert produced is not None
    identity = produced["data"]["identity"]["members.Member"]
    asked = produced["data"]["requests"]["members.IdentityChangeRequest"]
    assert all(is_sealed(row["date_of_birth"]) for row in identity + asked)
    assert len(asked) == 3
    download = staff_login(Client(), world.officer).get(
        reverse("desk:legal_download", args=[world.legal.pk])
    )
    handed_over = json.loads(download.content)["data"]
    assert [row["date_of_birth"] for row in handed_over["identity"]["members.Member"]] == [
        CORRECTED_BORN.isoformat()
    ]
    assert (
        sorted(
            row["date_of_birth"] for row in handed_over["requests"]["members.IdentityChangeRequest"]
        )
        == [CORRECTED_BORN.isoformat()] * 3
    )


def test_the_scan_finds_a_clear_copy_in_any_column() -> None:
    """The scan itself: a date written in clear into a JSON column or a text column is found."""
    from tests.factories import MemberFactory

    member = MemberFactory(date_of_birth=SUBJECT_BORN)
    staff = officer(username="fg-scan")
    legal_request(member, staff, produced={"data": {"x": [{"born": "4-7-1983"}]}})
    legal_request(member, staff, decision_reason="geboren 4 juli 1983")

    found = clear_copies(date_forms(SUBJECT_BORN))

    assert sorted(column for column, _pk, _text in found) == [
        "privacy_legalrequest.decision_reason",
        "privacy_legalrequest.produced",
    ]


def test_the_data_migration_seals_what_was_produced_in_clear() -> None:
    """Requests approved before this change kept dates of birth in clear and other people by
    name; the migration seals the dates and puts roles in place of the names."""
    from tests.factories import MemberFactory, StaffFactory

    member = MemberFactory(first_name="Sanne", last_name="Bakker", date_of_birth=SUBJECT_BORN)
    other = MemberFactory(first_name="Joris", last_name="Smitsma", card_number="21000000000882")
    StaffFactory(username="balie-anna")
    old = {
        "request": {"reference": "PL-1"},
        "data": {
            "identity": {
                "members.Member": [
                    {"first_name": "Sanne", "date_of_birth": SUBJECT_BORN.isoformat()}
                ]
            },
            "requests": {
                "members.IdentityChangeRequest": [
                    {"first_name": "Sanne", "date_of_birth": CORRECTED_BORN.isoformat()}
                ]
            },
            "family": {
                "members.FamilyAccess": [
                    {"status": "ended", "ended_by": str(other)},
                    {"status": "ended", "ended_by": str(member)},
                ]
            },
            "account": {"members.Member": [{"user": f"member-{member.pk}"}]},
            "access_log": {
                "privacy.AccessLogEntry": [{"staff_role": "desk", "staff_name": "Anna"}]
            },
        },
    }
    legal = legal_request(member, officer(username="fg-old"), produced=old)
    migration = importlib.import_module("kaft.privacy.migrations.0005_legal_produced_sealed")

    migration.seal(global_apps, None)

    produced = LegalRequest.objects.get(pk=legal.pk).produced
    assert clear_copies(date_forms(SUBJECT_BORN) + date_forms(CORRECTED_BORN)) == []
    data = produced["data"]
    assert is_sealed(data["identity"]["members.Member"][0]["date_of_birth"])
    assert is_sealed(data["requests"]["members.IdentityChangeRequest"][0]["date_of_birth"])
    assert data["family"]["members.FamilyAccess"] == [
        {"status": "ended", "ended_by": "family_member"},
        {"status": "ended", "ended_by": "member"},
    ]
    assert data["account"] == {"members.Member": [{"user": f"member-{member.pk}"}]}
    assert data["access_log"]["privacy.AccessLogEntry"] == [
        {"staff_role": "desk", "staff_name": "staff"}
    ]
    assert "Smitsma" not in json.dumps(produced) and "Anna" not in json.dumps(produced)
    # run again: nothing changes
    migration.seal(global_apps, None)
    assert LegalRequest.objects.get(pk=legal.pk).produced == produced
