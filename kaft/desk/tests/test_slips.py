"""Receipts and slips at the desk: what they say, what they never say, and the PDF of each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client, override_settings

from kaft.catalog.models import Branch
from kaft.circulation.models import Hold, Loan
from kaft.circulation.services import hold_place, loan_checkout
from kaft.members.models import Member, MemberCategory, MessageType, User
from kaft.notices.models import Notice
from kaft.privacy.models import AccessLogEntry
from tests.factories_desk import JSON, log_parts, make_item
from tests.pdftext import pdf_lines, pdf_page_sizes_mm

# What may never be on a receipt or a slip of Sanne de Vries (card 21000000000042).
PRIVATE = ("Sanne", "Vries", "Kastanjelaan", "3512", "sanne@example.org", "0612345678", "1985")


def scan(client: Client, value: str) -> None:
    member = str(client.session.get("desk_member_id", ""))
    response = client.post("/desk/scan/", {"value": value, "member": member}, headers=JSON)
    assert response.status_code == 200


def lend_two(desk: Client, central: Branch, member: Member) -> None:
    """Sanne borrows two books in this session, due 17 and 24 December 2026."""
    make_item(central, "30000000000001", "De avonden")
    make_item(central, "30000000000002", "Max Havelaar")
    scan(desk, member.card_number)
    scan(desk, "30000000000001")
    scan(desk, "30000000000002")
    Loan.objects.filter(item__barcode="30000000000001").update(due_date=dt.date(2026, 12, 24))
    Loan.objects.filter(item__barcode="30000000000002").update(due_date=dt.date(2026, 12, 17))
    AccessLogEntry.objects.all().delete()


def visible(html: str) -> str:
    return html[html.index('<article class="slip"') : html.index("</article>")]


def test_the_receipt_lists_this_sessions_titles_and_due_dates_and_nothing_personal(
    desk: Client, staff: User, central: Branch, member: Member
) -> None:
    lend_two(desk, central, member)

    response = desk.get("/desk/receipt/")

    slip = visible(response.content.decode())
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert '<p class="slip-library">Bibliotheek Kaft</p>' in slip
    assert "Centrale Bibliotheek<br>" in slip
    assert "Pas …0042" in slip
    assert [line.split("</span>")[0] for line in slip.split('<span class="slip-title">')[1:]] == [
        "Max Havelaar",
        "De avonden",
    ]
    assert "Inleveren uiterlijk 17-12-2026" in slip and "Inleveren uiterlijk 24-12-2026" in slip
    for private in PRIVATE:
        assert private not in slip, private
    assert log_parts(member) == [("loans", staff.pk, central.pk)]


def test_the_receipt_as_pdf_is_80_mm_wide_and_says_the_same(
    desk: Client, central: Branch, member: Member
) -> None:
    lend_two(desk, central, member)

    response = desk.get("/desk/receipt/pdf/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="bon.pdf"'
    assert "no-store" in response["Cache-Control"]
    [(width, height)] = pdf_page_sizes_mm(response.content)
    assert width == 80.0 and 40 < height < 120
    lines = pdf_lines(response.content)
    assert lines[:2] == ["Bibliotheek Kaft", "Centrale Bibliotheek"]
    assert lines[3:9] == [
        "Pas ...0042",
        "Geleend",
        "Max Havelaar",
        "Inleveren uiterlijk 17-12-2026",
        "De avonden",
        "Inleveren uiterlijk 24-12-2026",
    ]
    for private in PRIVATE:
        assert not [line for line in lines if private in line], private


def test_no_receipt_without_a_member_being_served(desk: Client) -> None:
    response = desk.get("/desk/receipt/pdf/", follow=True)

    assert response.redirect_chain == [("/desk/", 302)]
    assert "U helpt nu niemand: scan eerst de pas van het lid." in response.content.decode()


def test_the_lending_screen_offers_the_receipt_once_a_member_is_served(
    desk: Client, central: Branch, member: Member
) -> None:
    assert 'href="/desk/receipt/"' not in desk.get("/desk/").content.decode()

    scan(desk, member.card_number)

    page = desk.get("/desk/").content.decode()
    assert '<a class="button" href="/desk/receipt/">Bon afdrukken</a>' in page
    assert '<a href="/desk/receipt/pdf/">Bon als pdf</a>' in page


def ready_hold(staff: User, central: Branch, member: Member, other: Member) -> Hold:
    item = make_item(central, "30000000000009", "Het achterhuis")
    loan_checkout(item=item, member=other, staff=staff, branch=central)
    hold_place(record=item.record, member=member, pickup_branch=central, staff=None)
    from kaft.circulation.services import loan_checkin

    loan_checkin(item=item, branch=central, staff=staff)
    hold = Hold.objects.get(member=member)
    Hold.objects.filter(pk=hold.pk).update(pickup_deadline=dt.date(2026, 12, 15))
    AccessLogEntry.objects.all().delete()
    return hold


def test_the_holds_shelf_slip_gives_initials_and_card_digits_never_the_name(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    hold = ready_hold(staff, central, member, other_member)

    slip = visible(desk.get(f"/desk/slips/hold/{hold.pk}/").content.decode())
    pdf = pdf_lines(desk.get(f"/desk/slips/hold/{hold.pk}/pdf/").content)

    assert '<p class="slip-label">Voor</p>\n<p class="slip-big">S.d.V. …0042</p>' in slip
    assert "Ophalen uiterlijk 15-12-2026" in slip
    assert "Het achterhuis</span><br>30000000000009" in slip
    assert pdf == [
        "Reservering",
        "Centrale Bibliotheek",
        "Voor",
        "S.d.V. ...0042",
        "Ophalen uiterlijk 15-12-2026",
        "Het achterhuis",
        "30000000000009",
    ]
    for private in PRIVATE:
        assert private not in slip and not [line for line in pdf if private in line], private
    assert [part for part, _s, _b in log_parts(member)] == ["identity", "holds"] * 2


@override_settings(KAFT_PICKUP_LABEL="number")
def test_the_holds_shelf_slip_with_pickup_numbers_shows_no_member_data(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    hold = ready_hold(staff, central, member, other_member)

    slip = visible(desk.get(f"/desk/slips/hold/{hold.pk}/").content.decode())

    assert f'<p class="slip-label">Afhaalnummer</p>\n<p class="slip-big">{hold.pk}</p>' in slip
    assert "0042" not in slip and "S.d.V." not in slip
    assert log_parts(member) == []


def test_the_default_pickup_label_is_initials() -> None:
    assert settings.KAFT_PICKUP_LABEL == "initials"


def test_a_holds_shelf_slip_only_for_a_reservation_ready_here(
    desk: Client, staff: User, central: Branch, west: Branch, member: Member, other_member: Member
) -> None:
    hold = ready_hold(staff, central, member, other_member)
    Hold.objects.filter(pk=hold.pk).update(pickup_branch=west)

    assert desk.get(f"/desk/slips/hold/{hold.pk}/").status_code == 404
    assert desk.get(f"/desk/slips/hold/{hold.pk}/pdf/").status_code == 404
    assert log_parts(member) == []


def test_the_transit_slip_names_destination_title_and_barcode(
    desk: Client, central: Branch, west: Branch
) -> None:
    item = make_item(west, "30000000000005", "Turks fruit")
    desk.post("/desk/checkin/scan/", {"value": "30000000000005"}, headers=JSON)

    page = desk.get("/desk/checkin/").content.decode()
    slip = visible(desk.get(f"/desk/slips/transit/{item.pk}/").content.decode())
    pdf = pdf_lines(desk.get(f"/desk/slips/transit/{item.pk}/pdf/").content)

    assert f'<a class="slip-link" href="/desk/slips/transit/{item.pk}/">Transportstrook</a>' in page
    assert '<p class="slip-big">Vestiging West</p>' in slip
    assert "Turks fruit</span><br>30000000000005" in slip
    assert pdf[:4] == ["Transport naar", "Vestiging West", "Turks fruit", "30000000000005"]
    assert pdf[4].startswith("Van Centrale Bibliotheek, ")


def test_no_transit_slip_for_a_copy_that_is_not_travelling(desk: Client, central: Branch) -> None:
    item = make_item(central, "30000000000006", "Nooit meer slapen")

    assert desk.get(f"/desk/slips/transit/{item.pk}/").status_code == 404


def test_the_receipt_is_e_mailed_at_the_end_of_the_session_when_the_member_chose_it(
    desk: Client, central: Branch, member: Member
) -> None:
    Member.objects.filter(pk=member.pk).update(email_receipt=True)
    lend_two(desk, central, member)

    desk.post("/desk/next/", {"member": str(member.pk)}, headers=JSON)
    desk.post("/desk/next/", {"member": ""}, headers=JSON)  # nobody served: nothing more

    notice = Notice.objects.get()
    assert (notice.message_type, notice.recipient, notice.status) == (
        MessageType.LOAN_RECEIPT,
        "sanne@example.org",
        "pending",
    )
    assert notice.subject.startswith("Uw bon van ")
    assert "- Max Havelaar\n    inleveren uiterlijk 17-12-2026\n" in notice.body
    assert "- De avonden\n    inleveren uiterlijk 24-12-2026\n" in notice.body
    assert "bij Centrale Bibliotheek het volgende geleend" in notice.body
    for private in ("Sanne", "Vries", "0042", "Kastanjelaan"):
        assert private not in notice.subject + notice.body


@pytest.mark.parametrize("chose", [False, True])
def test_no_e_mailed_receipt_unless_chosen_and_something_was_lent(
    desk: Client, central: Branch, member: Member, chose: bool
) -> None:
    Member.objects.filter(pk=member.pk).update(email_receipt=chose)
    scan(desk, member.card_number)
    if not chose:
        make_item(central, "30000000000001", "De avonden")
        scan(desk, "30000000000001")

    desk.post("/desk/next/", {"member": str(member.pk)}, headers=JSON)

    assert Notice.objects.count() == 0


def test_staff_record_the_choice_of_an_e_mailed_receipt(
    desk: Client, central: Branch, adult: MemberCategory, member: Member
) -> None:
    from kaft.desk.tests.test_members import registration

    desk.post("/desk/members/new/", registration(adult, central, email_receipt="on"))
    desk.post(
        f"/desk/members/{member.pk}/edit/",
        {
            "form": "contact",
            "contact-email": "sanne@example.org",
            "contact-preferred_language": "nl",
            "contact-email_receipt": "on",
            "contact-street": "Kastanjelaan",
            "contact-house_number": "7",
            "contact-postcode": "3512 AB",
            "contact-city": "Utrecht",
        },
    )

    assert Member.objects.get(card_number="21000000000777").email_receipt is True
    member.refresh_from_db()
    assert member.email_receipt is True
    page = desk.get(f"/desk/members/{member.pk}/edit/").content.decode()
    assert 'name="contact-email_receipt" id="id_contact-email_receipt" checked' in page


@override_settings(KAFT_PICKUP_LABEL="number")
def test_with_pickup_numbers_the_holds_shelf_list_shows_the_number(
    desk: Client, staff: User, central: Branch, member: Member, other_member: Member
) -> None:
    hold = ready_hold(staff, central, member, other_member)

    page = desk.get("/desk/holds-shelf/").content.decode()

    row = page[page.index(f'<tr id="shelf-{hold.pk}"') :]
    assert row.split("<td>")[1] == f"{hold.pk}</td>\n      "
    assert "…0042" not in page
