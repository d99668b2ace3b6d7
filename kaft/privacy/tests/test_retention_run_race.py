"""Five retention runs asked for at the same moment: exactly one starts (a database rule)."""

from __future__ import annotations

import pytest

from kaft.privacy.models import RetentionRun
from kaft.privacy.services.retention.run_now import retention_run_start
from tests.threads import OK, run_together

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_five_requests_at_once_start_one_run() -> None:
    outcomes = run_together([lambda: retention_run_start(requested_by=None) for _ in range(5)])

    assert sorted(outcomes) == sorted([OK] + ["retention_running"] * 4)
    assert RetentionRun.objects.filter(running=True).count() == 1
