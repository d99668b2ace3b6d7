"""Correcting name and date of birth: asked by the member, decided at the desk after an ID check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import (
    IdentityChangeRequest,
    Member,
    MemberAction,
    MemberCategory,
    MemberEvent,
    RequestStatus,
)
from kaft.members.services.identity import (
    identity_change_approve,
    identity_change_refuse,
    identity_change_request,
    identity_change_withdraw,
)
from tests.factories import MemberCategoryFactory
from tests.factories_rights import make_member, make_staff

pytestmark = pytest.mark.django_db

NEW_BIRTH = dt.date(1986, 5, 3)


def _ask(member: Member, **changes: object) -> IdentityChangeRequest:
    values: dict[str, object] = {
        "first_name": "Sanne",
        "name_prefix": "van",
        "last_name": "Dijk",
        "date_of_birth": NEW_BIRTH,
    }
    values.update(changes)
    return identity_change_request(member=member, **values)  # type: ignore[arg-type]


def _actions(member: Member) -> list[tuple[str, int | None, str]]:
    return list(
        MemberEvent.objects.filter(member=member)
        .order_by("pk")
        .values_list("action", "staff_id", "note")
    )


def test_the_member_asks_and_nothing_changes_yet() -> None:
    member = make_member(first_name="Sanne", last_name="Dijkstra")

    request = _ask(member)

    assert request.status == RequestStatus.PENDING
    assert (request.first_name, request.name_prefix, request.last_name) == ("Sanne", "van", "Dijk")
    assert request.date_of_birth == NEW_BIRTH
    member.refresh_from_db()
    assert member.last_name == "Dijkstra"
    assert _actions(member) == [(MemberAction.IDENTITY_CHANGE_REQUESTED, None, "")]


def test_a_second_request_while_one_waits_is_refused() -> None:
    member = make_member()
    _ask(member)

    with pytest.raises(MemberError) as refused:
        _ask(member, last_name="Anders")

    assert refused.value.code == MemberErrorCode.IDENTITY_REQUEST_PENDING
    with translation.override("en"):
        assert refused.value.message == (
            "You already asked for a correction; wait for the answer or withdraw it first."
        )
    with translation.override("nl"):
        assert refused.value.message == (
            "U hebt al om een correctie gevraagd; wacht op het antwoord of trek het verzoek "
            "eerst in."
        )
    assert IdentityChangeRequest.objects.filter(member=member).count() == 1
    assert len(_actions(member)) == 1


def test_asking_for_the_details_we_have_is_refused() -> None:
    member = make_member(first_name="Sanne", name_prefix="", last_name="Dijk")

    with pytest.raises(MemberError) as refused:
        _ask(member, name_prefix="", date_of_birth=member.date_of_birth)

    assert refused.value.code == MemberErrorCode.IDENTITY_REQUEST_NO_CHANGE
    assert IdentityChangeRequest.objects.count() == 0
    assert _actions(member) == []


def test_approving_applies_the_details_and_records_the_document_kind() -> None:
    member = make_member(first_name="Sanne", last_name="Dijkstra")
    staff = make_staff()
    request = _ask(member)

    identity_change_approve(request=request, document_seen="passport", staff=staff)

    member.refresh_from_db()
    assert (member.first_name, member.name_prefix, member.last_name) == ("Sanne", "van", "Dijk")
    assert member.date_of_birth == NEW_BIRTH
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.document_seen == "passport"
    assert request.decided_by == staff
    assert _actions(member) == [
        (MemberAction.IDENTITY_CHANGE_REQUESTED, None, ""),
        (MemberAction.IDENTITY_CHANGED, staff.pk, ""),
    ]


def test_approving_without_a_document_kind_is_refused_and_changes_nothing() -> None:
    member = make_member(last_name="Dijkstra")
    request = _ask(member)

    with pytest.raises(MemberError) as refused:
        identity_change_approve(request=request, document_seen="", staff=make_staff())

    assert refused.value.code == MemberErrorCode.IDENTITY_DOCUMENT_REQUIRED
    member.refresh_from_db()
    request.refresh_from_db()
    assert member.last_name == "Dijkstra"
    assert request.status == RequestStatus.PENDING


def test_a_birth_date_that_does_not_fit_the_category_refuses_everything() -> None:
    youth: MemberCategory = MemberCategoryFactory.create(code="youth", name="Jeugd", max_age=18)
    member = make_member(last_name="Dijkstra", category=youth, date_of_birth=dt.date(2015, 1, 1))
    request = _ask(member, date_of_birth=dt.date(1990, 1, 1))

    with pytest.raises(MemberError) as refused:
        identity_change_approve(request=request, document_seen="id_card", staff=make_staff())

    assert refused.value.code == MemberErrorCode.TOO_OLD_FOR_CATEGORY
    member.refresh_from_db()
    request.refresh_from_db()
    assert (member.last_name, member.date_of_birth) == ("Dijkstra", dt.date(2015, 1, 1))
    assert request.status == RequestStatus.PENDING
    assert len(_actions(member)) == 1


def test_refusing_needs_a_reason_kept_on_the_request_and_the_history_says_refused() -> None:
    member = make_member(last_name="Dijkstra")
    staff = make_staff()
    request = _ask(member)

    with pytest.raises(MemberError) as refused:
        identity_change_refuse(request=request, reason="  ", staff=staff)
    assert refused.value.code == MemberErrorCode.IDENTITY_REFUSAL_REASON_REQUIRED

    identity_change_refuse(request=request, reason="Naam op paspoort is anders", staff=staff)

    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.reason == "Naam op paspoort is anders"
    member.refresh_from_db()
    assert member.last_name == "Dijkstra"
    # The reason is not copied into the history, which outlives the request's own rule.
    assert _actions(member)[-1] == (MemberAction.IDENTITY_CHANGE_REFUSED, staff.pk, "")


def test_an_answered_request_cannot_be_decided_again() -> None:
    member = make_member()
    staff = make_staff()
    request = _ask(member)
    identity_change_refuse(request=request, reason="Geen ID", staff=staff)

    with pytest.raises(MemberError) as refused:
        identity_change_approve(request=request, document_seen="passport", staff=staff)

    assert refused.value.code == MemberErrorCode.IDENTITY_REQUEST_NOT_PENDING
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED


def test_the_member_withdraws_and_may_ask_again() -> None:
    member = make_member()
    _ask(member)

    withdrawn = identity_change_withdraw(member=member)

    assert withdrawn.status == RequestStatus.WITHDRAWN
    assert _ask(member, last_name="Anders").status == RequestStatus.PENDING
