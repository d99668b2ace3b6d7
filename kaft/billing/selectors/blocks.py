"""Blocks follow money, as circulation asks it: billing's borrow check.

Registered with circulation in ``BillingConfig.ready`` (circulation never imports billing). The
rule is :func:`kaft.billing.selectors.charges.member_money_block`; checkout reads its two facts
(what the member owes, whether an invoice is open) as two more columns of its facts statement,
so a checkout costs the same number of queries as before. Nothing is stored: paying is
unblocking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection

from kaft.billing.models import CENT, Charge, ChargeEvent
from kaft.billing.selectors.charges import MoneyBlock, member_money_block, money_block_decide
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.selectors.refusals import BorrowCheck, BorrowRefusal
from kaft.core.money import Euros
from kaft.members.models import Member


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _sql(vendor: str) -> str:
    """One row: what the member owes (the sum of every event on their charges), and what they
    owe on charges put on an invoice. An invoice is open while one of its charges is owed
    (``open_invoices``); what is owed on a charge never drops below zero (payments, waivers
    and cancellations never exceed it), so "more than 0 owed on invoiced charges" is the same
    test. One aggregate over one join: cheap to plan, as it runs in every checkout."""
    del vendor  # the same SQL on SQLite and PostgreSQL
    event, charge = _q(ChargeEvent._meta.db_table), _q(Charge._meta.db_table)
    owed_change, charge_id = _q("owed_change"), _q("charge_id")
    member_id, invoice_id, pk = _q("member_id"), _q("invoice_id"), _q("id")
    return (
        f"SELECT COALESCE(SUM(be.{owed_change}), 0), "
        f"COALESCE(SUM(CASE WHEN bc.{invoice_id} IS NULL THEN 0 ELSE be.{owed_change} END), 0) "
        f"FROM {event} be INNER JOIN {charge} bc ON be.{charge_id} = bc.{pk} "
        f"WHERE bc.{member_id} = %s"
    )


def refusal_of(block: MoneyBlock | None) -> BorrowRefusal | None:
    """Circulation's refusal for a money block, with the amount (and the limit)."""
    if block is None:
        return None
    owed = Euros(block.owed)
    if block.code == "invoice_open":
        return BorrowRefusal(CirculationErrorCode.MEMBER_INVOICE_OPEN, {"owed": owed})
    limit = Euros(Decimal(settings.KAFT_BLOCK_OWED_THRESHOLD))
    return BorrowRefusal(CirculationErrorCode.MEMBER_OWES, {"owed": owed, "limit": limit})


def _refusal(member: Member, today: dt.date) -> BorrowRefusal | None:
    return refusal_of(member_money_block(member, today=today))


def _from_facts(values: Sequence[Any]) -> BorrowRefusal | None:
    owed, invoiced = values
    amount = Decimal(str(owed or 0)).quantize(CENT)
    invoice_open = Decimal(str(invoiced or 0)).quantize(CENT) > 0
    return refusal_of(money_block_decide(owed=amount, invoice_open=invoice_open))


MONEY_CHECK = BorrowCheck(
    name="billing.money",
    refusal=_refusal,
    sql=_sql,
    params=lambda member_id: [member_id],
    width=2,
    from_facts=_from_facts,
)
