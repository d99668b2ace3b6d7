"""The copies of titles as the desk's item screen lists them: where each copy is, in which state,
under which call number, and until when it is lent out. No member data."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from kaft.catalog.models import Item
from kaft.circulation.models import Loan, LoanStatus


def copies_of_records(record_ids: Iterable[int]) -> dict[int, list[Item]]:
    """Record id -> its copies (by branch where they are now, then barcode), each with
    ``due_date`` (of the open loan, or None). One query, however many titles and copies."""
    ids = list(record_ids)
    if not ids:
        return {}
    open_loan = Loan.objects.filter(item=OuterRef("pk"), status=LoanStatus.OPEN)
    items = (
        Item.objects.filter(record_id__in=ids)
        .select_related("current_branch", "home_branch")
        .annotate(due_date=Subquery(open_loan.values("due_date")[:1]))
        .order_by("current_branch__name", "barcode")
    )
    copies: dict[int, list[Item]] = {record_id: [] for record_id in ids}
    for item in items:
        copies[item.record_id].append(item)
    return copies
