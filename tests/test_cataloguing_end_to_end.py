"""A new book's way into the collection, across the desk and the catalogue: a cataloguer copies
its record by ISBN from the national catalogue (a real SRU stand-in on 127.0.0.1), adds a copy,
prints its spine label, and the copy is lent at checkout."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from kaft.catalog.models import Branch, ItemStatus, Record, RecordAction, RecordEvent
from kaft.catalog.search import search_records
from kaft.catalog.services.items import item_add
from kaft.circulation.models import LoanStatus
from kaft.circulation.services import loan_checkout
from kaft.members.models import User
from tests.factories import BranchFactory, LoanRuleFactory, MemberFactory, StaffFactory
from tests.pdftext import pdf_lines
from tests.sru_server import SruServer, sample_record

ISBN = "9789023466642"


@pytest.mark.django_db
def test_a_new_book_goes_from_copy_cataloguing_to_a_loan(settings: Any) -> None:
    # Given a branch, a cataloguer at its desk, a member, and the national catalogue over SRU
    LoanRuleFactory()
    branch = cast(Branch, BranchFactory(code="centrale", name="Centrale Bibliotheek"))
    staff = cast(User, StaffFactory(profile__branch=branch))
    member = MemberFactory(home_branch=branch)
    desk = Client()
    desk.force_login(staff)
    with SruServer([sample_record(isbn=ISBN)]) as sru:
        settings.KAFT_SRU_URL = sru.url

        # When the cataloguer scans the book's ISBN on "Copy by ISBN" and takes the record over
        page = desk.get(reverse("desk:record_copy"), {"isbn": "90-234-6664-0"})
        assert page.status_code == 200 and "De avonden" in page.content.decode()
        taken = desk.post(
            reverse("desk:record_copy"),
            {"isbn": ISBN, "position": "1", "control_number": "41434311X"},
        )
        assert taken.status_code == 302
    record = Record.objects.get(isbn=ISBN)
    assert taken["Location"] == reverse("desk:record", args=[record.pk])
    assert RecordEvent.objects.get(record=record).action == RecordAction.TAKE
    assert [r.pk for r in search_records(query="avonden").records] == [record.pk]

    # and adds the copy in hand, with its call number
    item = item_add(
        record=record, barcode="30001234567890", branch=branch, staff=staff, call_number="R REVE"
    )

    # and prints its spine label
    label = desk.post(
        reverse("desk:copy_labels"),
        {"barcodes": item.barcode, "kind": "spine", "sheet": "l7651", "start": "1"},
    )
    assert label.status_code == 200 and label["Content-Type"] == "application/pdf"
    lines = pdf_lines(label.content)
    assert "R" in lines and "REVE" in lines and "centrale" in lines

    # Then the copy is lent at checkout
    loan = loan_checkout(item=item, member=member, staff=staff, branch=branch)
    item.refresh_from_db()
    assert (loan.status, loan.record_id, item.status) == (
        LoanStatus.OPEN,
        record.pk,
        ItemStatus.ON_LOAN,
    )
    # and the title's page at the desk shows the copy as lent, with the history of the title
    page = desk.get(reverse("desk:record", args=[record.pk])).content.decode()
    assert "30001234567890" in page and "Uitgeleend" in page
    assert "Overgenomen uit een andere catalogus" in page
