"""The request lifecycle as a table: allowed moves, refused moves that write nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kaft.interlibrary.errors import IllError, IllErrorCode
from kaft.interlibrary.lifecycle import (
    REQUEST_TRANSITIONS,
    move_for_status,
    request_actions,
    request_apply,
)
from kaft.interlibrary.models import (
    IllAction,
    IllRole,
    IllStatus,
    InterlibraryEvent,
    InterlibraryRequest,
)
from tests.factories import BranchFactory

S, A = IllStatus, IllAction
pytestmark = pytest.mark.django_db


def _request(status: IllStatus) -> InterlibraryRequest:
    return InterlibraryRequest.objects.create(
        role=IllRole.SUPPLYING,
        status=status,
        branch=BranchFactory.create(),
        requesting_id=f"NL-X-{status}",
        created_at=timezone.now(),
    )


def test_a_whole_loan_runs_through_the_table() -> None:
    request = _request(S.NEW)
    path = [
        A.SEND,
        A.EXPECT,
        A.WILL_SUPPLY,
        A.SHIP,
        A.RECEIVE,
        A.OVERDUE,
        A.RENEW,
        A.RECALL,
        A.SHIP_RETURN,
        A.CHECK_IN,
    ]
    for action in path:
        request_apply(request=request, action=action, at=timezone.now())
    request.refresh_from_db()
    assert request.status == S.LOAN_COMPLETED
    assert request.closed_at is not None
    events = list(
        InterlibraryEvent.objects.filter(request=request).values_list("action", "status_after")
    )
    assert events == [
        ("send", "RequestReceived"),
        ("expect", "ExpectToSupply"),
        ("will_supply", "WillSupply"),
        ("ship", "Loaned"),
        ("receive", "Loaned"),
        ("overdue", "Overdue"),
        ("renew", "Loaned"),
        ("recall", "Recalled"),
        ("ship_return", "Recalled"),
        ("check_in", "LoanCompleted"),
    ]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.NEW, A.SHIP),
        (S.REQUEST_RECEIVED, A.CHECK_IN),
        (S.LOANED, A.CANCEL),
        (S.LOANED, A.UNFILL),
        (S.LOAN_COMPLETED, A.RENEW),
        (S.CANCELLED, A.SEND),
        (S.UNFILLED, A.SHIP),
        (S.WILL_SUPPLY, A.RECEIVE),
    ],
)
def test_a_refused_move_raises_and_writes_nothing(status: IllStatus, action: IllAction) -> None:
    request = _request(status)
    with pytest.raises(IllError) as refused:
        request_apply(request=request, action=action, at=timezone.now())
    assert refused.value.code == IllErrorCode.MOVE_NOT_ALLOWED
    request.refresh_from_db()
    assert request.status == status
    assert not InterlibraryEvent.objects.exists()


def test_closed_states_allow_only_the_rota_to_go_on() -> None:
    for state in (S.LOAN_COMPLETED, S.CANCELLED, S.COMPLETED_WITHOUT_RETURN, S.COPY_COMPLETED):
        assert [a for (s, a) in REQUEST_TRANSITIONS if s == state] == []
    assert [a for (s, a) in REQUEST_TRANSITIONS if s == S.UNFILLED] == [A.NEXT_PARTNER]


def test_every_iso_status_is_reachable() -> None:
    reached = set(REQUEST_TRANSITIONS.values())
    assert reached == set(IllStatus)


def test_the_supplier_status_becomes_the_move() -> None:
    assert move_for_status(S.REQUEST_RECEIVED, S.EXPECT_TO_SUPPLY) == A.EXPECT
    assert move_for_status(S.OVERDUE, S.LOANED) == A.RENEW
    assert move_for_status(S.LOANED, S.LOANED) is None
    assert move_for_status(S.LOANED, S.LOAN_COMPLETED) == A.CHECK_IN


def test_the_actions_offered_follow_the_table() -> None:
    assert request_actions(_request(S.LOANED)) == [
        A.OVERDUE,
        A.RECALL,
        A.RENEW,
        A.RECEIVE,
        A.SHIP_RETURN,
        A.CHECK_IN,
        A.WRITE_OFF,
    ]
