"""What the desk prints: the checkout receipt, the holds-shelf slip and the transit slip.

Reads only. Nothing here is stored: a slip is put together from the live rows each time it is
shown, printed or sent, so slips need no retention rule of their own.

What a slip holds, and what it never holds:

- a **checkout receipt**: library and branch name, date and time, the titles lent in this
  session with their due dates, and the member's card number masked to its last four digits.
  Never an address, a full name, a date of birth or anything else about the member.
- a **holds-shelf slip**: the pickup name, the pickup-until date, the title and the barcode. The
  pickup name is what the library chose in ``settings.KAFT_PICKUP_LABEL``: ``"initials"``
  (initials and the last four digits of the card, the default) or ``"number"`` (the pickup
  number, the reservation's number). Never the full name: the slip lies on an open shelf.
- a **transit slip**: the destination branch, the branch it came from, title and barcode; no
  member data at all, also when the copy travels for a reservation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from kaft.catalog.models import Branch, Item
from kaft.circulation.models import Hold, HoldStatus, Loan, LoanStatus, Transfer, TransferStatus
from kaft.core.library import library
from kaft.members.models import Member

PICKUP_LABEL_INITIALS = "initials"
PICKUP_LABEL_NUMBER = "number"
PICKUP_LABELS = (PICKUP_LABEL_INITIALS, PICKUP_LABEL_NUMBER)


@dataclass(frozen=True)
class ReceiptLine:
    title: str
    due_date: dt.date


@dataclass(frozen=True)
class CheckoutReceipt:
    library: str
    branch: str
    printed_at: dt.datetime
    card_hint: str
    lines: tuple[ReceiptLine, ...]


@dataclass(frozen=True)
class HoldShelfSlip:
    library: str
    branch: str
    pickup_name: str
    by_number: bool  # the pickup name is a pickup number
    pickup_deadline: dt.date | None
    title: str
    barcode: str


@dataclass(frozen=True)
class TransitSlip:
    library: str
    to_branch: str
    from_branch: str
    sent_at: dt.datetime
    title: str
    barcode: str


def card_hint(card_number: str) -> str:
    """The card number masked to its last four digits: "…1234"."""
    return f"…{card_number[-4:]}"


def initials(member: Member) -> str:
    """ "N.v.D." for Noor van Dijk: the first letter of the first name, of each word of the
    prefix (lower case, as it is written) and of the last name."""
    letters = [member.first_name[:1].upper()]
    letters += [word[:1].lower() for word in member.name_prefix.split()]
    letters += [member.last_name[:1].upper()]
    return "".join(f"{letter}." for letter in letters if letter)


def pickup_label_mode() -> str:
    return str(settings.KAFT_PICKUP_LABEL)


def pickup_name(hold: Hold) -> str:
    """The name the holds-shelf slip gives the reservation (see the module docstring)."""
    if pickup_label_mode() == PICKUP_LABEL_NUMBER or hold.member is None:
        return str(hold.pk)
    return f"{initials(hold.member)} {card_hint(hold.member.card_number)}"


def receipt_loans(member: Member, barcodes: Iterable[str]) -> QuerySet[Loan]:
    """The member's open loans of the copies with these barcodes, earliest due first."""
    return (
        Loan.objects.filter(member=member, status=LoanStatus.OPEN, item__barcode__in=barcodes)
        .select_related("record")
        .order_by("due_date", "record__title", "pk")
    )


def checkout_receipt(
    *, member: Member, loans: Iterable[Loan], branch: Branch, now: dt.datetime
) -> CheckoutReceipt:
    return CheckoutReceipt(
        library=library().name,
        branch=branch.name,
        printed_at=now,
        card_hint=card_hint(member.card_number),
        lines=tuple(ReceiptLine(loan.record.title, loan.due_date) for loan in loans),
    )


def hold_on_shelf(hold_id: int, branch: Branch) -> Hold | None:
    """The reservation, when it is ready on the holds shelf of ``branch``."""
    return (
        Hold.objects.select_related("member", "record", "item", "pickup_branch")
        .filter(pk=hold_id, status=HoldStatus.READY, pickup_branch=branch)
        .first()
    )


def hold_shelf_slip(hold: Hold) -> HoldShelfSlip:
    return HoldShelfSlip(
        library=library().name,
        branch=hold.pickup_branch.name,
        pickup_name=pickup_name(hold),
        by_number=pickup_label_mode() == PICKUP_LABEL_NUMBER or hold.member is None,
        pickup_deadline=hold.pickup_deadline,
        title=hold.record.title,
        barcode=hold.item.barcode if hold.item is not None else "",
    )


def item_open_transfer(item_id: int, from_branch: Branch) -> Transfer | None:
    """The copy's transfer on its way from ``from_branch``, if it is travelling."""
    return (
        Transfer.objects.select_related("item__record", "from_branch", "to_branch")
        .filter(item_id=item_id, status=TransferStatus.IN_TRANSIT, from_branch=from_branch)
        .first()
    )


def transit_slip(transfer: Transfer) -> TransitSlip:
    item: Item = transfer.item
    return TransitSlip(
        library=library().name,
        to_branch=transfer.to_branch.name,
        from_branch=transfer.from_branch.name,
        sent_at=transfer.sent_at,
        title=item.record.title,
        barcode=item.barcode,
    )
