"""Family access under real concurrency: threads with their own connections at the same moment.

On PostgreSQL the row locks serialise them; on SQLite every transaction begins IMMEDIATE. That
the services really take the row lock is proven on PostgreSQL only (``tests/locking.py``).
"""

from __future__ import annotations

from functools import partial

import pytest

from kaft.members.errors import MemberErrorCode
from kaft.members.models import FamilyAccess, FamilyAccessStatus
from kaft.members.services.family import (
    family_access_accept,
    family_access_decline,
    family_access_end,
    family_access_request,
)
from kaft.notices.models import Notice
from tests.factories import MemberFactory
from tests.factories_family import FamilyAccessFactory
from tests.locking import POSTGRESQL_ONLY, outcome_while_another_changes_the_row
from tests.threads import OK, run_together

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_five_identical_requests_make_one_request_and_one_message() -> None:
    owner = MemberFactory.create(last_name="Dijk")
    grantee = MemberFactory.create()
    ask = partial(
        family_access_request, grantee=grantee, card_number=owner.card_number, last_name="Dijk"
    )

    outcomes = run_together([ask] * 5)

    assert sorted(outcomes) == [str(MemberErrorCode.FAMILY_ALREADY_OPEN)] * 4 + [OK]
    assert FamilyAccess.objects.filter(status=FamilyAccessStatus.REQUESTED).count() == 1
    assert Notice.objects.count() == 1


def test_accept_and_decline_at_once_only_one_wins() -> None:
    access = FamilyAccessFactory.create()
    owner = access.owner

    outcomes = run_together(
        [
            partial(family_access_accept, owner=owner, access=access),
            partial(family_access_decline, owner=owner, access=access),
            partial(family_access_accept, owner=owner, access=access),
        ]
    )

    assert sorted(outcomes) == [str(MemberErrorCode.FAMILY_NOT_WAITING)] * 2 + [OK]
    access.refresh_from_db()
    won = outcomes.index(OK)
    assert access.status == [S.ACTIVE, S.DECLINED, S.ACTIVE][won]


@POSTGRESQL_ONLY
@pytest.mark.parametrize(
    ("step", "refused"),
    [
        ("accept", MemberErrorCode.FAMILY_NOT_WAITING),
        ("decline", MemberErrorCode.FAMILY_NOT_WAITING),
        ("end", MemberErrorCode.FAMILY_NOT_ACTIVE),
    ],
)
def test_answering_and_ending_decide_under_the_row_lock(step: str, refused: str) -> None:
    """The grantee withdraws (another connection, holding the row) while the owner answers:
    the owner's answer must see the withdrawal, not overwrite it."""
    access = FamilyAccessFactory.create(**({"status": S.ACTIVE} if step == "end" else {}))
    owner = access.owner
    act = {
        "accept": partial(family_access_accept, owner=owner, access=access),
        "decline": partial(family_access_decline, owner=owner, access=access),
        "end": partial(family_access_end, member=owner, access=access),
    }[step]

    outcome = outcome_while_another_changes_the_row(
        FamilyAccess, access.pk, {"status": S.ENDED}, act
    )

    assert outcome == str(refused)
    access.refresh_from_db()
    assert access.status == S.ENDED


S = FamilyAccessStatus
