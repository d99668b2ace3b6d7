"""The lending screen after each scan: the member panel shows the state after it, in staff words,
and a copy still on loan to someone else can be taken in and lent in one step."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.test import Client
from django.utils import timezone, translation

from kaft.catalog.models import Branch, ItemStatus
from kaft.circulation.models import HoldStatus, Loan, LoanEvent, LoanStatus
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from kaft.members.models import Member, MemberStatus, User
from tests.factories import MemberFactory
from tests.factories_desk import JSON, make_item


def shown(client: Client) -> str:
    return str(client.session.get("desk_member_id", ""))


def scan(client: Client, value: str) -> dict[str, Any]:
    response = client.post("/desk/scan/", {"value": value, "member": shown(client)}, headers=JSON)
    assert response.status_code == 200
    return response.json()


def hand_over(client: Client, barcode: str, member: Member) -> Any:
    data = {"barcode": barcode, "member": str(member.pk)}
    return client.post("/desk/hand-over/", data, headers=JSON)


def test_lending_a_reserved_copy_takes_the_reservation_off_the_panel(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    # Given Sanne's reservation whose copy lies on the holds shelf, and Sanne being served
    item = make_item(central, "30000000000001", "Het achterhuis")
    hold = hold_place(record=item.record, member=member, pickup_branch=central, staff=None)
    loan_checkin(item=item, branch=central, staff=staff)
    before = scan(desk, member.card_number)["replace"]["member-panel"]
    assert f'id="hold-{hold.pk}"' in before and "Op de afhaalplank" in before

    # When the copy is scanned
    answer = scan(desk, "30000000000001")

    # Then the panel shown after the scan has the loan and no longer the reservation
    panel = answer["replace"]["member-panel"]
    assert f'id="hold-{hold.pk}"' not in panel
    assert "Op de afhaalplank" not in panel
    assert "Geen reserveringen." in panel
    assert "1 uitlening" in panel and "Het achterhuis" in panel
    hold.refresh_from_db()
    assert hold.status == HoldStatus.FULFILLED


def test_a_refused_scan_shows_the_panel_as_it_is_now(
    desk: Client, central: Branch, member: Member
) -> None:
    # Given Sanne is served, and meanwhile someone blocks her membership
    make_item(central, "30000000000001", "De avonden")
    scan(desk, member.card_number)
    Member.objects.filter(pk=member.pk).update(
        status=MemberStatus.BLOCKED, block_reason="Boete niet betaald"
    )

    answer = scan(desk, "30000000000001")

    assert "Dit lid is geblokkeerd: Boete niet betaald." in answer["append"]
    panel = answer["replace"]["member-panel"]
    assert 'class="member-status member-blocked"' in panel
    assert "Boete niet betaald" in panel
    assert Loan.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["Verlopen", "lid tot en met 31 december 2025"]),
        ("en", ["Expired", "member until 31 December 2025"]),
    ],
)
def test_an_expired_member_is_shown_as_expired_with_the_date(
    desk: Client, member: Member, language: str, words: list[str]
) -> None:
    Member.objects.filter(pk=member.pk).update(membership_end=dt.date(2025, 12, 31))

    with translation.override(language):
        desk.cookies["django_language"] = language
        panel = scan(desk, member.card_number)["replace"]["member-panel"]

    assert 'class="member-status member-expired"' in panel
    for word in words:
        assert word in panel
    assert "Actief" not in panel and "Active" not in panel


def test_expired_refusal_speaks_to_staff(desk: Client, central: Branch, member: Member) -> None:
    make_item(central, "30000000000001", "De avonden")
    Member.objects.filter(pk=member.pk).update(membership_end=dt.date(2025, 12, 31))
    scan(desk, member.card_number)

    row = scan(desk, "30000000000001")["append"]

    assert "Het lidmaatschap is verlopen: lid tot en met 31 december 2025." in row
    assert "balie" not in row


def test_blocked_member_on_the_detail_page_shows_block_and_reason(
    desk: Client, member: Member
) -> None:
    Member.objects.filter(pk=member.pk).update(
        status=MemberStatus.BLOCKED, block_reason="Pas gestolen"
    )

    html = desk.get(f"/desk/members/{member.pk}/").content.decode()

    assert (
        '<dd class="member-status member-blocked"><span class="badge bad">Geblokkeerd</span> '
        '<span class="standing-detail">Pas gestolen</span></dd>'
    ) in html


def test_queue_states_are_staff_words(
    desk: Client, staff: User, central: Branch, west: Branch, member: Member
) -> None:
    waiting = make_item(central, "30000000000001", "Turks fruit", status=ItemStatus.ON_LOAN)
    hold_place(record=waiting.record, member=member, pickup_branch=central, staff=None)
    travelling = make_item(central, "30000000000002", "Max Havelaar")
    hold_place(record=travelling.record, member=member, pickup_branch=west, staff=None)
    loan_checkin(item=travelling, branch=central, staff=staff)

    panel = scan(desk, member.card_number)["replace"]["member-panel"]

    assert "Wacht in de rij" in panel
    assert "Onderweg naar de afhaalvestiging" in panel
    assert "Wacht op uw beurt" not in panel


def test_a_copy_on_loan_to_another_member_offers_to_take_it_in_first(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    scan(desk, member.card_number)

    row = scan(desk, "30000000000001")["append"]

    assert "Dit exemplaar is nog uitgeleend aan een ander lid." in row
    assert '<form method="post" action="/desk/hand-over/"' in row
    assert f'<input type="hidden" name="member" value="{member.pk}">' in row
    assert '<input type="hidden" name="barcode" value="30000000000001">' in row
    assert "Eerst inleveren, dan uitlenen" in row
    assert "Daan" not in row and "Bakker" not in row


def test_a_copy_the_member_already_has_offers_nothing(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=item, member=member, staff=staff, branch=central)
    scan(desk, member.card_number)

    row = scan(desk, "30000000000001")["append"]

    assert "Dit lid heeft dit exemplaar al te leen." in row
    assert "hand-over" not in row


def test_hand_over_returns_the_copy_and_lends_it_to_the_member_served(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    # Given a copy still on loan to Daan (late), and Sanne being served
    item = make_item(central, "30000000000001", "De avonden")
    first = loan_checkout(
        item=item,
        member=other_member,
        staff=staff,
        branch=central,
        now=timezone.now() - dt.timedelta(days=30),
    )
    scan(desk, member.card_number)
    scan(desk, "30000000000001")  # refused, with the offer

    # When staff take the offer
    answer = hand_over(desk, "30000000000001", member).json()

    # Then Daan's loan ended with a return event, Sanne has the copy, the panel shows it
    first.refresh_from_db()
    assert first.status == LoanStatus.RETURNED
    second = Loan.objects.get(status=LoanStatus.OPEN)
    assert second.member_id == member.pk
    assert list(LoanEvent.objects.order_by("pk").values_list("loan_id", "action", "staff_id")) == [
        (first.pk, "checkout", staff.pk),
        (first.pk, "return", staff.pk),
        (second.pk, "checkout", staff.pk),
    ]
    assert "Ingenomen van de vorige lener en uitgeleend, terug op" in answer["append"]
    assert "Te laat ingeleverd" in answer["append"]
    assert 'class="scan-row lent handed-over"' in answer["append"]
    assert answer["announce"].startswith("Ingenomen en uitgeleend: De avonden, terug op ")
    assert "1 uitlening" in answer["replace"]["member-panel"]
    # the offer is used: the page shown again offers it no more
    assert 'action="/desk/hand-over/"' not in desk.get("/desk/").content.decode()


def test_hand_over_of_a_copy_someone_else_reserved_returns_it_but_does_not_lend(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    third = cast(Member, MemberFactory(card_number="21000000000077", home_branch=central))
    hold = hold_place(record=item.record, member=third, pickup_branch=central, staff=None)
    scan(desk, member.card_number)

    answer = hand_over(desk, "30000000000001", member).json()

    assert (
        "Ingenomen, maar niet uitgeleend: apart gezet voor de reservering van een ander lid."
        in answer["append"]
    )
    assert "Afhaalplank" in answer["append"]
    assert 'class="scan-row refused handed-over"' in answer["append"]
    assert Loan.objects.filter(status=LoanStatus.OPEN).count() == 0
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY


def test_a_refused_hand_over_changes_nothing(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan = loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    Member.objects.filter(pk=member.pk).update(
        status=MemberStatus.BLOCKED, block_reason="Pas kwijt"
    )
    scan(desk, member.card_number)
    events = LoanEvent.objects.count()

    answer = hand_over(desk, "30000000000001", member).json()

    assert "Dit lid is geblokkeerd: Pas kwijt." in answer["append"]
    assert "hand-over" not in answer["append"]  # offered once, not again
    loan.refresh_from_db()
    assert (loan.status, loan.member_id) == (LoanStatus.OPEN, other_member.pk)
    assert LoanEvent.objects.count() == events


def test_hand_over_from_a_page_showing_another_member_is_refused(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan = loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    scan(desk, member.card_number)

    response = hand_over(desk, "30000000000001", other_member)

    assert response.status_code == 409
    loan.refresh_from_db()
    assert loan.status == LoanStatus.OPEN


def test_hand_over_without_script_redirects_and_the_page_shows_the_result(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    desk.post("/desk/scan/", {"value": member.card_number})

    response = desk.post("/desk/hand-over/", {"barcode": "30000000000001", "member": member.pk})

    assert response["Location"] == "/desk/"
    assert "Ingenomen van de vorige lener en uitgeleend" in desk.get("/desk/").content.decode()
    assert Loan.objects.get(status=LoanStatus.OPEN).member_id == member.pk


def _queries_of_a_lend_scan(desk: Client, member: Member, central: Branch, barcode: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_item(central, barcode, "Nieuw")
    with CaptureQueriesContext(connection) as queries:
        answer = scan(desk, barcode)
    assert "lent" in answer["append"]
    assert "Nieuw" in (answer.get("loan") or {}).get("row", "") + str(answer["replace"])
    return len(queries)


def test_the_panel_after_a_scan_costs_the_same_queries_however_much_the_member_has(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    # Given Sanne being served with nothing, then with 12 more loans and 4 reservations
    scan(desk, member.card_number)
    few = _queries_of_a_lend_scan(desk, member, central, "33000000000001")
    for n in range(12):
        item = make_item(central, f"31000000000{n:03d}", f"Titel {n}")
        loan_checkout(item=item, member=member, staff=staff, branch=central)
    for n in range(4):
        item = make_item(central, f"32000000000{n:03d}", f"Wacht {n}", status=ItemStatus.ON_LOAN)
        hold_place(record=item.record, member=member, pickup_branch=central, staff=None)

    many = _queries_of_a_lend_scan(desk, member, central, "33000000000002")

    # Then the lend and what is shown of it take as many queries as before
    assert many == few
