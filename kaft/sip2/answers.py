"""The pieces of SIP2 answers several handlers share: codes and fixed fields of SIP2 2.00.

- **Patron status** (14 characters, ``Y`` where a condition holds, a space where not): 0 charge
  privileges denied, 1 renewal privileges denied, 2 recall privileges denied, 3 hold
  privileges denied, 4 card reported lost, 5 too many items charged, 6 too many items overdue,
  7 too many renewals, 8 too many claims of items returned, 9 too many items lost, 10 excessive
  outstanding fines, 11 excessive outstanding fees, 12 recall overdue, 13 too many items billed.
  Kaft fills what its rules know: 0, 1 and 3 when circulation would refuse the member
  (blocked, expired, money); 4 when the block's reason is a lost card; 5 at the loan limit;
  10 when more is owed than the library allows; 11 when an invoice is open. Kaft has no
  recalls, no overdue or renewal count limits and no claims: those positions stay blank.
- **Language** (3 digits): 005 Dutch, 001 English, 000 unknown.
- **Media type** (CK, 3 digits): 001 book, 002 magazine, 006 CD/CD-ROM, 000 other.
- **Circulation status** (2 digits, item information): 03 available, 04 charged, 08 waiting on
  the holds shelf, 10 in transit, 12 lost, 13 missing, 01 other (damaged, in repair, withdrawn).
- **Sort bins** (CL, checkin): ``1`` back on the shelf, ``2`` the reservations bin (holds
  shelf), ``3`` transport to another branch. **Alert type** (CV, a 3M extension): 01 hold at
  this branch, 02 hold at another branch, 04 to another branch without a hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.selectors.loans import member_borrow_refusal, member_open_loan_count, rule_for
from kaft.members.block_reasons import BlockReason
from kaft.members.models import Member, MemberStatus

CURRENCY = "EUR"
LANGUAGES = {"nl": "005", "en": "001"}
UNKNOWN_LANGUAGE = "000"
BLANK_STATUS = " " * 14

MEDIA_TYPES = {
    ItemType.BOOK: "001",
    ItemType.YOUTH_BOOK: "001",
    ItemType.REFERENCE: "001",
    ItemType.MAGAZINE: "002",
    ItemType.AUDIOVISUAL: "006",
}
OTHER_MEDIA = "000"

CIRCULATION_STATUS = {
    ItemStatus.AVAILABLE: "03",
    ItemStatus.ON_LOAN: "04",
    ItemStatus.ON_HOLDS_SHELF: "08",
    ItemStatus.IN_TRANSIT: "10",
    ItemStatus.LOST: "12",
    ItemStatus.MISSING: "13",
}
OTHER_STATUS = "01"

BIN_SHELF = "1"
BIN_HOLDS = "2"
BIN_TRANSIT = "3"
ALERT_HOLD_HERE = "01"
ALERT_HOLD_ELSEWHERE = "02"
ALERT_TRANSIT = "04"
ALERT_OTHER = "99"

# An unsaved "ok" in the 1/0 form (checkout, checkin, renew, hold) and a blank date (AH).
NO_DATE = ""


def ok(value: bool) -> str:
    """SIP2's ``ok`` field of checkout, checkin, renew and hold: ``1`` or ``0``."""
    return "1" if value else "0"


def language_code(member: Member | None) -> str:
    if member is None:
        return UNKNOWN_LANGUAGE
    return LANGUAGES.get(member.preferred_language, UNKNOWN_LANGUAGE)


def media_type(item: Item) -> str:
    return MEDIA_TYPES.get(ItemType(item.item_type), OTHER_MEDIA)


def circulation_status(item: Item) -> str:
    return CIRCULATION_STATUS.get(ItemStatus(item.status), OTHER_STATUS)


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Standing:
    """What the patron status field says of a member, and the loan limit behind position 5."""

    status: str
    max_loans: int
    max_holds: int


def standing(member: Member, branch: Branch, *, open_loans: int | None = None) -> Standing:
    """The 14-character patron status of ``member`` at a kiosk of ``branch`` (module text).
    Three queries: the money check, the rule, the loan count (none when ``open_loans`` is
    given: the caller already has the member's loans)."""
    flags = [" "] * 14
    refusal = member_borrow_refusal(member, today())
    if refusal is not None:
        flags[0] = flags[1] = flags[3] = "Y"
        if refusal.code == CirculationErrorCode.MEMBER_OWES:
            flags[10] = "Y"
        if refusal.code == CirculationErrorCode.MEMBER_INVOICE_OPEN:
            flags[11] = "Y"
    if member.awaits_identity_check:  # joined online: may reserve, but not borrow yet
        flags[0] = "Y"
    if member.status == MemberStatus.BLOCKED and member.block_reason == BlockReason.CARD_LOST:
        flags[4] = "Y"
    rule = rule_for(branch=branch, category=member.category, item_type=ItemType.BOOK)
    if open_loans is None:
        open_loans = member_open_loan_count(member.pk)
    if open_loans >= rule.max_loans:
        flags[5] = "Y"
    return Standing("".join(flags), rule.max_loans, rule.max_holds)


def owed_limit() -> str:
    return money(settings.KAFT_BLOCK_OWED_THRESHOLD)


def money(amount: object) -> str:
    """An amount as SIP2 sends it: digits, a point, two decimals ("2.50")."""
    return f"{Decimal(str(amount)).quantize(Decimal('0.01'))}"
