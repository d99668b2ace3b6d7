"""Helpers for the few hand-written SQL statements on the hottest paths (a desk scan, a kiosk
message): table and column names from the models, and model instances from rows.

Building a query through the ORM costs more Python time than SQLite takes to run it (0.2-0.5 ms
against 0.03-0.1 ms), and every request pays it for its session, its user and the checkout's
reads. The statements that use these helpers are plain SQL that SQLite and PostgreSQL both
accept, built once per process; values are always parameters. Their tests compare them with the
ORM. Writes go through the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def quoted(field: Field[Any, Any]) -> str:
    assert field.column is not None
    return connection.ops.quote_name(field.column)


def column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return quoted(field)


def columns(model: type[Model], prefix: str = "") -> str:
    """Every concrete column of ``model``, in field order (what :func:`instance` reads)."""
    return ", ".join(prefix + quoted(field) for field in model._meta.concrete_fields)


def width(model: type[Model]) -> int:
    """How many columns :func:`columns` gives for ``model``."""
    return len(model._meta.concrete_fields)


@cache
def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@cache
def _converters(model: type[Model], vendor: str) -> list[tuple[int, Any, list[Converter]]]:
    """Per column of ``model``: the backend and field converters the ORM would apply (SQLite
    hands back naive datetimes and floats for decimals; the converters make them what the ORM
    gives: aware datetimes, Decimals, booleans)."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        col = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if functions:
            found.append((index, col, functions))
    return found


def instance(model: type[M], row: Sequence[Any]) -> M:
    """A model instance from a row of all its concrete columns, converted as the ORM does."""
    values = list(row)
    for index, col, functions in _converters(model, connection.vendor):
        for convert in functions:
            values[index] = convert(values[index], col, connection)
    return model.from_db(connection.alias, _attnames(model), values)


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def prepared(model: type[Model], name: str, value: object) -> Any:
    """``value`` as the database takes it for the field ``name`` of ``model`` (a datetime for
    SQLite's text columns, a Decimal, ...)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field.get_db_prep_value(value, connection)
