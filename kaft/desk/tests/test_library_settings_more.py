"""The rest of the library's settings at the desk (administrators): opening days, member
categories, message texts with a preview, and the library's own details. Each takes effect
where it is used (a due date, a message, a page, a letter), is refused with a clear message
where it makes no sense (writing nothing), and is recorded with its old and new value."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Branch, ClosedDay, Item
from kaft.catalog.services.calendar import closed_day_add
from kaft.circulation.services import loan_checkout
from kaft.core.library import library
from kaft.core.models import LibraryProfile, SettingChange
from kaft.members.models import (
    Address,
    AddressKind,
    Channel,
    Member,
    MemberCategory,
    MessageType,
    User,
)
from kaft.notices.models import MessageText
from kaft.notices.render import render_message
from kaft.notices.services.letters import print_run_build, print_run_start
from kaft.notices.services.outbox import notice_queue_hold_ready
from tests.factories import ItemFactory, LoanRuleFactory, MemberFactory
from tests.factories_notices import make_preference, make_ready_hold
from tests.pdftext import pdf_lines

pytestmark = pytest.mark.django_db


def _png(size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- opening days -----------------------------------------------------------------------------


def test_a_weekday_closed_at_the_desk_is_skipped_by_the_next_due_date(
    admin: Client, central: Branch, adult: MemberCategory, staff: User
) -> None:
    LoanRuleFactory(loan_days=14)
    due = timezone.localdate() + dt.timedelta(days=14)
    open_days = [day for day in range(7) if day != due.weekday()]
    answer = admin.post(
        reverse("desk:settings_opening_days"),
        {"branch": central.pk, "open_weekdays": open_days},
    )
    assert answer.status_code == 302
    central.refresh_from_db()
    assert central.closed_weekdays == [due.weekday()]
    member = cast(Member, MemberFactory(category=adult, home_branch=central))
    item = cast(Item, ItemFactory(home_branch=central))
    loan = loan_checkout(item=item, member=member, staff=staff, branch=central)
    assert loan.due_date == due + dt.timedelta(days=1)
    change = SettingChange.objects.get(subject="opening_days")
    assert change.target == central.name and change.old == "-" and change.new


def test_a_branch_closed_every_day_is_refused_and_nothing_changes(
    admin: Client, central: Branch
) -> None:
    central.closed_weekdays = [6]
    central.save()
    answer = admin.post(reverse("desk:settings_opening_days"), {"branch": central.pk})
    assert answer.status_code == 400
    assert "minstens één dag per week open" in answer.content.decode()
    central.refresh_from_db()
    assert central.closed_weekdays == [6] and not SettingChange.objects.exists()


# --- member categories ------------------------------------------------------------------------


def _category_form(**values: object) -> dict[str, object]:
    form: dict[str, object] = {
        "name": "Studenten",
        "name_en": "Students",
        "annual_fee": "27,50",
        "fee_period": "yearly",
        "min_age": "18",
        "max_age": "27",
    }
    form.update(values)
    return form


def test_a_category_is_added_changed_and_its_changes_recorded(admin: Client) -> None:
    answer = admin.post(reverse("desk:settings_categories"), _category_form(code="student"))
    assert answer.status_code == 302
    category = MemberCategory.objects.get(code="student")
    assert (category.annual_fee, category.min_age, category.max_age) == (Decimal("27.50"), 18, 27)
    SettingChange.objects.all().delete()

    answer = admin.post(
        reverse("desk:settings_category", args=[category.pk]),
        _category_form(annual_fee="30,00", charges_no_fines="on"),
    )
    assert answer.status_code == 302
    changed = {c.field: (c.old, c.new) for c in SettingChange.objects.all()}
    assert changed == {"annual_fee": ("27.50", "30.00"), "charges_no_fines": ("False", "True")}
    page = admin.get(reverse("desk:settings_categories")).content.decode()
    assert "Studenten" in page and "18 tot 27" in page


def test_an_age_range_that_runs_backwards_is_refused(admin: Client, adult: MemberCategory) -> None:
    before = (adult.name, adult.min_age, adult.max_age)
    answer = admin.post(
        reverse("desk:settings_category", args=[adult.pk]),
        _category_form(name="Anders", min_age="30", max_age="18"),
    )
    assert answer.status_code == 400
    assert "achterstevoren" in answer.content.decode()
    adult.refresh_from_db()
    assert (adult.name, adult.min_age, adult.max_age) == before
    assert not SettingChange.objects.exists()


def test_a_category_with_members_cannot_be_deleted_an_empty_one_can(
    admin: Client, adult: MemberCategory
) -> None:
    MemberFactory(category=adult)
    answer = admin.post(reverse("desk:settings_category_delete", args=[adult.pk]), follow=True)
    assert "zet hen eerst in een andere" in answer.content.decode()
    assert MemberCategory.objects.filter(pk=adult.pk).exists()
    assert not SettingChange.objects.exists()

    empty = MemberCategory.objects.create(code="leeg", name="Leeg", annual_fee=0)
    answer = admin.post(reverse("desk:settings_category_delete", args=[empty.pk]))
    assert answer.status_code == 302
    assert not MemberCategory.objects.filter(pk=empty.pk).exists()
    assert SettingChange.objects.get().old == "Leeg"


# --- message texts ----------------------------------------------------------------------------

OWN = "Hallo! {{ title }} ligt voor u klaar in {{ branch_name }}, tot {{ deadline|date:'d-m-Y' }}."


def _text_url(template: str = "hold_ready", channel: str = "email", language: str = "nl") -> str:
    return reverse("desk:settings_message", args=[template, channel, language])


def test_the_librarys_own_text_is_previewed_then_used_for_the_next_message(admin: Client) -> None:
    form = {"subject": "Uw boek ligt klaar", "body": OWN}
    preview = admin.post(_text_url(), {**form, "preview": "1"}).content.decode()
    assert "Hallo! Het diner ligt voor u klaar in Centrale bibliotheek" in preview
    assert not MessageText.objects.exists()  # a preview saves nothing

    answer = admin.post(_text_url(), {**form, "save": "1"})
    assert answer.status_code == 302
    hold = make_ready_hold(member__preferred_language="nl")
    notice = notice_queue_hold_ready(hold=hold)
    assert notice is not None
    assert notice.subject == "Uw boek ligt klaar"
    assert notice.body.startswith(f"Hallo! {hold.record.title} ligt voor u klaar")
    # only for that channel and language: the English e-mail keeps Kaft's text
    english = make_ready_hold(member__preferred_language="en")
    other = notice_queue_hold_ready(hold=english)
    assert other is not None and other.subject == "Your reservation is ready for pickup"
    change = SettingChange.objects.get(field="subject")
    assert (change.old, change.new, change.subject) == ("", "Uw boek ligt klaar", "message_text")


def test_going_back_to_kafts_text(admin: Client) -> None:
    admin.post(_text_url(), {"subject": "Eigen", "body": OWN, "save": "1"})
    answer = admin.post(reverse("desk:settings_message_remove", args=["hold_ready", "email", "nl"]))
    assert answer.status_code == 302
    assert not MessageText.objects.exists()
    notice = notice_queue_hold_ready(hold=make_ready_hold(member__preferred_language="nl"))
    assert notice is not None and notice.subject == "Uw reservering ligt klaar"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("Beste {{ voornaam }}, uw boek ligt klaar.", "“voornaam” is geen invulveld"),
        ("{% load static %}{{ title }}", "kan niet in een berichttekst staan"),
        ("{% include 'base.html' %}", "kan niet in een berichttekst staan"),
        ("{% if title %}{{ title }}", "De tekst is niet bruikbaar"),
        ("{{ title|nosuchfilter }}", "De tekst is niet bruikbaar"),
    ],
)
def test_a_text_that_cannot_work_is_refused_and_nothing_saved(
    admin: Client, body: str, says: str
) -> None:
    answer = admin.post(_text_url(), {"subject": "Klaar", "body": body, "save": "1"})
    assert answer.status_code == 400
    assert says in answer.content.decode()
    assert not MessageText.objects.exists() and not SettingChange.objects.exists()


def test_a_password_message_must_keep_its_link_and_code(admin: Client) -> None:
    url = _text_url("password_reset")
    answer = admin.post(url, {"subject": "Wachtwoord", "body": "Klik op de link.", "save": "1"})
    assert answer.status_code == 400 and "{{ link }}" in answer.content.decode()
    body = "{% if link %}Open {{ link }}{% else %}Uw code: {{ code }}{% endif %}"
    answer = admin.post(url, {"subject": "Wachtwoord", "body": body, "save": "1"})
    assert answer.status_code == 302


def test_an_sms_text_shows_how_many_parts_it_takes(admin: Client) -> None:
    body = "{{ library_name }}: " + "heel lang " * 20 + "{{ title }}"
    page = admin.post(
        _text_url(channel="sms"), {"subject": "Klaar", "body": body, "preview": "1"}
    ).content.decode()
    assert "Dit sms-bericht beslaat 2 delen" in page


def test_a_message_or_channel_that_does_not_exist_is_not_found(admin: Client) -> None:
    assert admin.get(_text_url("no_such_message")).status_code == 404
    assert admin.get(_text_url("password_reset", channel="sms")).status_code == 404
    assert admin.get(_text_url(language="de")).status_code == 404


def test_texts_cost_no_query_per_message(admin: Client) -> None:
    admin.post(_text_url(), {"subject": "Klaar", "body": OWN, "save": "1"})
    context = {"title": "A", "branch_name": "B", "deadline": timezone.localdate()}
    render_message("hold_ready", language="nl", context=context)  # reads the texts once
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert render_message("hold_ready", language="nl", context=context).subject == "Klaar"
    assert len(queries) == 0


# --- the library's details --------------------------------------------------------------------


def _details(**values: object) -> dict[str, object]:
    form: dict[str, object] = {
        "name": "Bibliotheek Aan Zee",
        "street": "Boulevard 3",
        "postcode": "2586 AA",
        "city": "Den Haag",
        "phone": "070 123 45 67",
        "email": "info@aanzee.example",
        "website": "https://www.aanzee.example",
    }
    form.update(values)
    return form


def test_the_details_show_on_pages_in_messages_and_on_letters(admin: Client) -> None:
    answer = admin.post(
        reverse("desk:settings_library"),
        {**_details(), "logo": SimpleUploadedFile("logo.png", _png(), "image/png")},
    )
    assert answer.status_code == 302
    details = library()
    assert details.name == "Bibliotheek Aan Zee" and details.logo_version

    page = Client().get(reverse("portal:search")).content.decode()
    assert "Bibliotheek Aan Zee" in page and "Boulevard 3" in page and "070 123 45 67" in page
    logo_url = reverse("portal:library_logo", args=[details.logo_version])
    assert logo_url in page
    logo = Client().get(logo_url)
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert logo.content == _png() and "immutable" in logo["Cache-Control"]

    hold = make_ready_hold(member__preferred_language="nl")
    notice = notice_queue_hold_ready(hold=hold)
    assert notice is not None and "Bibliotheek Aan Zee" in notice.body

    member = hold.member
    assert member is not None
    Address.objects.create(
        member=member,
        kind=AddressKind.HOME,
        street="Duinweg",
        house_number="1",
        postcode="2587 AB",
        city="Den Haag",
    )
    make_preference(member=member, message_type=MessageType.HOLD_READY, channel=Channel.LETTER)
    notice_queue_hold_ready(hold=make_ready_hold(member=member))
    run = print_run_build(run_id=print_run_start(staff=None).pk, chunk_size=5)
    assert run is not None
    from django.core.files.storage import storages

    content = storages["files"].open(run.file).read()
    lines = pdf_lines(content)
    assert "Bibliotheek Aan Zee" in lines and "Boulevard 3" in lines
    assert "2586 AA Den Haag" in lines and "Telefoon 070 123 45 67" in lines
    assert b"/Subtype /Image" in content  # the logo on the letter
    assert SettingChange.objects.filter(subject="library", field="name").get().new == (
        "Bibliotheek Aan Zee"
    )


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "PNG- of JPEG"),
        ("logo.png", b"\x89PNG\r\n\x1a\nnot really", "PNG- of JPEG"),
        ("logo.png", None, "hoogstens 512 kB en 2000 bij 2000"),
    ],
)
def test_a_logo_that_is_no_small_picture_is_refused_and_nothing_changes(
    admin: Client, name: str, data: bytes | None, says: str
) -> None:
    upload = SimpleUploadedFile(name, data if data is not None else _png((2400, 10)))
    answer = admin.post(reverse("desk:settings_library"), {**_details(), "logo": upload})
    assert answer.status_code == 400
    assert says in answer.content.decode()
    assert not LibraryProfile.objects.exists() and not SettingChange.objects.exists()


def test_without_details_the_settings_name_the_library(admin: Client) -> None:
    page = admin.get(reverse("desk:settings_library")).content.decode()
    assert 'value="Bibliotheek Kaft"' in page and 'value="Stationsplein 1"' in page
    assert 'value="1234 AB"' in page and 'value="Kaftstad"' in page
    assert Client().get(reverse("portal:library_logo", args=["0"])).status_code == 404


def test_desk_staff_cannot_change_the_librarys_settings(desk: Client) -> None:
    for name in ("desk:settings_library", "desk:settings_messages", "desk:settings_categories"):
        assert desk.get(reverse(name)).status_code == 403
    assert desk.post(reverse("desk:settings_library"), _details()).status_code == 403
    assert not LibraryProfile.objects.exists()


def test_a_closed_day_gone_by_is_refused_by_the_service_itself(central: Branch) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(CatalogError) as refused:
        closed_day_add(branches=[central], date=yesterday, reason="Te laat", staff=None)
    assert refused.value.code == CatalogErrorCode.CLOSED_DAY_IN_PAST
    assert not ClosedDay.objects.exists() and not SettingChange.objects.exists()
