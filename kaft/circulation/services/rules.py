"""Lending rules, changed by administrators at the desk: one rule per branch × member category ×
item type, where an empty part means "any" (:func:`kaft.circulation.selectors.loans.rule_for`
picks the most specific rule that matches). Saving a rule records each value changed, old and
new (:mod:`kaft.core.settings_log`); the next checkout uses it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from kaft.catalog.models import Branch
from kaft.circulation.models import LoanRule
from kaft.circulation.selectors.loans import loan_rule_label
from kaft.core.settings_log import setting_changes_write
from kaft.members.models import MemberCategory

VALUES = (
    "loan_days",
    "renewals_allowed",
    "max_loans",
    "max_holds",
    "hold_shelf_days",
    "fine_per_day",
    "fine_grace_days",
    "fine_cap",
)


@transaction.atomic
def loan_rule_save(
    *,
    branch: Branch | None,
    category: MemberCategory | None,
    item_type: str,
    values: dict[str, Any],
    staff: Any,
) -> LoanRule:
    """The rule for this combination, made or changed to ``values`` (the fields of
    :data:`VALUES`; one missing keeps its value, or the default for a new rule)."""
    rule = (
        LoanRule.objects.select_for_update()
        .filter(branch=branch, category=category, item_type=item_type)
        .first()
    )
    new = rule is None
    if rule is None:
        rule = LoanRule(branch=branch, category=category, item_type=item_type)
    changes: dict[str, tuple[Any, Any]] = {}
    for field in VALUES:
        if field not in values:
            continue
        old, value = getattr(rule, field), values[field]
        if isinstance(old, Decimal) and value is not None:
            value = Decimal(value).quantize(Decimal("0.01"))
        if new or old != value:
            changes[field] = (None if new else old, value)
            setattr(rule, field, value)
    rule.save()
    setting_changes_write(
        subject="loan_rule", target=loan_rule_label(rule), changes=changes, staff=staff
    )
    return rule


@transaction.atomic
def loan_rule_delete(*, rule: LoanRule, staff: Any) -> None:
    """Take a rule away: its combination falls back to the next less specific rule."""
    setting_changes_write(
        subject="loan_rule",
        target=loan_rule_label(rule),
        changes={"": (str(rule.loan_days) + "d", None)},
        staff=staff,
    )
    rule.delete()
