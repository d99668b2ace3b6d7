"""The lending screen: scan a card, scan items, renew; every look at the member is logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from kaft.catalog.models import Branch, ItemStatus
from kaft.circulation.models import Hold, Loan, LoanEvent, LoanRule
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from kaft.members.models import Member, MemberStatus, User
from kaft.privacy.models import AccessLogEntry
from tests.factories_desk import JSON, log_parts, make_item


def shown(client: Client) -> str:
    """The member id the lending page of this (single-tab) session shows."""
    return str(client.session.get("desk_member_id", ""))


def scan(client: Client, value: str) -> dict[str, Any]:
    # As scan.js sends it: the value and the member the page shows when the request leaves.
    response = client.post("/desk/scan/", {"value": value, "member": shown(client)}, headers=JSON)
    assert response.status_code == 200
    return response.json()


def test_scanning_a_card_shows_the_member_and_logs_exactly_what_is_shown(
    desk: Client, staff: User, central: Branch, west: Branch, member: Member
) -> None:
    late = make_item(central, "30000000000001", "De avonden")
    fresh = make_item(central, "30000000000002", "Max Havelaar")
    loan_checkout(
        item=late,
        member=member,
        staff=staff,
        branch=central,
        now=timezone.now() - dt.timedelta(days=30),
    )
    loan_checkout(item=fresh, member=member, staff=staff, branch=central)
    ready_item = make_item(central, "30000000000003", "Het achterhuis")
    hold_place(record=ready_item.record, member=member, pickup_branch=central, staff=None)
    loan_checkin(item=ready_item, branch=central, staff=staff)
    waiting_item = make_item(west, "30000000000004", "Turks fruit", status=ItemStatus.ON_LOAN)
    hold_place(record=waiting_item.record, member=member, pickup_branch=west, staff=None)
    AccessLogEntry.objects.all().delete()

    answer = scan(desk, "21000000000042")

    panel = answer["replace"]["member-panel"]
    assert answer["clear"] is True
    assert "Sanne de Vries" in panel
    assert "21000000000042" in panel
    assert "Volwassene" in panel
    assert "De avonden" in panel and "Max Havelaar" in panel
    assert panel.count('class="overdue"') == 1
    assert "te laat" in panel
    ready = Hold.objects.get(record=ready_item.record)
    assert f'<tr id="hold-{ready.pk}" class="ready">' in panel
    assert "Op de afhaalplank" in panel  # staff words, not the portal's "Ligt klaar om op te halen"
    assert "Wacht in de rij" in panel
    assert "Turks fruit" in panel and "Vestiging West" in panel
    assert log_parts(member) == [
        ("identity", staff.pk, central.pk),
        ("status", staff.pk, central.pk),
        ("loans", staff.pk, central.pk),
        ("holds", staff.pk, central.pk),
    ]
    assert desk.session["desk_member_id"] == member.pk
    assert answer["member"] == str(member.pk)


def test_a_blocked_member_shows_the_reason(desk: Client, member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(
        status=MemberStatus.BLOCKED, block_reason="Pas kwijt"
    )

    panel = scan(desk, member.card_number)["replace"]["member-panel"]

    assert "Geblokkeerd" in panel
    assert "Pas kwijt" in panel


def test_a_value_that_is_no_card_without_member_is_refused(desk: Client, central: Branch) -> None:
    make_item(central, "30000000000001", "De avonden")

    unknown = scan(desk, "12345")
    item_first = scan(desk, "30000000000001")

    assert "Er is geen lid met dit pasnummer." in unknown["append"]
    assert (
        "Dit is de barcode van een exemplaar. Scan eerst de pas van het lid."
        in item_first["append"]
    )
    assert Loan.objects.count() == 0
    assert AccessLogEntry.objects.count() == 0


def test_scanned_items_are_lent_to_the_member_by_this_staff_at_this_branch(
    desk: Client, staff: User, west: Branch, member: Member
) -> None:
    LoanRule.objects.create(loan_days=21)
    desk.post("/desk/branch/", {"branch": west.pk})
    first = make_item(west, "30000000000001", "De avonden")
    second = make_item(west, "30000000000002", "Max Havelaar")
    scan(desk, member.card_number)

    one = scan(desk, "30000000000001")
    two = scan(desk, "30000000000002")

    loans = list(Loan.objects.order_by("pk"))
    assert [(loan.item_id, loan.member_id, loan.branch_id) for loan in loans] == [
        (first.pk, member.pk, west.pk),
        (second.pk, member.pk, west.pk),
    ]
    assert list(LoanEvent.objects.values_list("staff_id", "via")) == [
        (staff.pk, "desk"),
        (staff.pk, "desk"),
    ]
    assert "De avonden" in one["append"]
    assert "Uitgeleend, terug op" in one["append"]
    assert "Max Havelaar" in two["append"]
    assert one["announce"].startswith("Uitgeleend: De avonden, terug op ")
    # the first loan: the loans section as it is now; the second: its row and the new count
    assert "1 uitlening" in one["replace"]["member-loans"]
    assert "De avonden" in one["replace"]["member-loans"]
    second_loan = Loan.objects.get(item=second)
    assert two["replace"] == {}
    assert two["loan"]["heading"] == "<h3>2 uitleningen</h3>\n"
    assert two["loan"]["row"].startswith(f'<tr id="loan-{second_loan.pk}" data-due="')
    assert "Max Havelaar" in two["loan"]["row"]
    assert two["loan"]["due"] == second_loan.due_date.isoformat()
    # the card scan showed the whole panel, each lend then the member's loans
    assert [part for part, _s, _b in log_parts(member)] == [
        "identity",
        "status",
        "loans",
        "holds",
        "loans",
        "loans",
    ]
    page = desk.get("/desk/").content.decode()
    assert page.index("De avonden") < page.index("Max Havelaar")


def test_a_refused_checkout_shows_the_message_and_changes_nothing(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    scan(desk, member.card_number)
    before = (
        list(Loan.objects.values_list("pk", "member_id", "status")),
        LoanEvent.objects.count(),
    )

    answer = scan(desk, "30000000000001")

    assert "Dit exemplaar is nog uitgeleend aan een ander lid." in answer["append"]
    assert 'class="scan-row refused"' in answer["append"]
    assert (
        list(Loan.objects.values_list("pk", "member_id", "status")),
        LoanEvent.objects.count(),
    ) == before


def test_an_unknown_barcode_is_refused(desk: Client, member: Member) -> None:
    scan(desk, member.card_number)

    answer = scan(desk, "39999999999999")

    assert "Er is geen exemplaar met deze barcode." in answer["append"]
    assert Loan.objects.count() == 0


def test_a_blocked_member_cannot_borrow(desk: Client, central: Branch, member: Member) -> None:
    make_item(central, "30000000000001", "De avonden")
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.BLOCKED)
    scan(desk, member.card_number)

    answer = scan(desk, "30000000000001")

    assert "Dit lid is geblokkeerd: geen reden vastgelegd." in answer["append"]
    assert Loan.objects.count() == 0


def test_scanning_another_card_switches_member_and_starts_a_new_list(
    desk: Client, central: Branch, member: Member, other_member: Member
) -> None:
    make_item(central, "30000000000001", "De avonden")
    scan(desk, member.card_number)
    scan(desk, "30000000000001")

    answer = scan(desk, other_member.card_number)

    assert "Daan Bakker" in answer["replace"]["member-panel"]
    assert answer["clear"] is True
    assert desk.session["desk_member_id"] == other_member.pk
    assert desk.session["desk_checkout_rows"] == []


def test_escape_ends_the_session_with_the_member(desk: Client, member: Member) -> None:
    scan(desk, member.card_number)

    answer = desk.post("/desk/next/", headers=JSON).json()

    assert "Scan de pas van een lid om te beginnen." in answer["replace"]["member-panel"]
    assert answer["member"] == ""
    assert "desk_member_id" not in desk.session
    assert "Sanne" not in desk.get("/desk/").content.decode()


def test_without_script_the_scan_form_posts_and_the_page_shows_the_result(
    desk: Client, central: Branch, member: Member
) -> None:
    make_item(central, "30000000000001", "De avonden")

    assert desk.post("/desk/scan/", {"value": member.card_number})["Location"] == "/desk/"
    page = desk.get("/desk/").content.decode()
    assert f'<input type="hidden" name="member" value="{member.pk}" data-scan-member>' in page
    desk.post("/desk/scan/", {"value": "30000000000001", "member": member.pk})
    page = desk.get("/desk/").content.decode()

    assert "Sanne de Vries" in page
    assert "Uitgeleend, terug op" in page
    assert Loan.objects.get().member_id == member.pk


def test_the_page_reloaded_with_a_member_is_a_new_look(
    desk: Client, staff: User, member: Member
) -> None:
    scan(desk, member.card_number)

    desk.get("/desk/")

    assert [part for part, _s, _b in log_parts(member)] == [
        "identity",
        "status",
        "loans",
        "holds",
    ] * 2


def test_renew_one_loan_of_the_member_being_served(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan = loan_checkout(item=item, member=member, staff=staff, branch=central)
    Loan.objects.filter(pk=loan.pk).update(due_date=timezone.localdate())
    scan(desk, member.card_number)
    AccessLogEntry.objects.all().delete()

    answer = desk.post(f"/desk/loans/{loan.pk}/renew/", {"member": member.pk}, headers=JSON).json()

    loan.refresh_from_db()
    assert loan.renewals == 1
    assert loan.due_date > timezone.localdate()
    assert "De avonden verlengd tot" in answer["replace"]["member-panel"]
    assert log_parts(member) == [  # the panel is shown again
        (part, staff.pk, central.pk) for part in ("identity", "status", "loans", "holds")
    ]


def test_renew_refused_shows_the_message(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan = loan_checkout(item=item, member=member, staff=staff, branch=central)
    hold_place(record=item.record, member=other_member, pickup_branch=central, staff=None)
    scan(desk, member.card_number)
    due = loan.due_date

    answer = desk.post(f"/desk/loans/{loan.pk}/renew/", {"member": member.pk}, headers=JSON).json()

    assert "Niet verlengd: een ander lid wacht op deze titel." in answer["replace"]["member-panel"]
    loan.refresh_from_db()
    assert (loan.due_date, loan.renewals) == (due, 0)


def test_renew_is_only_for_the_member_being_served(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan = loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    scan(desk, member.card_number)

    response = desk.post(f"/desk/loans/{loan.pk}/renew/", {"member": member.pk}, headers=JSON)

    assert response.status_code == 404
    loan.refresh_from_db()
    assert loan.renewals == 0


def test_renew_all(desk: Client, staff: User, central: Branch, member: Member) -> None:
    for n, title in enumerate(["De avonden", "Max Havelaar"]):
        item = make_item(central, f"3000000000000{n}", title)
        loan_checkout(item=item, member=member, staff=staff, branch=central)
    Loan.objects.update(due_date=timezone.localdate())
    scan(desk, member.card_number)

    answer = desk.post("/desk/renew-all/", {"member": member.pk}, headers=JSON).json()

    assert list(Loan.objects.values_list("renewals", flat=True)) == [1, 1]
    assert answer["replace"]["member-panel"].count("verlengd tot") == 2


def test_renew_without_script_redirects_with_a_message(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan = loan_checkout(item=item, member=member, staff=staff, branch=central)
    scan(desk, member.card_number)

    response = desk.post(f"/desk/loans/{loan.pk}/renew/", {"member": member.pk}, follow=True)

    assert response.redirect_chain == [("/desk/", 302)]
    assert "De avonden verlengd tot" in response.content.decode()


def test_the_lending_screen_is_keyboard_ready(desk: Client) -> None:
    html = desk.get("/desk/").content.decode()

    assert '<label for="scan-field">Scan een pas of exemplaar</label>' in html
    assert 'id="scan-field" name="value" type="text" autofocus' in html
    assert 'accesskey="i"' in html
    assert "desk/scan.js" in html
    assert "http://" not in html and "https://" not in html


MISMATCH_NL = (
    "Dit scherm toont niet meer het lid dat wordt geholpen: in een ander venster is een ander "
    "lid gekozen. Er is niets gewijzigd. Scan de pas van het lid opnieuw."
)


def test_an_item_scan_from_a_tab_showing_another_member_is_refused_and_lends_nothing(
    desk: Client, central: Branch, member: Member, other_member: Member
) -> None:
    # Given tab 1 shows Sanne, and tab 2 (same session) then scanned Daan's card
    make_item(central, "30000000000001", "De avonden")
    scan(desk, member.card_number)
    scan(desk, other_member.card_number)
    rows_before = desk.session["desk_checkout_rows"]

    # When tab 1 scans an item, sending the member it shows
    response = desk.post(
        "/desk/scan/", {"value": "30000000000001", "member": member.pk}, headers=JSON
    )

    # Then it is refused with a clear message and nothing changed
    assert response.status_code == 409
    assert response.json() == {"error": MISMATCH_NL}
    assert Loan.objects.count() == 0
    assert LoanEvent.objects.count() == 0
    assert desk.session["desk_member_id"] == other_member.pk
    assert desk.session["desk_checkout_rows"] == rows_before


def test_an_item_scan_from_a_page_showing_nobody_is_refused_while_a_member_is_served(
    desk: Client, central: Branch, member: Member
) -> None:
    make_item(central, "30000000000001", "De avonden")
    scan(desk, member.card_number)

    response = desk.post("/desk/scan/", {"value": "30000000000001", "member": ""}, headers=JSON)

    assert response.status_code == 409
    assert Loan.objects.count() == 0


def test_without_script_a_mismatch_is_refused_with_a_message_on_the_page(
    desk: Client, central: Branch, member: Member, other_member: Member
) -> None:
    make_item(central, "30000000000001", "De avonden")
    scan(desk, other_member.card_number)

    response = desk.post(
        "/desk/scan/", {"value": "30000000000001", "member": member.pk}, follow=True
    )

    assert response.redirect_chain == [("/desk/", 302)]
    assert MISMATCH_NL in response.content.decode()
    assert Loan.objects.count() == 0


def test_renewing_from_a_tab_showing_another_member_renews_nothing(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(central, "30000000000001", "De avonden")
    loan_checkout(item=item, member=other_member, staff=staff, branch=central)
    Loan.objects.update(due_date=timezone.localdate())
    scan(desk, other_member.card_number)
    before = list(Loan.objects.values_list("pk", "due_date", "renewals"))

    response = desk.post("/desk/renew-all/", {"member": member.pk}, headers=JSON)

    assert response.status_code == 409
    assert response.json() == {"error": MISMATCH_NL}
    assert list(Loan.objects.values_list("pk", "due_date", "renewals")) == before


def test_a_loan_without_renewals_left_shows_why_instead_of_a_renew_button(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    LoanRule.objects.create(loan_days=21, renewals_allowed=2)
    used_up = loan_checkout(
        item=make_item(central, "30000000000001", "De avonden"),
        member=member,
        staff=staff,
        branch=central,
    )
    fresh = loan_checkout(
        item=make_item(central, "30000000000002", "Max Havelaar"),
        member=member,
        staff=staff,
        branch=central,
    )
    Loan.objects.filter(pk=used_up.pk).update(renewals=2)
    scan(desk, member.card_number)

    answer = desk.post("/desk/renew-all/", {"member": member.pk}, headers=JSON).json()

    html = answer["replace"]["member-panel"]
    used_up_row = html.split(f'id="loan-{used_up.pk}"')[1].split("</tr>")[0]
    fresh_row = html.split(f'id="loan-{fresh.pk}"')[1].split("</tr>")[0]
    assert "Geen verlengingen meer" in used_up_row
    assert "desk/loans/" not in used_up_row
    assert f'action="/desk/loans/{fresh.pk}/renew/"' in fresh_row
    assert Loan.objects.get(pk=used_up.pk).renewals == 2
