"""Circulation services: the only writers of loans, holds, transfers and item status."""

from kaft.circulation.services.handover import HandOver, loan_hand_over
from kaft.circulation.services.holds import hold_cancel, hold_place, holds_expire_uncollected
from kaft.circulation.services.loans import (
    loan_checkin,
    loan_checkout,
    loan_renew,
    transfer_receive,
)
from kaft.circulation.services.lost import loan_declare_lost
from kaft.circulation.services.routing import CheckinResult, Destination

__all__ = [
    "CheckinResult",
    "Destination",
    "HandOver",
    "hold_cancel",
    "hold_place",
    "holds_expire_uncollected",
    "loan_checkin",
    "loan_checkout",
    "loan_declare_lost",
    "loan_hand_over",
    "loan_renew",
    "transfer_receive",
]
