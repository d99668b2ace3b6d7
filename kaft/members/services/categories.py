"""Member categories, changed by administrators at the desk (*Lidmaatschapscategorieën*): name,
fee and how it is charged, age range, whether late fees apply. A category's lending limits are
its lending rules (``kaft/circulation/services/rules.py``). Every change is recorded
(:mod:`kaft.core.settings_log`); a category with members cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from kaft.core.settings_log import setting_changes_write
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import FeePeriod, Member, MemberCategory

FIELDS = ("name", "name_en", "annual_fee", "fee_period", "min_age", "max_age", "charges_no_fines")


def _shown(category: MemberCategory | None, field: str) -> Any:
    if category is None:
        return None
    value = getattr(category, field)
    if field == "fee_period":
        return FeePeriod(value).label
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


@transaction.atomic
def member_category_save(
    *, category: MemberCategory | None, values: Mapping[str, Any], staff: Any, code: str = ""
) -> MemberCategory:
    """Change ``category`` (None: a new one with ``code``) to ``values`` (the :data:`FIELDS`).
    Refused: a code another category has, an age range that runs backwards."""
    low, high = values.get("min_age"), values.get("max_age")
    if low is not None and high is not None and low >= high:
        raise MemberError(MemberErrorCode.CATEGORY_AGES_INVALID)
    if category is None:
        if MemberCategory.objects.filter(code=code).exists():
            raise MemberError(MemberErrorCode.CATEGORY_CODE_TAKEN)
        saved = MemberCategory(code=code)
        before = None
    else:
        saved = MemberCategory.objects.select_for_update().get(pk=category.pk)
        before = MemberCategory.objects.get(pk=category.pk)
    for field in FIELDS:
        setattr(saved, field, values.get(field))
    saved.full_clean(exclude=["code"] if category is not None else None)
    saved.save()
    setting_changes_write(
        subject="member_category",
        target=saved.name,
        changes={field: (_shown(before, field), _shown(saved, field)) for field in FIELDS},
        staff=staff,
    )
    return saved


@transaction.atomic
def member_category_delete(*, category: MemberCategory, staff: Any) -> None:
    """Delete a category no member is in and no statistics refer to (its lending rules go
    with it)."""
    count = Member.objects.filter(category=category).count()
    if count:
        raise MemberError(MemberErrorCode.CATEGORY_IN_USE, count=count)
    setting_changes_write(
        subject="member_category",
        target=category.name,
        changes={"": (category.name, None)},
        staff=staff,
    )
    try:
        category.delete()
    except ProtectedError as error:  # loans, reservations or charges in the statistics
        raise MemberError(MemberErrorCode.CATEGORY_IN_HISTORY) from error
