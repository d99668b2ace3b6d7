"""Item lookup, holds shelf and transit lists: useful to staff, and silent about members."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import formats, timezone

from kaft.catalog.models import Branch
from kaft.circulation.models import Hold
from kaft.circulation.services import (
    hold_cancel,
    hold_place,
    holds_expire_uncollected,
    loan_checkin,
    loan_checkout,
)
from kaft.members.models import Member, User
from kaft.privacy.models import AccessLogEntry
from tests.factories_desk import make_item


def test_item_lookup_shows_status_branches_due_date_and_queue(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden", call_number="REVE")
    loan = loan_checkout(item=item, member=member, staff=staff, branch=central)
    hold_place(record=item.record, member=other_member, pickup_branch=central, staff=None)

    response = desk.get("/desk/items/", {"q": "30000000000001"})

    html = response.content.decode()
    assert "De avonden" in html and "REVE" in html
    assert "Uitgeleend" in html
    assert response.context["due_date"] == loan.due_date
    assert formats.date_format(loan.due_date, "DATE_FORMAT") in html
    assert response.context["queue_length"] == 1
    assert "Sanne" not in html and "Daan" not in html
    assert AccessLogEntry.objects.count() == 0


def test_item_lookup_unknown_barcode(desk: Client) -> None:
    response = desk.get("/desk/items/", {"q": "39999999999999"})

    assert (
        "Geen exemplaar met deze barcode, en geen titel of auteur die past."
        in response.content.decode()
    )


def test_holds_shelf_lists_ready_holds_and_flags_expired_ones(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    fresh = make_item(central, "30000000000001", "De avonden")
    old = make_item(central, "30000000000002", "Max Havelaar")
    for item, who in ((fresh, member), (old, other_member)):
        hold_place(record=item.record, member=who, pickup_branch=central, staff=None)
        loan_checkin(item=item, branch=central, staff=staff)
    Hold.objects.filter(item=old).update(
        pickup_deadline=timezone.localdate() - dt.timedelta(days=1)
    )

    response = desk.get("/desk/holds-shelf/")

    html = response.content.decode()
    late = Hold.objects.get(item=old)
    assert [h.record.title for h in response.context["holds"]] == ["Max Havelaar", "De avonden"]
    assert f'<tr id="shelf-{late.pk}" class="expired">' in html
    assert "1 reservering is niet op tijd opgehaald" in html
    assert "…0042" in html and "…0099" in html
    assert "Sanne" not in html and "Daan" not in html
    assert AccessLogEntry.objects.count() == 0


def test_transit_lists_outgoing_and_incoming(
    desk: Client, staff: User, central: Branch, west: Branch
) -> None:
    make_item(west, "30000000000001", "De avonden")  # found here, goes home to West
    away = make_item(central, "30000000000002", "Max Havelaar")  # found at West, comes home
    desk.post("/desk/checkin/scan/", {"value": "30000000000001"})
    loan_checkin(item=away, branch=west, staff=staff)

    response = desk.get("/desk/transit/")

    assert [t.item.barcode for t in response.context["outgoing"]] == ["30000000000001"]
    assert [t.item.barcode for t in response.context["incoming"]] == ["30000000000002"]


def test_pull_list_shows_copies_to_fetch_without_member_names(
    desk: Client, staff: User, central: Branch, west: Branch, member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden", call_number="REVE")
    make_item(west, "30000000000002", "Max Havelaar")  # on West's shelf, not ours
    hold = hold_place(record=item.record, member=member, pickup_branch=west, staff=None)

    response = desk.get("/desk/pull-list/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<tr id="pull-{hold.pk}">' in html
    assert "REVE" in html and "30000000000001" in html and "Vestiging West" in html
    assert "Max Havelaar" not in html
    assert "Sanne" not in html and "Vries" not in html and "0042" not in html
    assert 'href="/desk/pull-list/" aria-current="page">Te pakken voor reserveringen' in html
    assert AccessLogEntry.objects.count() == 0


def test_holds_shelf_lists_copies_to_take_off_after_cancel_or_expiry(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    cancelled = make_item(central, "30000000000001", "De avonden", call_number="REVE")
    expired = make_item(central, "30000000000002", "Max Havelaar")
    for item, who in ((cancelled, member), (expired, other_member)):
        hold_place(record=item.record, member=who, pickup_branch=central, staff=None)
        loan_checkin(item=item, branch=central, staff=staff)
    hold_cancel(hold=Hold.objects.get(item=cancelled), staff=None)
    Hold.objects.filter(item=expired).update(
        pickup_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    holds_expire_uncollected()

    response = desk.get("/desk/holds-shelf/")

    html = response.content.decode()
    assert response.context["holds"] == []
    assert [i.barcode for i in response.context["leftovers"]] == [
        "30000000000002",
        "30000000000001",
    ]
    assert "Van de afhaalplank halen" in html
    assert f'<tr id="leftover-{cancelled.pk}">' in html
    assert "…0042" in html and "…0099" in html
    assert "geannuleerd" in html and "niet op tijd opgehaald" in html
    assert "Sanne" not in html and "Daan" not in html
    assert AccessLogEntry.objects.count() == 0

    desk.post("/desk/checkin/scan/", {"value": "30000000000001"})

    assert [i.barcode for i in desk.get("/desk/holds-shelf/").context["leftovers"]] == [
        "30000000000002"
    ]
