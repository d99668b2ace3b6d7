"""Running the retention job now, at a privacy officer's request, beside the nightly run.

One run at a time: a run is opened as ``running``, and the database allows one running run
(``retention_one_run_at_a_time``), so a second request, or the nightly job meanwhile, is refused
with ``RETENTION_RUNNING``; two requests at the same moment cannot both pass. A run whose worker
was killed would hold that place for ever: a run still marked running after
:data:`STALE_AFTER` is taken as stopped.

The request only queues: the work is the task ``apply_retention_run`` (after commit), which
fills in the run's counts step by step while the desk page shows how far it is.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.members.models import StaffProfile, StaffRole, User
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import RetentionRun

STALE_AFTER = dt.timedelta(hours=6)


def retention_run_start(
    *, requested_by: User | None, now: dt.datetime | None = None
) -> RetentionRun:
    """Open a running run; ``RETENTION_RUNNING`` while another one runs. One transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        RetentionRun.objects.filter(running=True, started_at__lt=now - STALE_AFTER).update(
            running=False
        )
        try:
            with transaction.atomic():
                return RetentionRun.objects.create(
                    started_at=now, running=True, requested_by=requested_by, counts={}
                )
        except IntegrityError:
            raise PrivacyError(PrivacyErrorCode.RETENTION_RUNNING) from None


def retention_run_request(*, staff: User) -> RetentionRun:
    """Queue a retention run now for ``staff``, who must be a privacy officer.

    Records who asked and when (the run's ``requested_by`` and ``started_at``) and schedules
    the task after commit. Refused: ``RETENTION_RUN_NOT_ALLOWED`` for any other role,
    ``RETENTION_RUNNING`` while a run works; nothing is written then.
    """
    from kaft.privacy.tasks import apply_retention_run

    profile = StaffProfile.objects.filter(user_id=staff.pk).first()
    if profile is None or profile.role != StaffRole.PRIVACY_OFFICER:
        raise PrivacyError(PrivacyErrorCode.RETENTION_RUN_NOT_ALLOWED)
    with transaction.atomic():
        run = retention_run_start(requested_by=staff)
        transaction.on_commit(lambda: apply_retention_run.delay(run.pk))
    return run


def retention_run_current() -> RetentionRun | None:
    """The run working now, if any (stale ones excepted)."""
    since = timezone.now() - STALE_AFTER
    return RetentionRun.objects.filter(running=True, started_at__gte=since).first()
