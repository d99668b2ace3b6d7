"""Background jobs of privacy. Thin wrappers: the work is in the services."""

from __future__ import annotations

import logging

from celery import shared_task

from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import RetentionRun
from kaft.privacy.services.retention import retention_apply

logger = logging.getLogger(__name__)


@shared_task(name="kaft.privacy.tasks.apply_retention")
def apply_retention() -> int | None:
    """Daily: apply every retention rule (see ``services.retention``); returns the run's id.

    While a run a privacy officer asked for still works, the nightly one is left out (None).
    """
    try:
        return retention_apply().pk
    except PrivacyError as refused:
        logger.info("retention run left out: %s", refused.code)
        return None


@shared_task(name="kaft.privacy.tasks.apply_retention_run")
def apply_retention_run(run_id: int) -> int | None:
    """The run a privacy officer asked for (``services.retention.run_now``). Safe to run twice:
    a run that finished or stopped is not run again (None)."""
    run = RetentionRun.objects.filter(pk=run_id, running=True, finished_at__isnull=True).first()
    if run is None:
        return None
    return retention_apply(run=run).pk
