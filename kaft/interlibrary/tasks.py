"""Interlibrary tasks: send a message after commit; the beat jobs try pending messages again and
mark loans to partners overdue. Each only calls a service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="kaft.interlibrary.tasks.send_message")
def send_message(message_id: int) -> str:
    from kaft.interlibrary.services.outbox import message_send

    return message_send(message_id)


@shared_task(name="kaft.interlibrary.tasks.send_pending_messages")
def send_pending_messages() -> int:
    """Beat job: send what a failed attempt or a crashed worker left behind."""
    from kaft.interlibrary.services.outbox import messages_send_pending

    return messages_send_pending()


@shared_task(name="kaft.interlibrary.tasks.mark_overdue")
def mark_overdue() -> int:
    """Beat job (daily): our copies lent to partner libraries past their due date."""
    from kaft.interlibrary.services.supplying import supply_mark_overdue_all

    return supply_mark_overdue_all()
