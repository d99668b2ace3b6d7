"""The desk speaks to staff: how it names a member's standing, a reservation's state and a
refusal.

The domain messages (``CirculationErrorCode``) are written for the member, because the portal and
the self-check kiosk show them to the member ("Please ask at the desk"). Behind the desk the
person reading is staff, so the desk says what is the matter in its own words: a blocked member
with the reason the library recorded, an expired membership with its last day, a queue state as
the desk handles it. Codes without a desk wording of their own keep the domain message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Hold, HoldStatus
from kaft.circulation.selectors.loans import member_borrow_refusal
from kaft.core.errors import DomainError
from kaft.members.models import Member, MemberStatus

HOLD_STATES = {
    HoldStatus.WAITING: gettext_lazy("In the queue"),
    HoldStatus.IN_TRANSIT: gettext_lazy("In transit to the pickup branch"),
    HoldStatus.READY: gettext_lazy("On the holds shelf"),
    HoldStatus.FULFILLED: gettext_lazy("Lent to the member"),
    HoldStatus.CANCELLED: gettext_lazy("Cancelled"),
    HoldStatus.EXPIRED: gettext_lazy("Not collected in time"),
}


@dataclass(frozen=True)
class Standing:
    """A member's standing as the desk shows it: ``kind`` is active, blocked, expired, owes,
    signup (joined online, no ID check yet) or erased; ``detail`` is the block reason or the last
    day of the membership."""

    kind: str
    label: str
    detail: str = ""

    @property
    def may_borrow(self) -> bool:
        return self.kind == "active"


def _day(day: dt.date) -> str:
    """The European way in both languages: "31 december 2025", "31 December 2025"."""
    return formats.date_format(day, "j F Y")


def member_standing(member: Member, today: dt.date) -> Standing:
    """Erased apart; otherwise circulation's own answer to "may this member borrow?"
    (:func:`member_borrow_refusal`: blocked before expired), in the desk's words."""
    if member.status == MemberStatus.ERASED:
        return Standing("erased", _("Erased"))
    refusal = member_borrow_refusal(member, today)
    code = refusal.code if refusal is not None else None
    if code is CirculationErrorCode.MEMBER_BLOCKED:
        reason = str(member.block_reason_label).strip() or _("no reason recorded")
        return Standing("blocked", _("Blocked"), reason)
    if code is CirculationErrorCode.MEMBER_EXPIRED:
        if member.membership_end is None:
            return Standing("expired", _("Expired"))
        return Standing(
            "expired",
            _("Expired"),
            _("member until %(day)s") % {"day": _day(member.membership_end)},
        )
    if refusal is not None and code in MONEY_CODES:
        return Standing(
            "owes", _("Blocked: money owed"), _money_detail(refusal.code, refusal.params)
        )
    if member.awaits_identity_check:  # joined online: lending waits for the desk's ID check
        return Standing("signup", _("Joined online: ID check needed"))
    return Standing("active", _("Active"))


# Blocks that follow money (billing's check): the desk says what is owed and why it blocks.
MONEY_CODES = (CirculationErrorCode.MEMBER_OWES, CirculationErrorCode.MEMBER_INVOICE_OPEN)


def _money_detail(code: CirculationErrorCode, params: Mapping[str, object]) -> str:
    if code is CirculationErrorCode.MEMBER_INVOICE_OPEN:
        return _("an invoice is open; € %(owed)s owed") % {"owed": params.get("owed", "")}
    return _("€ %(owed)s owed, more than the € %(limit)s allowed") % {
        "owed": params.get("owed", ""),
        "limit": params.get("limit", ""),
    }


def hold_state(hold: Hold) -> str:
    return str(HOLD_STATES.get(HoldStatus(hold.status), hold.get_status_display()))


def refusal(error: DomainError, *, member: Member | None, today: dt.date) -> str:
    """What the desk says when a service refused an action for ``member`` (the one served)."""
    code = error.code
    if code in (CirculationErrorCode.MEMBER_BLOCKED, CirculationErrorCode.MEMBER_EXPIRED):
        if member is not None:
            standing = member_standing(member, today)
            if standing.kind == "blocked":
                return _("This member is blocked: %(reason)s.") % {
                    "reason": standing.detail.rstrip(".")
                }
            if standing.kind == "expired" and standing.detail:
                return _("The membership has expired: %(detail)s.") % {"detail": standing.detail}
        if code == CirculationErrorCode.MEMBER_BLOCKED:
            return _("This member is blocked.")
        return _("The membership has expired.")
    if code in MONEY_CODES:
        return _("This member may not borrow until paid: %(detail)s.") % {
            "detail": _money_detail(code, error.params)  # type: ignore[arg-type]
        }
    wording = {
        CirculationErrorCode.ITEM_ON_LOAN: _("This item is still on loan to another member."),
        CirculationErrorCode.HOLD_ALREADY_PLACED: _("This member has already reserved this title."),
        CirculationErrorCode.HOLD_ALREADY_ON_LOAN_TO_MEMBER: _(
            "This member already has this title on loan."
        ),
        CirculationErrorCode.RENEWAL_RESERVED: _(
            "Not renewed: another member is waiting for this title."
        ),
        CirculationErrorCode.MEMBER_ID_NOT_CHECKED: _(
            "This member joined online and may borrow once you have seen an ID document: "
            "Identity checked, on the member page."
        ),
    }
    return str(wording.get(code, error.message))  # type: ignore[call-overload]
