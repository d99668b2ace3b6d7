"""Copies at the desk: add them to a title by scanning new barcodes, change their details, and
their care (withdraw, damaged, lost, missing, found, repair), one copy or a list at once.

Every change writes a copy event (:class:`~kaft.catalog.models.ItemEvent`: who, when, branch,
reason, and for a change of details the old and new values); none names a member. Each service
runs in one transaction and locks the copy first (``kaft/catalog/locks.py``). A refusal raises
:class:`~kaft.catalog.errors.CatalogError` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.lifecycle import item_apply, item_event_write
from kaft.catalog.locks import item_by_barcode_for_update
from kaft.catalog.models import Branch, Item, ItemAction, ItemStatus, ItemType, Record
from kaft.catalog.search import search_index_records
from kaft.catalog.services.importing import item_type_of

# Replacement price of a new copy per item type, unless the library sets its own
# (``KAFT_REPLACEMENT_PRICES``, the same keys); staff can change it per copy.
DEFAULT_PRICES: dict[str, str] = {
    ItemType.BOOK: "25.00",
    ItemType.YOUTH_BOOK: "15.00",
    ItemType.AUDIOVISUAL: "20.00",
    ItemType.MAGAZINE: "6.00",
    ItemType.GAME: "30.00",
    ItemType.REFERENCE: "40.00",
}
MAX_PRICE = Decimal("9999.99")
EDITABLE = ("call_number", "item_type", "replacement_price", "home_branch")


def item_default_price(item_type: str) -> Decimal:
    prices = {**DEFAULT_PRICES, **getattr(settings, "KAFT_REPLACEMENT_PRICES", {})}
    return Decimal(str(prices.get(item_type, DEFAULT_PRICES[ItemType.BOOK])))


def item_default_call_number(record: Record, branch: Branch) -> str:
    """The call number most copies of this title at ``branch`` have (else anywhere), or ""."""
    for where in ({"home_branch": branch}, {}):
        numbers = Counter(
            Item.objects.filter(record=record, **where)
            .exclude(call_number="")
            .values_list("call_number", flat=True)
        )
        if numbers:
            return numbers.most_common(1)[0][0]
    return ""


def price_parse(value: Any) -> Decimal:
    """A replacement price from a form ("12,50" or "12.50"); ``PRICE_INVALID`` otherwise."""
    text = str(value).strip().replace(",", ".")
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise CatalogError(CatalogErrorCode.PRICE_INVALID) from None
    if not price.is_finite() or price < 0 or price > MAX_PRICE:
        raise CatalogError(CatalogErrorCode.PRICE_INVALID)
    return price.quantize(Decimal("0.01"))


@transaction.atomic
def item_add(
    *,
    record: Record,
    barcode: str,
    branch: Branch,
    staff: Any,
    call_number: str | None = None,
    item_type: str | None = None,
    replacement_price: Decimal | None = None,
    now: dt.datetime | None = None,
) -> Item:
    """A new copy of ``record`` with ``barcode`` at ``branch`` (its home and where it is), on
    the shelf. What is not given comes from the library's defaults: the call number of the
    title's other copies, the item type from the title's material and audience, the price per
    item type. Refused: a malformed barcode, or one that a copy already has."""
    barcode = barcode.strip()
    if not barcode_is_valid(barcode):
        raise CatalogError(CatalogErrorCode.BARCODE_MALFORMED)
    _barcode_free(barcode)
    kind = item_type or item_type_of(material_type=record.material_type, audience=record.audience)
    try:
        with transaction.atomic():  # a second desk adding the same barcode at this moment
            item = Item.objects.create(
                barcode=barcode,
                record=record,
                home_branch=branch,
                current_branch=branch,
                call_number=(
                    call_number
                    if call_number is not None
                    else item_default_call_number(record, branch)
                ).strip()[:64],
                item_type=ItemType(kind),
                replacement_price=(
                    replacement_price if replacement_price is not None else item_default_price(kind)
                ),
                status=ItemStatus.AVAILABLE,
            )
    except IntegrityError:
        _barcode_free(barcode)
        raise
    others = Item.objects.filter(record=record).exclude(pk=item.pk)
    # The catalogue shows a title with a copy of its own on the shelves: a first such copy after
    # all were withdrawn (or only interlibrary copies were there) brings it back; an interlibrary
    # copy, lent to us for one member, keeps a title without copies of its own out.
    shelved = others.exclude(status=ItemStatus.WITHDRAWN).exclude(item_type=ItemType.INTERLIBRARY)
    if item.item_type == ItemType.INTERLIBRARY or (others.exists() and not shelved.exists()):
        search_index_records([record.pk])
    item_event_write(
        item=item,
        action=ItemAction.ADD,
        before="",
        at=now or timezone.now(),
        branch=branch,
        staff=staff,
    )
    return item


def _barcode_free(barcode: str) -> None:
    """``ITEM_BARCODE_IN_USE`` (naming the title) when a copy has ``barcode``."""
    existing = Item.objects.filter(barcode=barcode).select_related("record").first()
    if existing is not None:
        raise CatalogError(
            CatalogErrorCode.ITEM_BARCODE_IN_USE, barcode=barcode, title=existing.record.title
        )


@transaction.atomic
def item_edit(
    *,
    barcode: str,
    staff: Any,
    branch: Branch | None,
    call_number: str,
    item_type: str,
    replacement_price: Decimal,
    home_branch: Branch,
    now: dt.datetime | None = None,
) -> tuple[Item, dict[str, list[str]]]:
    """Change a copy's details; returns the copy and what changed (field: [old, new]), which its
    event keeps. Nothing changed: no event. A copy moved to another home branch stays where it
    is now (a copy on the shelf there goes home at its next check-in)."""
    item = item_by_barcode_for_update(barcode)
    if replacement_price < 0 or replacement_price > MAX_PRICE:
        raise CatalogError(CatalogErrorCode.PRICE_INVALID)
    new: dict[str, Any] = {
        "call_number": call_number.strip()[:64],
        "item_type": ItemType(item_type),
        "replacement_price": replacement_price.quantize(Decimal("0.01")),
        "home_branch": home_branch,
    }
    changes: dict[str, list[str]] = {}
    for field in EDITABLE:
        old = getattr(item, field)
        if old != new[field]:
            changes[field] = [_shown(old), _shown(new[field])]
            setattr(item, field, new[field])
    if changes:
        item.save(update_fields=list(changes))
        item_event_write(
            item=item,
            action=ItemAction.EDIT,
            before=item.status,
            at=now or timezone.now(),
            branch=branch,
            staff=staff,
            changes=changes,
        )
    return item, changes


def _shown(value: Any) -> str:
    if isinstance(value, Branch):
        return value.code
    return str(value)


@transaction.atomic
def item_change(
    *,
    barcode: str,
    action: ItemAction,
    staff: Any,
    branch: Branch | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Item:
    """One move of the copy's care (``kaft/catalog/lifecycle.py``), with its event."""
    item = item_by_barcode_for_update(barcode)
    item_apply(
        item=item,
        action=action,
        at=now or timezone.now(),
        branch=branch,
        staff=staff,
        reason=reason,
    )
    return item


@dataclass(frozen=True)
class ItemOutcome:
    """What a list of barcodes did, per barcode: the copy changed, or why not."""

    barcode: str
    item: Item | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def items_change(
    *,
    barcodes: list[str],
    action: ItemAction,
    staff: Any,
    branch: Branch | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> list[ItemOutcome]:
    """The same move for every barcode of a pasted or scanned list, each copy in a transaction
    of its own (one refusal leaves the others done), in the list's order; a barcode listed twice
    is done once."""

    def change(barcode: str) -> Item:
        return item_change(
            barcode=barcode, action=action, staff=staff, branch=branch, reason=reason, now=now
        )

    return _each(barcodes, change)


def items_add(
    *,
    record: Record,
    barcodes: list[str],
    branch: Branch,
    staff: Any,
    now: dt.datetime | None = None,
) -> list[ItemOutcome]:
    """A new copy per scanned barcode, with the library's defaults; one refused barcode (taken,
    malformed) leaves the others added."""

    def add(barcode: str) -> Item:
        return item_add(record=record, barcode=barcode, branch=branch, staff=staff, now=now)

    return _each(barcodes, add)


def _each(barcodes: list[str], do: Callable[[str], Item]) -> list[ItemOutcome]:
    """``do`` for each barcode of the list (each in its own transaction), with its outcome."""
    outcomes = []
    for barcode in barcodes_unique(barcodes):
        try:
            outcomes.append(ItemOutcome(barcode, do(barcode)))
        except CatalogError as error:
            outcomes.append(ItemOutcome(barcode, None, error.message))
    return outcomes


def barcodes_unique(values: list[str]) -> list[str]:
    """The barcodes of a pasted list: stripped, empty lines left out, each once, in order."""
    seen: dict[str, None] = {}
    for value in values:
        text = value.strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)
