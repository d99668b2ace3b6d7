"""Celery tasks of contests. Each is idempotent and only calls services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="kaft.outreach.tasks_contests.tell_contest_winner")
def tell_contest_winner(entry_id: int) -> bool:
    """Mail one winner; does nothing for a winner already told or an entry gone."""
    from kaft.outreach.services.contests_draw import winner_tell

    return winner_tell(entry_id=entry_id)


@shared_task(name="kaft.outreach.tasks_contests.close_ended_contests")
def close_ended_contests() -> int:
    """Beat job (daily): close the open contests whose last day has passed."""
    from kaft.outreach.services.contests import campaigns_close_ended

    return campaigns_close_ended()
