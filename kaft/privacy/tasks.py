"""Background jobs of privacy. Thin wrappers: the work is in the services."""

from __future__ import annotations

from celery import shared_task

from kaft.privacy.services.retention import retention_apply


@shared_task(name="kaft.privacy.tasks.apply_retention")
def apply_retention() -> int:
    """Daily: apply every retention rule (see ``services.retention``); returns the run's id."""
    return retention_apply().pk
