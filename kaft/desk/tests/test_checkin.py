"""The return screen says where each returned item must go, and receives transfers."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import formats, timezone

from kaft.catalog.models import Branch, ItemStatus
from kaft.circulation.models import Hold, HoldStatus, Loan, LoanStatus, Transfer, TransferStatus
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from kaft.members.models import Member, User
from tests.factories_desk import JSON, log_parts, make_item


def checkin(client: Client, value: str) -> dict[str, str]:
    response = client.post("/desk/checkin/scan/", {"value": value}, headers=JSON)
    assert response.status_code == 200
    return response.json()


def test_a_returned_item_goes_back_on_the_shelf(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan = loan_checkout(item=item, member=member, staff=staff, branch=central)

    row = checkin(desk, "30000000000001")["append"]

    assert "Terug in de kast" in row
    assert "De avonden" in row
    loan.refresh_from_db()
    assert (loan.status, loan.return_branch_id) == (LoanStatus.RETURNED, central.pk)
    assert log_parts(member) == []  # nothing about the member is shown


def test_a_reserved_item_goes_to_the_holds_shelf_and_says_for_whom(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    hold_place(record=item.record, member=member, pickup_branch=central, staff=None)

    answer = checkin(desk, "30000000000001")

    hold = Hold.objects.get(member=member)
    assert hold.status == HoldStatus.READY
    assert hold.pickup_deadline is not None
    deadline = formats.date_format(hold.pickup_deadline, "DATE_FORMAT")
    assert "Afhaalplank" in answer["append"]
    assert f"Reservering voor S. de Vries · …0042, ophalen uiterlijk {deadline}" in answer["append"]
    assert [part for part, _s, _b in log_parts(member)] == ["identity", "holds"]
    assert log_parts(other_member) == []


def test_an_item_from_another_branch_is_sent_home(
    desk: Client, central: Branch, west: Branch
) -> None:
    make_item(west, "30000000000001", "De avonden")

    row = checkin(desk, "30000000000001")["append"]

    assert "Transport naar Vestiging West" in row
    assert "Was niet uitgeleend" in row
    transfer = Transfer.objects.get()
    assert (transfer.from_branch_id, transfer.to_branch_id) == (central.pk, west.pk)


def test_an_item_in_transit_to_this_branch_is_received(
    desk: Client, staff: User, central: Branch, west: Branch
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkin(item=item, branch=west, staff=staff)  # found at West: sent home to Centrale
    transfer = Transfer.objects.get()

    row = checkin(desk, "30000000000001")["append"]

    assert "Overdracht ontvangen" in row
    assert "Terug in de kast" in row
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED
    item.refresh_from_db()
    assert (item.status, item.current_branch_id) == (ItemStatus.AVAILABLE, central.pk)


def test_an_unknown_barcode_is_refused(desk: Client) -> None:
    row = checkin(desk, "39999999999999")["append"]

    assert "Er is geen exemplaar met deze barcode." in row
    assert Loan.objects.count() == 0


def test_the_return_list_survives_a_reload_in_order(desk: Client, central: Branch) -> None:
    make_item(central, "30000000000001", "De avonden")
    make_item(central, "30000000000002", "Max Havelaar")

    desk.post("/desk/checkin/scan/", {"value": "30000000000001"})
    response = desk.post("/desk/checkin/scan/", {"value": "30000000000002"})

    assert response["Location"] == "/desk/checkin/"
    page = desk.get("/desk/checkin/").content.decode()
    assert page.index("De avonden") < page.index("Max Havelaar")


def test_a_late_return_is_flagged_by_the_domain(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan = loan_checkout(item=item, member=member, staff=staff, branch=central)
    Loan.objects.filter(pk=loan.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))

    row = checkin(desk, "30000000000001")["append"]

    assert "Te laat ingeleverd" in row
    assert "Overdracht ontvangen" not in row


def test_a_reservation_row_shown_again_later_shows_no_member(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    hold_place(record=item.record, member=member, pickup_branch=central, staff=None)
    answer = checkin(desk, "30000000000001")
    assert "S. de Vries" in answer["append"]
    assert "S. de Vries" in answer["announce"]
    assert len(log_parts(member)) == 2

    page = desk.get("/desk/checkin/").content.decode()

    hold = Hold.objects.get(member=member)
    assert hold.pickup_deadline is not None
    deadline = formats.date_format(hold.pickup_deadline, "DATE_FORMAT")
    assert f"Reservering, ophalen uiterlijk {deadline}" in page
    assert "Vries" not in page and "0042" not in page
    assert len(log_parts(member)) == 2  # nothing shown, nothing logged
    stored = desk.session["desk_checkin_rows"][-1]
    assert stored["hold_id"] == hold.pk
    assert "hold_for" not in stored and "Vries" not in str(stored)


def test_without_the_script_the_label_is_shown_once_and_logged_then(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    hold_place(record=item.record, member=member, pickup_branch=central, staff=None)

    response = desk.post("/desk/checkin/scan/", {"value": "30000000000001"})

    assert response["Location"] == "/desk/checkin/"
    assert log_parts(member) == []  # not shown yet
    first = desk.get("/desk/checkin/").content.decode()
    assert "Reservering voor S. de Vries · …0042" in first
    assert [part for part, _s, _b in log_parts(member)] == ["identity", "holds"]
    again = desk.get("/desk/checkin/").content.decode()
    assert "Vries" not in again
    assert len(log_parts(member)) == 2


def test_a_copy_pulled_for_a_reservation_is_set_aside_when_scanned(
    desk: Client, central: Branch, member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    hold_place(record=item.record, member=member, pickup_branch=central, staff=None)
    assert [row.item for row in desk.get("/desk/pull-list/").context["rows"]] == [item]

    row = checkin(desk, "30000000000001")["append"]

    assert "Afhaalplank" in row
    assert Hold.objects.get().status == HoldStatus.READY
    assert desk.get("/desk/pull-list/").context["rows"] == []
