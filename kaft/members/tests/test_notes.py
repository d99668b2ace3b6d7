"""Staff notes: always an expiry, within the library's maximum; expired notes are never shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import Member, MemberNote, User
from kaft.members.selectors.family import member_notes
from kaft.members.services.notes import note_add, note_delete
from tests.factories import MemberFactory, StaffFactory
from tests.factories_family import MemberNoteFactory


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Refusals are compared with their English text here; the Dutch is checked in the pages."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def member() -> Member:
    return MemberFactory.create()


@pytest.fixture
def staff() -> User:
    return StaffFactory.create(username="balie-notities")


def _refused(code: MemberErrorCode, **kwargs: Any) -> str:
    before = list(MemberNote.objects.values())
    with pytest.raises(MemberError) as caught:
        note_add(now=NOW, **kwargs)
    assert caught.value.code == code
    assert list(MemberNote.objects.values()) == before
    return caught.value.message


def test_a_note_without_a_date_expires_after_the_default_days(
    member: Member, staff: User, settings: Any
) -> None:
    settings.KAFT_NOTE_DEFAULT_DAYS = 30

    note = note_add(
        member=member, text="  Leest graag grote letters.  ", expires_on=None, staff=staff, now=NOW
    )

    note.refresh_from_db()
    assert (note.member_id, note.text, note.created_by_id) == (
        member.pk,
        "Leest graag grote letters.",
        staff.pk,
    )
    assert (note.created_at, note.expires_on) == (NOW, dt.date(2026, 12, 20))


def test_today_and_the_maximum_are_allowed(member: Member, staff: User, settings: Any) -> None:
    settings.KAFT_NOTE_MAX_DAYS = 365

    today = note_add(member=member, text="a", expires_on=TODAY, staff=staff, now=NOW)
    latest = note_add(
        member=member, text="b", expires_on=dt.date(2027, 11, 20), staff=staff, now=NOW
    )

    assert (today.expires_on, latest.expires_on) == (TODAY, dt.date(2027, 11, 20))


def test_a_date_in_the_past_is_refused(member: Member, staff: User) -> None:
    message = _refused(
        MemberErrorCode.NOTE_IN_PAST,
        member=member,
        text="Te laat",
        expires_on=dt.date(2026, 11, 19),
        staff=staff,
    )

    assert message == "The expiry date of a note cannot be in the past."


def test_a_date_beyond_the_maximum_is_refused(member: Member, staff: User, settings: Any) -> None:
    settings.KAFT_NOTE_MAX_DAYS = 90

    message = _refused(
        MemberErrorCode.NOTE_TOO_LONG,
        member=member,
        text="Te lang",
        expires_on=dt.date(2027, 2, 19),
        staff=staff,
    )

    assert message == "A note can be kept for at most 90 days."


def test_an_empty_note_is_refused(member: Member, staff: User) -> None:
    message = _refused(
        MemberErrorCode.NOTE_EMPTY, member=member, text="   ", expires_on=None, staff=staff
    )

    assert message == "Write something in the note."


def test_delete_removes_the_note_at_once(member: Member, staff: User) -> None:
    note = MemberNoteFactory.create(member=member)
    other = MemberNoteFactory.create(member=member)

    note_delete(note=note, staff=staff)
    note_delete(note=note, staff=staff)  # twice: harmless

    assert list(MemberNote.objects.values_list("pk", flat=True)) == [other.pk]


def test_expired_notes_are_never_shown(member: Member) -> None:
    today = timezone.localdate()
    MemberNoteFactory.create(
        member=member, text="gisteren", expires_on=today - dt.timedelta(days=1)
    )
    last_day = MemberNoteFactory.create(member=member, text="vandaag", expires_on=today)
    MemberNoteFactory.create(text="van een ander")

    assert list(member_notes(member)) == [last_day]
