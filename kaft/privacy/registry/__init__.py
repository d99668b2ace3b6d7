"""The register of personal data: every table that holds personal data or links a row to a member.

One entry per model says which fields hold what category of personal data, how a row is tied to
a member (``member_paths``), which retention rule applies and what erasure does with it. The
export, the erasure and the retention job all read this register, so a new field that is declared
here is covered by all three at once; ``kaft/privacy/tests/test_registry.py`` fails when a model
links to a member, or has a field that looks personal, and is not declared here.

Models that hold no member's personal data but would look as if they do are listed in
``NOT_PERSONAL`` with the reason; the test walks every model within two links of a member or a
login, and one link from every registered table, and refuses "not personal" for a model whose
rows point at a member's rows. Of an exported table every column is exported except the ones the
entry lists as ``technical`` (with why), so a new column reaches the export by itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from kaft.privacy.registry.rules import RULES, RUN_STEPS, Erasure, RetentionRule, rule_label
from kaft.privacy.registry.table import PersonalTable
from kaft.privacy.registry.tables import NOT_PERSONAL, REGISTRY

__all__ = [
    "NOT_PERSONAL",
    "REGISTRY",
    "RULES",
    "RUN_STEPS",
    "Erasure",
    "PersonalTable",
    "RetentionRule",
    "entries",
    "entry_for",
    "rule",
    "rule_label",
]


def entries() -> Iterator[PersonalTable]:
    yield from REGISTRY


def entry_for(model: type[models.Model]) -> PersonalTable | None:
    label = model._meta.label
    return next((e for e in REGISTRY if e.model == label), None)


def rule(key: str) -> RetentionRule:
    return RULES[key]
