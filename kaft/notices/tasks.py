"""Celery tasks of the outbox. Each is idempotent and only calls services."""

from __future__ import annotations

from celery import shared_task

from kaft.notices.selectors import outbox as selectors
from kaft.notices.services import outbox as services


@shared_task(name="kaft.notices.tasks.notice_hold_ready")
def notice_hold_ready(hold_id: int) -> None:
    """Queue (once) and then send the "ready for pickup" message of a hold that became READY."""
    hold = selectors.hold_for_notice(hold_id)
    if hold is not None:
        services.notice_queue_hold_ready(hold=hold)


@shared_task(name="kaft.notices.tasks.send_notice")
def send_notice(notice_id: int) -> None:
    """Send one outbox message; a second call for the same message does nothing."""
    services.notice_send(notice_id=notice_id)


@shared_task(name="kaft.notices.tasks.queue_due_soon_notices")
def queue_due_soon_notices() -> int:
    """Beat job: queue "due in N days" messages (N = settings.KAFT_DUE_SOON_DAYS)."""
    return services.notices_queue_due_soon()


@shared_task(name="kaft.notices.tasks.queue_membership_ending_notices")
def queue_membership_ending_notices() -> int:
    """Beat job (daily): tell members whose membership ends soon (KAFT_MEMBERSHIP_ENDING_DAYS)."""
    from kaft.notices.services.membership import notices_queue_membership_ending

    return notices_queue_membership_ending()


@shared_task(name="kaft.notices.tasks.run_reminders")
def run_reminders() -> int:
    """Beat job (daily): the reminder schedule's steps due today; missed days are caught up."""
    from kaft.notices.services.reminders import reminders_run

    return reminders_run().messages


@shared_task(name="kaft.notices.tasks.send_pending_notices")
def send_pending_notices() -> int:
    """Beat job: send what a crashed worker or a failed attempt left behind."""
    return services.notices_send_pending()


from kaft.notices.tasks_statement import notify_statement_changed  # noqa: E402, F401


@shared_task(name="kaft.notices.tasks.build_print_run")
def build_print_run(run_id: int) -> None:
    """Make the PDF of a print run (chunk by chunk, with progress); a second call does nothing."""
    from kaft.notices.services.letters import print_run_build

    print_run_build(run_id=run_id)
