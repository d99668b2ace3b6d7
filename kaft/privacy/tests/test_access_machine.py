"""Looks by a kiosk or an app: written with the machine's name, which the member always sees."""

from __future__ import annotations

import pytest
from django.utils import translation

from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart, MachineRole
from kaft.privacy.selectors.visits import access_visits
from kaft.privacy.services.access import access_log_record_machine
from tests.factories import BranchFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_a_kiosk_look_names_the_kiosk_and_its_branch_even_when_staff_names_are_hidden() -> None:
    member = MemberFactory.create()
    branch = BranchFactory.create(name="Vestiging Noord")
    access_log_record_machine(
        role=MachineRole.KIOSK,
        name="Zelfbediening 2",
        members=[member],
        parts=[DataPart.STATUS, DataPart.LOANS, DataPart.LOANS],
        branch=branch,
        purpose=AccessPurpose.SELF_SERVICE,
    )
    entries = AccessLogEntry.objects.filter(member=member)
    assert sorted(entries.values_list("part", flat=True)) == ["loans", "status"]
    assert set(entries.values_list("staff_id", "staff_role", "staff_name")) == {
        (None, "kiosk", "Zelfbediening 2")
    }
    with translation.override("en"):  # the labels as read in English, whatever ran before
        (visit,) = access_visits(entries, shows_name=False).object_list
        assert (visit.name, visit.branch, str(visit.role)) == (
            "Zelfbediening 2",
            "Vestiging Noord",
            "Self-service kiosk",
        )
        assert str(visit.purpose) == "Self-service at a kiosk"
