"""Celery tasks of the staff statistics. Each is idempotent and only calls services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="kaft.outreach.tasks_statistics.snapshot_members_month")
def snapshot_members_month() -> int:
    """Beat job (daily, before the retention job): new and active members of this month and the
    previous one, kept as counts."""
    from kaft.outreach.services.statistics import members_month_snapshot

    return members_month_snapshot()
