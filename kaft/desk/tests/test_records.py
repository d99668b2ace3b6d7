"""Titles at the desk: the title page with its buttons, the title form (new and changed), the MARC
editor, merging, deleting and copying by ISBN. Refusals say why, answer 400 and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from kaft.catalog.marc.editing import marc_load, marc_text
from kaft.catalog.models import Branch, Item, Record, RecordAction, RecordEvent
from kaft.members.models import User
from kaft.privacy.models import AccessLogEntry
from tests.factories import ItemFactory, RecordFactory, StaffFactory
from tests.factories_security import staff_with_role
from tests.sru_server import SruServer, sample_record

pytestmark = pytest.mark.django_db

ISBN = "9789023466642"


def _form(**changes: str) -> dict[str, str]:
    data = {
        "title": "De avonden",
        "subtitle": "een winterverhaal",
        "isbn": "90-234-6664-0",
        "publisher": "De Bezige Bij",
        "year": "1947",
        "language": "dut",
        "material_type": "book",
        "audience": "adult",
        "subjects": "Naoorlogse literatuur\nAmsterdam",
        "summary": "Tien dagen uit het leven van Frits van Egters.",
        "name_0": "Reve, Gerard",
        "role_0": "aut",
        "name_1": "Vries, Theun de",
        "role_1": "ill",
        "name_2": "",
        "role_2": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def record(central: Branch) -> Record:
    item = cast(
        Item, ItemFactory(barcode="3000123", home_branch=central, record__title="Max Havelaar")
    )
    return item.record


def test_the_items_page_offers_new_title_and_copy_by_isbn(desk: Client, record: Record) -> None:
    html = desk.get(reverse("desk:items"), {"q": "3000123"}).content.decode()
    assert 'id="record-new"' in html and "Nieuwe titel" in html
    assert 'id="record-copy"' in html and "Overnemen via ISBN" in html
    assert reverse("desk:record", args=[record.pk]) in html


def test_the_title_page_has_its_buttons_and_copies(desk: Client, record: Record) -> None:
    page = desk.get(reverse("desk:record", args=[record.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for button in ("Titel bewerken", "MARC bewerken", "Samenvoegen", "Verwijderen"):
        assert button in html
    assert "3000123" in html and "Max Havelaar" in html
    assert not AccessLogEntry.objects.exists()


def test_a_new_title_is_described_in_the_form(desk: Client, staff: User) -> None:
    answer = desk.post(reverse("desk:record_new"), _form())
    assert answer.status_code == 302, answer.content.decode()[:2000]
    made = Record.objects.get(title="De avonden")
    assert answer["Location"] == reverse("desk:record", args=[made.pk])
    assert (made.isbn, made.year, made.contributors) == (
        ISBN,
        1947,
        "Reve, Gerard\nVries, Theun de",
    )
    marc = marc_load(made.marc)
    assert marc is not None and "700 1_ $a Vries, Theun de $e illustrator $4 ill" in marc_text(marc)
    page = desk.get(answer["Location"]).content.decode()
    assert "De titel is beschreven." in page and "Beschreven" in page


def test_a_bad_isbn_is_refused_in_the_form_and_nothing_is_made(desk: Client) -> None:
    answer = desk.post(reverse("desk:record_new"), _form(isbn="9789023466641"))
    assert answer.status_code == 400
    assert "geen geldig ISBN" in answer.content.decode()
    assert not Record.objects.exists()


def test_the_form_shows_and_changes_a_title(desk: Client, staff: User) -> None:
    desk.post(reverse("desk:record_new"), _form())
    made = Record.objects.get()
    page = desk.get(reverse("desk:record_edit", args=[made.pk])).content.decode()
    assert 'value="Reve, Gerard"' in page and 'value="aut" selected' in page

    answer = desk.post(
        reverse("desk:record_edit", args=[made.pk]), _form(year="2009", role_1="trl")
    )
    assert answer.status_code == 302
    made.refresh_from_db()
    assert made.year == 2009
    event = RecordEvent.objects.get(record=made, action=RecordAction.EDIT)
    assert event.changes == {"year": ["1947", "2009"]}  # a role lives in the MARC, not a column
    marc = marc_load(made.marc)
    assert marc is not None and "$e translator $4 trl" in marc_text(marc)


def test_the_marc_editor_saves_and_refuses_with_the_line(desk: Client, record: Record) -> None:
    url = reverse("desk:record_marc", args=[record.pk])
    text = desk.get(url).context["form"]["marc"].value()
    assert "$a Max Havelaar" in text

    refused = desk.post(url, {"marc": text + "\n65 _4 $a Koloniaal"})
    assert refused.status_code == 400
    assert "Regel" in refused.content.decode() and "drie cijfers" in refused.content.decode()
    assert not RecordEvent.objects.exists()

    saved = desk.post(url, {"marc": text + "\n650 _4 $a Koloniaal verleden"})
    assert saved.status_code == 302
    record.refresh_from_db()
    assert record.subject_list == ["Koloniaal verleden"]


def test_merging_from_the_desk_asks_to_confirm_then_merges(
    desk: Client, record: Record, central: Branch
) -> None:
    other = cast(
        Item, ItemFactory(barcode="3000999", home_branch=central, record__title="Havelaar, Max")
    ).record
    url = reverse("desk:record_merge", args=[record.pk])

    preview = desk.post(url, {"other": "3000999"})  # a copy's barcode finds its title
    assert preview.status_code == 200
    assert "Havelaar, Max" in preview.content.decode() and Record.objects.count() == 2

    done = desk.post(url, {"other_id": str(other.pk), "confirm": "yes"})
    assert done.status_code == 302
    assert not Record.objects.filter(pk=other.pk).exists()
    assert Item.objects.get(barcode="3000999").record_id == record.pk


def test_merging_a_title_with_itself_is_refused_at_the_desk(desk: Client, record: Record) -> None:
    url = reverse("desk:record_merge", args=[record.pk])
    answer = desk.post(url, {"other": str(record.pk)})
    assert answer.status_code == 400
    assert "niet met zichzelf" in answer.content.decode()
    forged = desk.post(url, {"other_id": str(record.pk), "confirm": "yes"})
    assert forged.status_code == 400
    assert Record.objects.filter(pk=record.pk).exists()


def test_deleting_is_refused_while_copies_exist_and_done_without(
    desk: Client, record: Record
) -> None:
    refused = desk.post(reverse("desk:record_delete", args=[record.pk]))
    assert refused.status_code == 400
    assert "nog 1 exemplaren" in refused.content.decode()
    assert Record.objects.filter(pk=record.pk).exists()

    lonely = cast(Record, RecordFactory(title="Zonder exemplaren"))
    done = desk.post(reverse("desk:record_delete", args=[lonely.pk]))
    assert done.status_code == 302
    assert not Record.objects.filter(pk=lonely.pk).exists()
    assert RecordEvent.objects.get(record_number=lonely.pk).action == RecordAction.DELETE


@pytest.fixture
def sru(settings: Any) -> Iterator[SruServer]:
    with SruServer([sample_record()]) as server:
        settings.KAFT_SRU_URL = server.url
        settings.KAFT_SRU_TIMEOUT = 1
        yield server


def test_copying_by_isbn_shows_hits_and_takes_one_over(desk: Client, sru: SruServer) -> None:
    url = reverse("desk:record_copy")
    page = desk.get(url, {"isbn": ISBN})
    html = page.content.decode()
    assert page.status_code == 200 and "De avonden" in html and "Overnemen" in html

    taken = desk.post(url, {"isbn": ISBN, "position": "1", "control_number": "41434311X"})
    assert taken.status_code == 302
    record = Record.objects.get(isbn=ISBN)
    assert taken["Location"] == reverse("desk:record", args=[record.pk])

    again = desk.get(url, {"isbn": ISBN}).content.decode()  # now it says where it is
    assert "Staat al in de catalogus als titel" in again
    assert reverse("desk:record", args=[record.pk]) in again


def test_a_failing_catalogue_is_told_at_the_desk(desk: Client, sru: SruServer) -> None:
    sru.answer_next("malformed")
    page = desk.get(reverse("desk:record_copy"), {"isbn": ISBN})
    assert page.status_code == 200
    assert "niet kan lezen" in page.content.decode()
    sru.answer_next("diagnostic")
    refused = desk.post(
        reverse("desk:record_copy"), {"isbn": ISBN, "position": "1", "control_number": "41434311X"}
    )
    assert refused.status_code == 400
    assert "Query syntax error" in refused.content.decode()
    assert not Record.objects.exists()


def test_finance_staff_may_not_describe_titles(central: Branch, record: Record) -> None:
    from tests.factories_desk import staff_login

    finance = staff_with_role("finance", branch=central)
    client = staff_login(Client(), finance)
    for name, args in (("desk:record", [record.pk]), ("desk:record_new", [])):
        assert client.get(reverse(name, args=args)).status_code == 403
    desk_staff = cast(User, StaffFactory(profile__branch=central))
    client = Client()
    client.force_login(desk_staff)
    assert client.get(reverse("desk:record_new")).status_code == 200


def test_without_a_catalogue_to_copy_from_the_desk_says_so(desk: Client, settings: Any) -> None:
    settings.KAFT_SRU_URL = ""
    page = desk.get(reverse("desk:record_copy"), {"isbn": ISBN})
    assert page.status_code == 200
    assert "KAFT_SRU_URL" in page.content.decode()
    refused = desk.post(
        reverse("desk:record_copy"), {"isbn": ISBN, "position": "1", "control_number": "x"}
    )
    assert refused.status_code == 400
    assert not Record.objects.exists() and not RecordEvent.objects.exists()
