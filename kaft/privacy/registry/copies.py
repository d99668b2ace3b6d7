"""Free text copied from one table into another keeps the rule of its source, or is not copied.

Text that a person types (a reason, a note, a message, a comment) lives in one registered table,
under that table's retention rule. A copy in a table with a longer rule would outlive it: a
refused correction's reason copied into the change history (kept as long as the member) would
survive the 90 days of the request. So Kaft copies such text only into a table whose rule can
never keep it longer than its source's rule (:func:`may_hold_copy`, judged over the whole
configurable range of both rules); otherwise the other table says only *that* something
happened, and the text is read from its source while the source exists.

``kaft/privacy/tests/test_free_text_copies.py`` writes a unique text into every free-text field
through the services, runs the flows that copy data, and then looks for each text in every text
column of every table: a copy under a longer rule fails it, as does a free-text field it does
not know.
"""

from __future__ import annotations

import math

from django.conf import settings

from kaft.privacy.registry.rules import RULES, RetentionRule

# Rules that last as long as the account: erasing the member deletes or empties both.
ACCOUNT_LIFETIME = frozenset({"with_member", "ended_membership"})

# Copies that are kept under a longer rule on purpose, each with the reason.
KEPT_COPIES: dict[tuple[str, str], str] = {
    ("privacy.LegalRequest", "produced"): (
        "What was handed to police or justice under a legal duty, kept as the record of that "
        "disclosure under the disclosures rule; only in the categories and period the request "
        "named, and only after a privacy officer approved it."
    ),
    ("interlibrary.OutgoingMessage", "body"): (
        "An interlibrary request as it goes to the partner library: what the member asked for "
        "is what the message is for. The text is emptied as soon as the partner took it; a "
        "message the partner never took is deleted under the messages rule."
    ),
}


def _longest_days(rule: RetentionRule) -> float:
    """The longest a row may be kept under ``rule``, whatever the library configured."""
    if rule.key in ACCOUNT_LIFETIME:
        return math.inf
    if rule.key == "notes":
        return float(settings.KAFT_NOTE_MAX_DAYS)
    days = [d for d in (rule.default_days, rule.max_days) if d is not None]
    return float(max(days)) if days else math.inf


def _shortest_days(rule: RetentionRule) -> float:
    """The shortest a row may be kept under ``rule``, whatever the library configured."""
    if rule.key in ACCOUNT_LIFETIME:
        return math.inf
    if rule.key == "notes":
        return 0.0  # a note may expire the day after it was written
    days = [d for d in (rule.default_days, rule.min_days) if d is not None]
    return float(min(days)) if days else math.inf


def may_hold_copy(*, source: str, copy: str) -> bool:
    """Whether a table under rule ``copy`` may hold a copy of text kept under rule ``source``:
    the same rule, or one that never keeps it longer, however both are configured."""
    if source == copy:
        return True
    return _longest_days(RULES[copy]) <= _shortest_days(RULES[source])
