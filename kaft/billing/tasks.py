"""Billing's scheduled jobs. Each only calls services and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from kaft.billing.services.fees import memberships_renew_due
from kaft.billing.services.fines import fines_update
from kaft.billing.services.mandates import mandates_lapse
from kaft.billing.services.sepa_run import sepa_files_prune


@shared_task(name="kaft.billing.tasks.update_fines")
def update_fines() -> int:
    """Daily: every overdue loan's fine brought up to today's total (missed days caught up,
    a rerun writes nothing). Returns how many ledger events were written."""
    return fines_update().events


@shared_task
def sepa_daily() -> dict[str, int]:
    """Daily: mandates unused for 36 months lapse; members who pay by direct debit and whose
    membership ends within a month are renewed (their fee charged, to be announced); the files
    of runs the retention job deleted go too."""
    return {
        "lapsed": mandates_lapse(),
        "renewed": memberships_renew_due(),
        "files_deleted": sepa_files_prune(),
    }
