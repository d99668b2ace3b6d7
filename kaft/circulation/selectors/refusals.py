"""Reasons of higher domains to refuse borrowing, asked without circulation importing them.

Circulation sits below billing in the house, yet "may this member borrow?" must also say no when
the member owes the library too much. Such a domain registers a :class:`BorrowCheck` when Django
starts (in its ``AppConfig.ready``); :func:`kaft.circulation.selectors.loans.member_borrow_refusal`
asks every registered check after the member's own status, and checkout reads the same answer
from columns the check adds to its facts statement (``kaft.circulation.sql``), so a checkout
costs no extra query for it.

A check answers twice, the same way: from the member (``refusal``: renewals, reservations, the
desk's standing; it may run its own queries) and from the values of its SQL (``from_facts``:
checkout). Its SQL is a SELECT that gives exactly one row of ``width`` columns (an aggregate
without GROUP BY), plain SQL that SQLite and PostgreSQL both accept, with one ``%s`` parameter
per value of ``params``; the facts statement joins it beside the lending rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.members.models import Member


@dataclass(frozen=True)
class BorrowRefusal:
    """Why a member may not borrow: a code and the values its message names (an amount, as
    :class:`kaft.core.money.Euros`: written when the message is shown)."""

    code: CirculationErrorCode
    params: Mapping[str, object] = field(default_factory=dict)

    def error(self) -> CirculationError:
        return CirculationError(self.code, **self.params)

    @property
    def message(self) -> str:
        return self.error().message


@dataclass(frozen=True)
class BorrowCheck:
    """One registered reason to refuse. ``sql`` gives, for a database vendor, a one-row SELECT
    of ``width`` columns for the parameters ``params(member_id)`` gives; ``from_facts`` reads
    their values."""

    name: str
    refusal: Callable[[Member, dt.date], BorrowRefusal | None]
    sql: Callable[[str], str]
    params: Callable[[int], list[Any]]
    width: int
    from_facts: Callable[[Sequence[Any]], BorrowRefusal | None]


BORROW_CHECKS: list[BorrowCheck] = []


def borrow_check_register(check: BorrowCheck) -> BorrowCheck:
    """Register ``check`` (once per name; registering it again changes nothing)."""
    if all(known.name != check.name for known in BORROW_CHECKS):
        BORROW_CHECKS.append(check)
    return check


def registered_refusal(member: Member, today: dt.date) -> BorrowRefusal | None:
    """The first registered check that refuses ``member`` on ``today``, or None."""
    for check in BORROW_CHECKS:
        found = check.refusal(member, today)
        if found is not None:
            return found
    return None


def refusal_from_facts(values: Sequence[Any]) -> BorrowRefusal | None:
    """The first refusal among the checks' columns of the checkout facts, in registered order
    (no check registered, or a check's row missing: no refusal)."""
    start = 0
    for check in BORROW_CHECKS:
        found = check.from_facts(values[start : start + check.width])
        if found is not None:
            return found
        start += check.width
    return None
