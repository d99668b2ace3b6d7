"""Every locking queryset really locks its row: proven from a second connection on PostgreSQL.

The lock discipline (``kaft/*/locks.py``, ``kaft/circulation/sql.py``) is what keeps two desks
from lending one copy twice. A query-text check ("FOR UPDATE" in the SQL) or a run on SQLite
(which locks the whole database per write) would pass even if a lock were dropped, so these
tests run on PostgreSQL only and skip on SQLite with the reason (``tests/locking.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from kaft.catalog.models import Item, ItemStatus
from kaft.circulation import locks as circulation_locks
from kaft.circulation import sql
from kaft.circulation.models import Hold, HoldStatus, Loan
from kaft.members import locks as member_locks
from kaft.members.models import Member
from tests.factories import MemberFactory
from tests.factories_portal import HoldFactory, LoanFactory
from tests.locking import POSTGRESQL_ONLY, assert_locks_row

pytestmark = [POSTGRESQL_ONLY, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _scene() -> dict[str, Any]:
    member = MemberFactory.create()
    loan = LoanFactory.create(member=member)
    hold = HoldFactory.create(
        member=MemberFactory.create(), pickup_branch=member.home_branch, status=HoldStatus.WAITING
    )
    return {"member": member, "loan": loan, "item": loan.item, "hold": hold}


LOCKS: dict[str, tuple[type[models.Model], str, Callable[[dict[str, Any]], object]]] = {
    "members.member_for_update": (
        Member,
        "member",
        lambda s: member_locks.member_for_update(s["member"].pk),
    ),
    "circulation.member_for_update": (
        Member,
        "member",
        lambda s: circulation_locks.member_for_update(s["member"].pk),
    ),
    "circulation.item_for_update": (
        Item,
        "item",
        lambda s: circulation_locks.item_for_update(s["item"].pk),
    ),
    "circulation.loan_for_update": (
        Loan,
        "loan",
        lambda s: circulation_locks.loan_for_update(s["loan"].pk),
    ),
    "circulation.open_loan_for_update": (
        Loan,
        "loan",
        lambda s: circulation_locks.open_loan_for_update(s["item"].pk),
    ),
    "circulation.hold_for_update": (
        Hold,
        "hold",
        lambda s: circulation_locks.hold_for_update(s["hold"].pk),
    ),
    "circulation.first_waiting_hold_for_update": (
        Hold,
        "hold",
        lambda s: circulation_locks.first_waiting_hold_for_update(
            s["hold"].record_id, today=timezone.localdate()
        ),
    ),
    "sql.lock_one": (Item, "item", lambda s: sql.lock_one(Item, pk=s["item"].pk)),
}


@pytest.mark.parametrize("name", sorted(LOCKS))
def test_the_locking_query_holds_the_row_until_the_transaction_ends(name: str) -> None:
    model, key, lock = LOCKS[name]
    scene = _scene()
    assert scene["item"].status == ItemStatus.ON_LOAN

    assert_locks_row(model, scene[key].pk, lambda: lock(scene))
