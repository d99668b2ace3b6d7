"""Someone who joined online may reserve at once, but borrows only after the desk saw an ID
document (``MEMBER_ID_NOT_CHECKED``): at the desk, in a hand-over, and through every door that
lends through ``loan_checkout``."""

from __future__ import annotations

import pytest

from kaft.catalog.models import Branch
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Hold, LoanStatus
from kaft.circulation.services.handover import loan_hand_over
from kaft.circulation.services.holds import hold_place
from kaft.circulation.services.loans import loan_checkout
from kaft.members.models import Member, User
from kaft.members.services.signup import signup_complete
from tests.factories_circulation import NOW, assert_refused, make_item, make_member

REFUSED = (
    "You joined online: you can borrow once the desk has seen your ID document. Please bring it "
    "to the desk."
)


@pytest.fixture
def joined(central: Branch) -> Member:
    """Joined online, address confirmed, no ID check yet."""
    return make_member(home_branch=central, signed_up_online_at=NOW, email_verified_at=NOW)


def test_lending_is_refused_until_the_id_check_and_writes_nothing(
    central: Branch, joined: Member, staff: User
) -> None:
    item = make_item(home_branch=central)

    assert_refused(
        lambda: loan_checkout(item=item, member=joined, staff=staff, branch=central, now=NOW),
        CirculationErrorCode.MEMBER_ID_NOT_CHECKED,
        REFUSED,
    )
    assert_refused(
        lambda: loan_checkout(
            barcode=item.barcode, member_id=joined.pk, staff=staff, branch=central, now=NOW
        ),
        CirculationErrorCode.MEMBER_ID_NOT_CHECKED,
        REFUSED,
    )
    assert_refused(
        lambda: loan_hand_over(item=item, member=joined, staff=staff, branch=central, now=NOW),
        CirculationErrorCode.MEMBER_ID_NOT_CHECKED,
        REFUSED,
    )


def test_after_the_id_check_the_member_borrows(
    central: Branch, joined: Member, staff: User
) -> None:
    item = make_item(home_branch=central)
    signup_complete(member=joined, document_type="driving_licence", staff=staff)
    joined.refresh_from_db()

    loan = loan_checkout(item=item, member=joined, staff=staff, branch=central, now=NOW)

    assert (loan.member_id, loan.status) == (joined.pk, LoanStatus.OPEN)


def test_reserving_needs_no_id_check(central: Branch, joined: Member) -> None:
    item = make_item(home_branch=central)

    hold_place(record=item.record, member=joined, pickup_branch=central, staff=None, now=NOW)

    assert Hold.objects.get().member_id == joined.pk
