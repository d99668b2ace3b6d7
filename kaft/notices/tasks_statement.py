"""Celery task announcing a new privacy statement (imported by kaft/notices/tasks.py)."""

from __future__ import annotations

from celery import shared_task

from kaft.privacy.models import StatementVersion


@shared_task(name="kaft.notices.tasks.notify_statement_changed")
def notify_statement_changed(version_id: int) -> int:
    """Queue (once per member) and send the e-mail about a newly published version."""
    from kaft.notices.services.statement import notices_statement_changed

    version = StatementVersion.objects.filter(pk=version_id, published_at__isnull=False).first()
    if version is None:
        return 0
    return notices_statement_changed(version=version)
