"""Celery tasks of the members app. Each is idempotent and only calls services."""

from __future__ import annotations

from celery import shared_task

from kaft.members.services.family import family_access_lapse_overdue


@shared_task(name="kaft.members.tasks.lapse_family_requests")
def lapse_family_requests() -> int:
    """Beat job: requests for family access not answered within 14 days lapse."""
    return family_access_lapse_overdue()
