"""Celery tasks of the research panel. Each is idempotent and only calls services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="kaft.outreach.tasks_panel.mail_panel_invitation")
def mail_panel_invitation(invitation_id: int) -> bool:
    """Mail one invitation; does nothing for one mailed already, answered or gone."""
    from kaft.outreach.services.panel_invitations import invitation_mail_send

    return invitation_mail_send(invitation_id=invitation_id)


@shared_task(name="kaft.outreach.tasks_panel.close_ended_panel_surveys")
def close_ended_panel_surveys() -> int:
    """Beat job (daily): close the open surveys whose last day has passed."""
    from kaft.outreach.services.panel import surveys_close_ended

    return surveys_close_ended()
