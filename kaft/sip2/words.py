"""What a kiosk says to the member in front of it: screen messages (AF) and print lines (AG).

A refusal is the domain error's own message (:class:`~kaft.circulation.errors.CirculationError`,
:class:`~kaft.members.errors.MemberError`, :class:`~kaft.billing.errors.BillingError`): those are
written for the member ("Please ask at the desk"), and the portal shows the same words. The desk
rewords some of them for staff (:mod:`kaft.desk.words`); a kiosk does not. What only a kiosk says
(a copy goes in the reservations bin, a payment was received) is written here. Everything is said
in the member's preferred language (:func:`spoken`), or the library's when no member is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaft.core.errors import DomainError
from kaft.core.money import Euros
from kaft.members.models import Member

ITEM_CHANGE_REFUSED = gettext_lazy("Item details cannot be changed at a kiosk.")
HOLD_CHANGE_REFUSED = gettext_lazy(
    "A reservation can be placed or cancelled here, not changed. Please ask at the desk."
)
HOLD_NEEDS_ITEM = gettext_lazy("Scan the item you want to reserve.")
ITEM_NOT_YOURS = gettext_lazy("This item is not on loan on your card.")
PAY_METHOD_REFUSED = gettext_lazy(
    "This way of paying is not accepted here. Please pay at the desk."
)
PAY_CURRENCY_REFUSED = gettext_lazy("Only payments in euros are accepted.")
PAY_AMOUNT_UNREADABLE = gettext_lazy("The amount could not be read. Please pay at the desk.")
FEE_UNKNOWN = gettext_lazy("This charge is not known. Please ask at the desk.")
UNBLOCK_REFUSED = gettext_lazy("A block on a card can only be lifted at the desk.")
CARD_BLOCKED = gettext_lazy("This card has been blocked. Please ask at the desk.")
CANCEL_CHECKIN_REFUSED = gettext_lazy(
    "A return cannot be undone at a kiosk. Please ask at the desk."
)
RETURNED = gettext_lazy("Returned. Thank you!")
RETURNED_LATE = gettext_lazy("Returned after the due date.")
TO_HOLDS_BIN = gettext_lazy("Reserved by a member: please put it in the reservations bin.")
TO_LENDER_BIN = gettext_lazy(
    "Borrowed from another library: please put it in the bin for transport."
)
TO_TRANSIT_BIN = gettext_lazy(
    "This item goes to %(branch)s: please put it in the bin for transport."
)
HOLD_CANCELLED = gettext_lazy("Your reservation has been cancelled.")


@contextmanager
def spoken(member: Member | None) -> Iterator[None]:
    """Say what follows in ``member``'s preferred language (the library's without a member)."""
    language = member.preferred_language if member is not None else settings.LANGUAGE_CODE
    with translation.override(language or settings.LANGUAGE_CODE):
        yield


def day(value: dt.date) -> str:
    """A date the European way, in the active language: "2 maart 2026"."""
    return formats.date_format(value, "j F Y")


def refusal(error: DomainError) -> str:
    """The member-facing message of a domain error, in the active language."""
    return str(error.message)


def borrowed_until(due: dt.date) -> str:
    return _("Borrowed until %(day)s.") % {"day": day(due)}


def renewed_until(due: dt.date) -> str:
    return _("Renewed until %(day)s.") % {"day": day(due)}


def renewed_count(renewed: int, unrenewed: int) -> str:
    return _("Renewed: %(renewed)s. Not renewed: %(unrenewed)s.") % {
        "renewed": renewed,
        "unrenewed": unrenewed,
    }


def print_line(title: str, due: dt.date) -> str:
    """A receipt line: the title and its due date."""
    return _("%(title)s, due %(day)s") % {"title": title, "day": day(due)}


def hold_placed(branch_name: str) -> str:
    return _("Reserved. We will let you know when it is ready at %(branch)s.") % {
        "branch": branch_name
    }


def paid(amount: Decimal) -> str:
    return _("Payment of € %(amount)s received. Thank you!") % {"amount": Euros(amount)}


def transit(branch_name: str) -> str:
    return str(TO_TRANSIT_BIN) % {"branch": branch_name}
