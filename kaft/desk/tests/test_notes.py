"""Staff notes at the desk: shown with their expiry (and logged), added within limits, deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import formats, timezone

from kaft.members.models import Member, MemberNote, User
from kaft.privacy.models import AccessLogEntry, DataPart
from tests.factories_family import MemberNoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(desk: Client) -> Client:
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return desk


def _parts(member: Member) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(member=member).order_by("pk").values_list("part", flat=True)
    )


def _date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def test_detail_page_shows_the_notes_with_their_expiry_and_logs_them(
    english: Client, member: Member
) -> None:
    today = timezone.localdate()
    MemberNoteFactory.create(member=member, text="Komt vaak met de rolstoel.", expires_on=today)
    MemberNoteFactory.create(
        member=member, text="Verlopen notitie", expires_on=today - dt.timedelta(days=1)
    )

    html = english.get(f"/desk/members/{member.pk}/").content.decode()

    assert "Komt vaak met de rolstoel." in html
    assert f"deleted on {_date(today)}" in html
    assert "Verlopen notitie" not in html
    assert _parts(member) == [
        DataPart.IDENTITY,
        DataPart.STATUS,
        DataPart.CONTACT,
        DataPart.LOANS,
        DataPart.HOLDS,
        DataPart.NOTES,
    ]


def test_without_notes_the_detail_page_logs_no_notes(english: Client, member: Member) -> None:
    html = english.get(f"/desk/members/{member.pk}/").content.decode()

    assert "No notes." in html
    assert DataPart.NOTES not in _parts(member)


def test_add_a_note_with_the_default_expiry(
    english: Client, member: Member, staff: User, settings: object
) -> None:
    response = english.post(
        f"/desk/members/{member.pk}/notes/",
        {"text": "Wil post op het postadres.", "expires_on": ""},
    )

    assert response["Location"] == f"/desk/members/{member.pk}/"
    note = MemberNote.objects.get()
    assert (note.member_id, note.text, note.created_by_id) == (
        member.pk,
        "Wil post op het postadres.",
        staff.pk,
    )
    assert note.expires_on == timezone.localdate() + dt.timedelta(days=30)
    assert "The note is saved." in english.get(response["Location"]).content.decode()


def test_the_form_offers_the_default_date_and_the_maximum(english: Client, member: Member) -> None:
    today = timezone.localdate()

    html = english.get(f"/desk/members/{member.pk}/notes/").content.decode()

    default = (today + dt.timedelta(days=settings.KAFT_NOTE_DEFAULT_DAYS)).isoformat()
    latest = (today + dt.timedelta(days=settings.KAFT_NOTE_MAX_DAYS)).isoformat()
    assert f'value="{default}"' in html
    assert f'max="{latest}"' in html
    assert _parts(member) == [DataPart.IDENTITY, DataPart.NOTES]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "The expiry date of a note cannot be in the past."),
        (366, "A note can be kept for at most 365 days."),
    ],
)
def test_a_date_out_of_bounds_is_refused(
    english: Client, member: Member, days: int, message: str
) -> None:
    day = timezone.localdate() + dt.timedelta(days=days)

    response = english.post(
        f"/desk/members/{member.pk}/notes/", {"text": "Iets", "expires_on": day.isoformat()}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert MemberNote.objects.count() == 0


def test_delete_a_note_early(english: Client, member: Member, other_member: Member) -> None:
    note = MemberNoteFactory.create(member=member)
    not_this_members = MemberNoteFactory.create(member=other_member)

    english.post(f"/desk/members/{member.pk}/notes/delete/", {"note": not_this_members.pk})
    response = english.post(
        f"/desk/members/{member.pk}/notes/delete/", {"note": note.pk}, follow=True
    )

    assert list(MemberNote.objects.values_list("pk", flat=True)) == [not_this_members.pk]
    assert "The note is deleted." in response.content.decode()


def test_the_notes_page_in_dutch(desk: Client, member: Member) -> None:
    html = desk.get(f"/desk/members/{member.pk}/notes/").content.decode()

    assert "Aantekening toevoegen" in html
