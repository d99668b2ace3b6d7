"""MijnBibliotheek reservations: queue position, status, pickup branch and deadline, cancelling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import formats, timezone
from django.utils.html import escape

from kaft.catalog.models import Branch
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Hold, HoldStatus
from kaft.members.models import Member
from tests.factories import BranchFactory, ItemFactory, RecordFactory
from tests.factories_portal import HoldFactory

pytestmark = pytest.mark.django_db


def test_reservations_page_shows_position_status_branch_and_deadline(
    member_client: Client, member: Member, branch: Branch
) -> None:
    now = timezone.now()
    wanted = RecordFactory.create(title="Het smelt")
    HoldFactory.create(record=wanted, placed_at=now - dt.timedelta(days=3))
    HoldFactory.create(
        record=wanted, member=member, pickup_branch=branch, placed_at=now - dt.timedelta(days=1)
    )
    deadline = timezone.localdate() + dt.timedelta(days=5)
    west = BranchFactory.create(code="west", name="Vestiging West")
    ready_item = ItemFactory.create(home_branch=west, status="on_holds_shelf")
    HoldFactory.create(
        record=ready_item.record,
        member=member,
        pickup_branch=west,
        status=HoldStatus.READY,
        item=ready_item,
        ready_at=now,
        pickup_deadline=deadline,
    )

    html = member_client.get("/mijn/reserveringen/").content.decode()

    waiting = html.split("Het smelt")[1].split("</li>")[0]
    assert f'<dd class="status">{escape(HoldStatus.WAITING.label)}</dd>' in waiting
    assert '<dd class="position">2</dd>' in waiting
    assert "Centrale Bibliotheek" in waiting
    assert "Vestiging West" in html
    day = formats.date_format(deadline, "DATE_FORMAT")
    # The deadline is the last day the member may come (inclusive).
    assert f'<dt>Ophalen uiterlijk op</dt><dd class="deadline">{day}</dd>' in html
    assert "vóór" not in html


def test_member_cancels_a_reservation(member_client: Client, member: Member) -> None:
    hold = HoldFactory.create(member=member, record__title="Tirza")

    response = member_client.post(f"/mijn/reserveringen/{hold.pk}/annuleren/", {"bevestig": "ja"})

    assert response["Location"] == "/mijn/reserveringen/"
    hold.refresh_from_db()
    assert hold.status == HoldStatus.CANCELLED
    html = member_client.get("/mijn/reserveringen/").content.decode()
    assert "Uw reservering van ‘Tirza’ is geannuleerd." in html
    assert f'id="hold-{hold.pk}"' not in html


def test_a_reservation_that_cannot_be_cancelled_says_why(
    member_client: Client, member: Member
) -> None:
    hold = HoldFactory.create(member=member, status=HoldStatus.FULFILLED)

    member_client.post(f"/mijn/reserveringen/{hold.pk}/annuleren/", {"bevestig": "ja"})

    hold.refresh_from_db()
    assert hold.status == HoldStatus.FULFILLED
    html = member_client.get("/mijn/reserveringen/").content.decode()
    assert escape(CirculationErrorCode.HOLD_NOT_CANCELLABLE.message) in html
    assert Hold.objects.count() == 1


def test_cancelling_asks_first_and_the_question_changes_nothing(
    member_client: Client, member: Member
) -> None:
    hold = HoldFactory.create(member=member, record__title="Tirza")
    url = f"/mijn/reserveringen/{hold.pk}/annuleren/"

    listed = member_client.get("/mijn/reserveringen/").content.decode()
    asked = member_client.get(url)
    posted_without_yes = member_client.post(url)

    assert f'<a class="button secondary" href="{url}">' in listed
    assert asked.status_code == 200 and posted_without_yes.status_code == 200
    page = asked.content.decode()
    assert "Wilt u uw reservering van ‘Tirza’ annuleren?" in page
    assert '<input type="hidden" name="bevestig" value="ja">' in page
    assert 'href="/mijn/reserveringen/">Nee, niet annuleren</a>' in page
    hold.refresh_from_db()
    assert hold.status == HoldStatus.WAITING
