"""Hand-written SQL for the reads and row locks on the checkout and checkin hot paths.

Building these queries through the ORM cost more time than running them (0.2-0.5 ms of Python
per query, against 0.03-0.1 ms in SQLite), and every desk scan pays it. The statements here are
plain SQL that SQLite and PostgreSQL both accept; table and column names come from the models,
values are always parameters, and each statement is built once per process. The tests in
``kaft/circulation/tests/test_sql.py`` check them against the ORM. Every write still goes
through the ORM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model
from django.db.transaction import TransactionManagementError

from kaft.catalog.models import ClosedDay, Item, Record
from kaft.circulation.models import (
    ACTIVE_HOLD_STATUSES,
    TRAPPED_HOLD_STATUSES,
    Hold,
    HoldStatus,
    Loan,
    LoanRule,
    LoanStatus,
    Transfer,
    TransferStatus,
)
from kaft.circulation.selectors.refusals import BORROW_CHECKS
from kaft.core.rawsql import column as _column
from kaft.core.rawsql import columns as _columns
from kaft.core.rawsql import instance as _instance
from kaft.core.rawsql import placeholders as _placeholders
from kaft.core.rawsql import table as _table
from kaft.members.models import Member, MemberStatus

M = TypeVar("M", bound=Model)
Params = list[Any]


@cache
def _lock_sql(model: type[Model], fields: tuple[str, ...], for_update: bool) -> str:
    where = " AND ".join(f"{_column(model, name)} = %s" for name in fields)
    return f"SELECT {_columns(model)} FROM {_table(model)} WHERE {where}" + (
        " FOR UPDATE" if for_update else ""
    )


def lock_one(model: type[M], **equals: object) -> M | None:
    """``SELECT ... FOR UPDATE`` of the row of ``model`` whose fields equal ``equals`` (its
    primary key, or fields a unique constraint makes match at most one row), or None.

    The same statement and checks as ``model.objects.select_for_update().filter(...)``, without
    building the query each time. Like the ORM, refuses to run outside a transaction. SQLite has
    no row locks (see ``kaft.circulation.locks``): there it is a plain SELECT.
    """
    if connection.get_autocommit():
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    meta = model._meta
    assert meta.pk is not None
    names = tuple(meta.pk.name if name == "pk" else name for name in equals)
    params: Params = []
    for name, value in zip(names, equals.values(), strict=True):
        field = meta.get_field(name)
        assert isinstance(field, Field)
        params.append(field.get_db_prep_value(value, connection))
    statement = _lock_sql(model, names, connection.features.has_select_for_update)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return _instance(model, row)


@cache
def _card_holder_sql() -> str:
    """The id of the member with a card number, an erased member's never (parameter: card)."""
    card, status = _column(Member, "card_number"), _column(Member, "status")
    return (
        f"SELECT h.{_column(Member, 'id')} FROM {_table(Member)} h "
        f"WHERE h.{card} = %s AND h.{status} <> '{MemberStatus.ERASED.value}'"
    )


@cache
def _member_and_card_holder_sql(for_update: bool) -> str:
    table, pk = _table(Member), _column(Member, "id")
    return f"SELECT {_columns(Member)}, ({_card_holder_sql()}) FROM {table} WHERE {pk} = %s" + (
        " FOR UPDATE" if for_update else ""
    )


def lock_member_noting_card(member_id: int, card: str) -> tuple[Member | None, int | None]:
    """``SELECT ... FOR UPDATE`` of the member with this id, and in the same statement the id
    of the member whose card number is ``card`` (None: nobody's; an erased member has no card),
    read without a lock; when the member with this id is gone, the card holder alone. The card
    holder is only looked up, so its answer may be a moment old; the lock is the served member's
    alone (one row: no order of locks to keep). Refuses outside a transaction, as
    :func:`lock_one`; on SQLite a plain SELECT."""
    if connection.get_autocommit():
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    statement = _member_and_card_holder_sql(connection.features.has_select_for_update)
    with connection.cursor() as cursor:
        cursor.execute(statement, [card, member_id])
        row = cursor.fetchone()
    if row is None:  # the served member is gone; a card still says whose it is
        with connection.cursor() as cursor:
            cursor.execute(_card_holder_sql(), [card])
            found = cursor.fetchone()
        return None, found[0] if found is not None else None
    return _instance(Member, row[:-1]), row[-1]


@cache
def _item_with_record_sql(lock: str) -> str:
    record = _column(Item, "record")
    return (
        f"SELECT {_columns(Item, 'i.')}, {_columns(Record, 'r.')} FROM {_table(Item)} i "
        f"JOIN {_table(Record)} r ON r.{_column(Record, 'id')} = i.{record} "
        f"WHERE i.{_column(Item, 'barcode')} = %s{lock}"
    )


def lock_item_with_record(barcode: str) -> Item | None:
    """``SELECT ... FOR UPDATE`` of the copy with this barcode, its record loaded with it (the
    record row is read, not locked), or None. Refuses outside a transaction, as
    :func:`lock_one`; on SQLite a plain SELECT."""
    if connection.get_autocommit():
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    features = connection.features
    lock = ""
    if features.has_select_for_update_of:
        lock = " FOR UPDATE OF i"
    elif features.has_select_for_update:
        lock = " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(_item_with_record_sql(lock), [barcode])
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(Item._meta.concrete_fields)
    item = _instance(Item, row[:width])
    item.record = _instance(Record, row[width:])
    return item


_RULE_WIDTH = len(LoanRule._meta.concrete_fields)


@cache
def _rule_sql() -> str:
    """The best rule; parameters: branch id, category id, item type."""

    def col(name: str) -> str:
        return _column(LoanRule, name)

    branch, category, item_type = col("branch"), col("category"), col("item_type")
    return (
        f"SELECT {_columns(LoanRule)} FROM {_table(LoanRule)} "
        f"WHERE ({branch} = %s OR {branch} IS NULL) "
        f"AND ({category} = %s OR {category} IS NULL) "
        f"AND ({item_type} = %s OR {item_type} = '') "
        f"ORDER BY {branch} IS NULL, {category} IS NULL, {item_type} DESC "
        "LIMIT 1"
    )


def _rule(values: Sequence[object]) -> LoanRule | None:
    if values[0] is None:  # no rule matched (the LEFT JOIN below gave NULLs)
        return None
    return _instance(LoanRule, values)


def rule_row(*, branch_id: int | None, category_id: int | None, item_type: str) -> LoanRule | None:
    """The most specific rule (filled fields first: branch, then category, then item type).

    A ``branch_id`` or ``category_id`` of None matches only rules for any branch or category
    (``= NULL`` is never true).
    """
    with connection.cursor() as cursor:
        cursor.execute(_rule_sql(), [branch_id, category_id, item_type])
        row = cursor.fetchone()
    return None if row is None else _rule(row)


def _day_after(vendor: str, day: str, days: str) -> str:
    """SQL for the date ``days`` days after the date ``day``."""
    if vendor == "postgresql":
        return f"(CAST({day} AS date) + {days})"
    return f"date({day}, '+' || {days} || ' days')"


@cache
def _checkout_facts_sql(vendor: str, checks: tuple[str, ...]) -> str:
    """``checks``: the one-row SELECTs of the registered borrow checks, joined beside the rule
    (their columns come last, in registered order)."""
    loan, hold, closed = _table(Loan), _table(Hold), _table(ClosedDay)
    extra = "".join(f", check{n}.*" for n in range(len(checks)))
    joins = "".join(f" LEFT JOIN ({check}) AS check{n} ON 1 = 1" for n, check in enumerate(checks))
    loan_days = f"COALESCE(r.{_column(LoanRule, 'loan_days')}, %s)"
    return (
        f"SELECT {_columns(LoanRule, prefix='r.')}, "
        f"(SELECT COUNT(*) FROM {loan} WHERE {_column(Loan, 'member')} = %s "
        f"AND {_column(Loan, 'status')} = %s), "
        f"EXISTS (SELECT 1 FROM {hold} WHERE {_column(Hold, 'member')} = %s "
        f"AND {_column(Hold, 'record')} = %s "
        f"AND {_column(Hold, 'status')} IN ({_placeholders(len(ACTIVE_HOLD_STATUSES))})), "
        f"EXISTS (SELECT 1 FROM {closed} WHERE {_column(ClosedDay, 'branch')} = %s "
        f"AND {_column(ClosedDay, 'date')} = {_day_after(vendor, '%s', loan_days)})"
        f"{extra} "
        f"FROM (SELECT 1 AS one) AS one LEFT JOIN ({_rule_sql()}) AS r ON 1 = 1{joins}"
    )


def checkout_facts_row(
    *,
    member_id: int,
    category_id: int | None,
    record_id: int,
    item_type: str,
    branch_id: int,
    today: dt.date,
    default_loan_days: int,
) -> tuple[LoanRule | None, int, bool, bool, tuple[Any, ...]]:
    """The rule (as :func:`rule_row`), the member's open loans, whether the member has an
    active hold on the record, whether today + the rule's loan period is a closed day, and the
    values of the registered borrow checks' columns (in registered order)."""
    params: Params = [member_id, LoanStatus.OPEN.value, member_id, record_id]
    params += [status.value for status in ACTIVE_HOLD_STATUSES]
    params += [branch_id, connection.ops.adapt_datefield_value(today), default_loan_days]
    checks = tuple(check.sql(connection.vendor) for check in BORROW_CHECKS)
    params += [branch_id, category_id, item_type]
    for check in BORROW_CHECKS:
        params += check.params(member_id)
    with connection.cursor() as cursor:
        cursor.execute(_checkout_facts_sql(connection.vendor, checks), params)
        row = cursor.fetchone()
    count, has_hold, closed = row[_RULE_WIDTH : _RULE_WIDTH + 3]
    extra = tuple(row[_RULE_WIDTH + 3 :])
    return _rule(row[:_RULE_WIDTH]), int(count), bool(has_hold), bool(closed), extra


@cache
def _routing_facts_sql() -> str:
    transfer, hold = _table(Transfer), _table(Hold)
    hold_status = _column(Hold, "status")
    return (
        "SELECT "
        f"EXISTS (SELECT 1 FROM {transfer} WHERE {_column(Transfer, 'item')} = %s "
        f"AND {_column(Transfer, 'status')} = %s), "
        f"EXISTS (SELECT 1 FROM {hold} WHERE {_column(Hold, 'item')} = %s "
        f"AND {hold_status} IN ({_placeholders(len(TRAPPED_HOLD_STATUSES))})), "
        f"EXISTS (SELECT 1 FROM {hold} WHERE {_column(Hold, 'record')} = %s "
        f"AND {hold_status} = %s)"
    )


def routing_facts_row(*, item_id: int, record_id: int) -> tuple[bool, bool, bool]:
    """(open transfer of the item, hold trapped on the item, anyone waiting for the record)."""
    params: Params = [item_id, TransferStatus.IN_TRANSIT.value, item_id]
    params += [status.value for status in TRAPPED_HOLD_STATUSES]
    params += [record_id, HoldStatus.WAITING.value]
    with connection.cursor() as cursor:
        cursor.execute(_routing_facts_sql(), params)
        in_transit, set_aside, queue = cursor.fetchone()
    return bool(in_transit), bool(set_aside), bool(queue)
