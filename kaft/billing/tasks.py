"""Background jobs of billing. Thin wrappers: the work is in the services."""

from __future__ import annotations

from celery import shared_task

from kaft.billing.services.fines import fines_update


@shared_task(name="kaft.billing.tasks.update_fines")
def update_fines() -> int:
    """Daily: every overdue loan's fine brought up to today's total (missed days caught up,
    a rerun writes nothing). Returns how many ledger events were written."""
    return fines_update().events
