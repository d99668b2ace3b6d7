"""Loans and reservations of the demo library, made through the circulation services.

The services take a ``now``: loans checked out weeks ago are overdue today, exactly as if the
desk had lent them then.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from kaft.demo.people import SEED, DemoMembers
from kaft.members.models import Member, User


class ItemPicker:
    """Hands out available copies per (home branch, item type), each copy once, in barcode order."""

    def __init__(self) -> None:
        self._pools: dict[tuple[int, str], Iterator[Item]] = {}

    def take(self, branch: Branch, item_type: str) -> Item:
        key = (branch.pk, item_type)
        if key not in self._pools:
            items = Item.objects.filter(
                home_branch=branch, item_type=item_type, status=ItemStatus.AVAILABLE
            ).select_related("record", "home_branch")
            self._pools[key] = iter(list(items.order_by("barcode")))
        return next(self._pools[key])

    def take_title(self, branch: Branch, item_type: str) -> Item:
        """A copy whose title has no other copy handed out yet (for reservations)."""
        item = self.take(branch, item_type)
        while (
            Item.objects.filter(record_id=item.record_id)
            .exclude(status=ItemStatus.AVAILABLE)
            .exists()
        ):
            item = self.take(branch, item_type)
        return item


def _lend(
    picker: ItemPicker,
    *,
    member: Member,
    branch: Branch,
    staff: User,
    days_ago: int,
    item_type: str = ItemType.BOOK,
    returned_after: int | None = None,
    now: dt.datetime,
) -> Item:
    """Lend a copy ``days_ago`` days before ``now``; return it ``returned_after`` days later."""
    item = picker.take(branch, item_type)
    lent_at = now - dt.timedelta(days=days_ago, hours=days_ago % 5)
    loan_checkout(item=item, member=member, staff=staff, branch=branch, now=lent_at)
    if returned_after is not None:
        back_at = lent_at + dt.timedelta(days=returned_after)
        loan_checkin(item=item, branch=branch, staff=staff, now=back_at)
    return item


def loans_ensure(
    *, members: DemoMembers, branches: list[Branch], staff: User, now: dt.datetime
) -> None:
    """Loan history, current loans (some overdue, some due soon) for about half the members."""
    rng = random.Random(SEED + 1)
    picker = ItemPicker()
    centrale = branches[0]
    demo, youth = members.demo, members.youth

    # The demo member: a returned history, one overdue, one due in a few days, one fresh DVD.
    for days_ago in (120, 95, 70, 44):
        _lend(picker, member=demo, branch=centrale, staff=staff, days_ago=days_ago,
              returned_after=16, now=now)  # fmt: skip
    _lend(picker, member=demo, branch=centrale, staff=staff, days_ago=30, now=now)
    _lend(picker, member=demo, branch=centrale, staff=staff, days_ago=19, now=now)
    _lend(picker, member=demo, branch=centrale, staff=staff, days_ago=3,
          item_type=ItemType.AUDIOVISUAL, now=now)  # fmt: skip

    # The youth member borrows youth books (28 days) at their own branch.
    for days_ago in (40, 12):
        _lend(picker, member=youth, branch=youth.home_branch, staff=staff, days_ago=days_ago,
              item_type=ItemType.YOUTH_BOOK, now=now)  # fmt: skip

    # The blocked member has three books far past their due date (blocked afterwards).
    for days_ago in (75, 72, 68):
        _lend(picker, member=members.blocked, branch=members.blocked.home_branch, staff=staff,
              days_ago=days_ago, now=now)  # fmt: skip

    for member in members.others[:30]:
        branch = member.home_branch
        kind = ItemType.YOUTH_BOOK if member.category.max_age else ItemType.BOOK
        for _ in range(rng.randint(0, 3)):
            _lend(picker, member=member, branch=branch, staff=staff, item_type=kind,
                  days_ago=rng.randint(60, 200), returned_after=rng.randint(5, 30), now=now)  # fmt: skip
        for _ in range(rng.randint(1, 3)):
            _lend(picker, member=member, branch=branch, staff=staff, item_type=kind,
                  days_ago=rng.randint(1, 35), now=now)  # fmt: skip


def holds_ensure(
    *, members: DemoMembers, branches: list[Branch], staff: User, now: dt.datetime
) -> None:
    """Two reservations ready for pickup, one copy in transit, and a queue of three members."""
    picker = ItemPicker()
    centrale, noord, zuid = branches
    demo, others = members.demo, members.others

    # Ready on the holds shelf: the copy is set aside when the desk checks it in.
    for member, branch in ((demo, centrale), (others[0], noord)):
        item = picker.take_title(branch, ItemType.BOOK)
        hold_place(record=item.record, member=member, pickup_branch=branch, staff=None,
                   now=now - dt.timedelta(days=2))  # fmt: skip
        loan_checkin(item=item, branch=branch, staff=staff, now=now - dt.timedelta(hours=3))

    # In transit: a copy at Zuid set aside for the demo member, on its way to the Centrale.
    item = picker.take_title(zuid, ItemType.BOOK)
    hold_place(record=item.record, member=demo, pickup_branch=centrale, staff=None,
               now=now - dt.timedelta(days=1))  # fmt: skip
    loan_checkin(item=item, branch=zuid, staff=staff, now=now - dt.timedelta(hours=2))

    # A queue: the only copies are lent out, three members wait (the demo member second).
    item = picker.take_title(noord, ItemType.BOOK)
    record = item.record
    for copy in Item.objects.filter(record=record).order_by("barcode"):
        loan_checkout(item=copy, member=others[10], staff=staff, branch=copy.home_branch,
                      now=now - dt.timedelta(days=9))  # fmt: skip
    for days_ago, member in ((6, others[11]), (5, demo), (4, others[12])):
        hold_place(record=record, member=member, pickup_branch=member.home_branch, staff=None,
                   now=now - dt.timedelta(days=days_ago))  # fmt: skip
