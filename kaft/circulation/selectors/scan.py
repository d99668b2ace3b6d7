"""What the desk's lending screen reads about a scanned copy, with the copy itself.

A hot path (every item scan at every desk): one plain statement, the way ``kaft.circulation.sql``
reads the checkout's facts, since building the same query with the ORM's annotations cost more
than the rest of the scan's reads together (bench/http_desk.py). A test checks it against the
ORM (kaft/circulation/tests/test_selectors_scan.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.models import Branch, Item, Record
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import ACTIVE_HOLD_STATUSES, Hold, Loan, LoanRule, LoanStatus
from kaft.circulation.selectors.loans import _default_rule
from kaft.circulation.sql import _column, _columns, _instance, _table
from kaft.members.models import Member


@dataclass(frozen=True)
class ScannedItem:
    """The copy (its record loaded) and what the desk shows after lending it to the member:

    - ``member_holds_title``: the member has an active hold on its title (lending the copy
      fulfils it, so the member's reservations change too);
    - ``member_loans_before``: how many loans the member has open before this one;
    - ``renewals_allowed``: how often a loan of it made now at this branch may be renewed (the
      rule ``loan_checkout`` applies; the default rule's when none matches).
    """

    item: Item
    member_holds_title: bool
    member_loans_before: int
    renewals_allowed: int


@cache
def _scan_sql() -> str:
    item, record, hold, loan, rule = (_table(m) for m in (Item, Record, Hold, Loan, LoanRule))
    statuses = ", ".join(["%s"] * len(ACTIVE_HOLD_STATUSES))
    branch, category = _column(LoanRule, "branch"), _column(LoanRule, "category")
    rule_type = _column(LoanRule, "item_type")
    return (
        f"SELECT {_columns(Item, 'i.')}, {_columns(Record, 'r.')}, "
        f"EXISTS (SELECT 1 FROM {hold} h WHERE h.{_column(Hold, 'member')} = %s "
        f"AND h.{_column(Hold, 'record')} = i.{_column(Item, 'record')} "
        f"AND h.{_column(Hold, 'status')} IN ({statuses})), "
        f"(SELECT COUNT(*) FROM {loan} l WHERE l.{_column(Loan, 'member')} = %s "
        f"AND l.{_column(Loan, 'status')} = %s), "
        f"(SELECT u.{_column(LoanRule, 'renewals_allowed')} FROM {rule} u "
        f"WHERE (u.{branch} = %s OR u.{branch} IS NULL) "
        f"AND (u.{category} = %s OR u.{category} IS NULL) "
        f"AND (u.{rule_type} = i.{_column(Item, 'item_type')} OR u.{rule_type} = '') "
        f"ORDER BY u.{branch} IS NULL, u.{category} IS NULL, u.{rule_type} DESC LIMIT 1) "
        f"FROM {item} i JOIN {record} r ON r.{_column(Record, 'id')} = i.{_column(Item, 'record')} "
        f"WHERE i.{_column(Item, 'barcode')} = %s"
    )


def item_to_lend(barcode: str, member: Member, branch: Branch) -> ScannedItem:
    """The copy with this barcode, to be lent to ``member`` at ``branch`` (one statement).

    ``UNKNOWN_BARCODE`` as :func:`~kaft.circulation.selectors.loans.item_by_barcode` says it,
    also for what is no barcode by :mod:`kaft.catalog.barcodes` (never looked up).
    """
    code = barcode.strip()
    if not barcode_is_valid(code):
        raise CirculationError(CirculationErrorCode.UNKNOWN_BARCODE)
    params: list[Any] = [member.pk, *ACTIVE_HOLD_STATUSES, member.pk, LoanStatus.OPEN]
    params += [branch.pk, member.category_id, code]
    with connection.cursor() as cursor:
        cursor.execute(_scan_sql(), params)
        row = cursor.fetchone()
    if row is None:
        raise CirculationError(CirculationErrorCode.UNKNOWN_BARCODE)
    width = len(Item._meta.concrete_fields)
    record_width = len(Record._meta.concrete_fields)
    item = _instance(Item, row[:width])
    item.record = _instance(Record, row[width : width + record_width])
    held, before, allowed = row[width + record_width :]
    return ScannedItem(
        item=item,
        member_holds_title=bool(held),
        member_loans_before=int(before),
        renewals_allowed=_default_rule().renewals_allowed if allowed is None else int(allowed),
    )
