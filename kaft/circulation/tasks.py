"""Background jobs of circulation. Thin wrappers: the work is in the services."""

from __future__ import annotations

from celery import shared_task

from kaft.circulation.services import holds_expire_uncollected


@shared_task(name="kaft.circulation.tasks.expire_uncollected_holds")
def expire_uncollected_holds() -> int:
    """Hourly: READY holds past their pickup deadline expire; their copies wait on the holds
    shelf to be taken off and scanned (see ``services.holds``)."""
    return holds_expire_uncollected()
