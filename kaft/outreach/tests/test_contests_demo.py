"""The demo's contests: one running with entries from both channels, one closed and drawn, made
through the services; a second call makes nothing new."""

from __future__ import annotations

import pytest

from kaft.outreach.models import Campaign, CampaignStatus, Draw, Entry
from kaft.outreach.selectors.contests import winners_shown_publicly
from kaft.outreach.services.contests_demo import contests_demo_create
from kaft.outreach.services.contests_entries import campaign_is_running
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_running_contest_and_a_drawn_one() -> None:
    staff = StaffFactory.create()
    members = MemberFactory.create_batch(4)

    made = contests_demo_create(staff=staff, members=members)

    assert campaign_is_running(made.running)
    assert Entry.objects.filter(campaign=made.running).count() == 6
    assert made.drawn.status == CampaignStatus.DRAWN
    assert (made.draw.staff, made.draw.entries_count, made.draw.winners_count) == (staff, 6, 1)
    assert Entry.objects.filter(campaign=made.drawn, winner=True).count() == 1
    assert len(winners_shown_publicly(made.drawn)) <= 1

    again = contests_demo_create(staff=staff, members=members)

    assert (again.running, again.drawn) == (made.running, made.drawn)
    assert (Campaign.objects.count(), Draw.objects.count(), Entry.objects.count()) == (2, 1, 12)
