"""Parents and guardians of children under 16, recorded at the desk after a check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import GuardianCheck, GuardianLink, Member, MemberEvent, User
from kaft.members.selectors.family import member_guardian_links
from kaft.members.services.family import guardian_link, guardian_unlink
from tests.factories import MemberFactory, StaffFactory
from tests.factories_family import born_years_ago


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Refusals are compared with their English text here; the Dutch is checked in the pages."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def staff() -> User:
    return StaffFactory.create(username="balie-gezin")


@pytest.fixture
def child() -> Member:
    return MemberFactory.create(
        card_number="21000000001001", date_of_birth=born_years_ago(10, today=TODAY)
    )


@pytest.fixture
def parent() -> Member:
    return MemberFactory.create(
        card_number="21000000001002", date_of_birth=born_years_ago(40, today=TODAY)
    )


def _snapshot() -> list[Any]:
    return [
        list(GuardianLink.objects.order_by("pk").values()),
        list(MemberEvent.objects.order_by("pk").values()),
    ]


def _refused(code: MemberErrorCode, **kwargs: Any) -> str:
    before = _snapshot()
    with pytest.raises(MemberError) as caught:
        guardian_link(checked=GuardianCheck.ID_DOCUMENT, today=TODAY, **kwargs)
    assert caught.value.code == code
    assert _snapshot() == before
    return caught.value.message


def test_link_is_recorded_with_the_check_and_written_on_both(
    child: Member, parent: Member, staff: User
) -> None:
    link = guardian_link(
        child=child,
        guardian=parent,
        checked=GuardianCheck.BIRTH_CERTIFICATE,
        note="  uittreksel BRP gezien ",
        staff=staff,
        today=TODAY,
    )

    link.refresh_from_db()
    assert (link.child_id, link.guardian_id, link.recorded_by_id) == (child.pk, parent.pk, staff.pk)
    assert (link.checked, link.check_note, link.ended_at) == (
        "birth_certificate",
        "uittreksel BRP gezien",
        None,
    )
    assert list(
        MemberEvent.objects.order_by("pk").values_list("member_id", "action", "staff_id", "note")
    ) == [
        (child.pk, "guardian_linked", staff.pk, ""),
        (parent.pk, "guardian_linked", staff.pk, ""),
    ]
    assert member_guardian_links(child) == ([link], [])
    assert member_guardian_links(parent) == ([], [link])


def test_a_child_one_day_before_16_can_be_linked(parent: Member, staff: User) -> None:
    child = MemberFactory.create(date_of_birth=born_years_ago(16, days=1, today=TODAY))

    assert guardian_link(child=child, guardian=parent, checked="other", staff=staff, today=TODAY)


def test_a_child_of_16_is_refused(parent: Member, staff: User) -> None:
    child = MemberFactory.create(date_of_birth=born_years_ago(16, today=TODAY))

    message = _refused(
        MemberErrorCode.GUARDIAN_CHILD_TOO_OLD, child=child, guardian=parent, staff=staff
    )

    assert message == "A parent or guardian can only be recorded for a child under 16."


def test_a_guardian_under_18_is_refused(child: Member, staff: User) -> None:
    young = MemberFactory.create(date_of_birth=born_years_ago(18, days=1, today=TODAY))

    message = _refused(MemberErrorCode.GUARDIAN_TOO_YOUNG, child=child, guardian=young, staff=staff)

    assert message == "A parent or guardian must be 18 or older."


def test_the_member_themself_is_refused(child: Member, staff: User) -> None:
    message = _refused(MemberErrorCode.GUARDIAN_SELF, child=child, guardian=child, staff=staff)

    assert message == "A member cannot be their own parent or guardian."


def test_a_second_open_link_is_refused(child: Member, parent: Member, staff: User) -> None:
    guardian_link(child=child, guardian=parent, checked="id_document", staff=staff, today=TODAY)

    message = _refused(
        MemberErrorCode.GUARDIAN_ALREADY_LINKED, child=child, guardian=parent, staff=staff
    )

    assert message == "This parent or guardian is already recorded for this child."


def test_unlink_ends_the_link_and_writes_it_on_both(
    child: Member, parent: Member, staff: User
) -> None:
    link = guardian_link(
        child=child, guardian=parent, checked="id_document", staff=staff, today=TODAY
    )

    guardian_unlink(link=link, staff=staff)

    link.refresh_from_db()
    assert link.ended_at is not None
    assert list(
        MemberEvent.objects.filter(action="guardian_unlinked")
        .order_by("pk")
        .values_list("member_id", "staff_id")
    ) == [(child.pk, staff.pk), (parent.pk, staff.pk)]
    assert member_guardian_links(child) == ([], [])
    # and a new link may be recorded afterwards
    assert guardian_link(child=child, guardian=parent, checked="other", staff=staff, today=TODAY)


def test_ending_an_ended_link_is_refused(child: Member, parent: Member, staff: User) -> None:
    link = guardian_link(
        child=child, guardian=parent, checked="id_document", staff=staff, today=TODAY
    )
    guardian_unlink(link=link, staff=staff)
    before = _snapshot()

    with pytest.raises(MemberError) as caught:
        guardian_unlink(link=link, staff=staff)

    assert caught.value.message == "This parent or guardian link has already ended."
    assert _snapshot() == before
