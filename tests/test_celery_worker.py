"""One real task through one real Celery worker on the Redis at 127.0.0.1:6379.

Everything else in the suite runs tasks eagerly; this test checks the wiring: the task names,
the broker, ``transaction.on_commit`` scheduling, a worker thread sharing the test database, and
the mail reaching a real SMTP server. Redis missing is a failure, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import kombu.pools
import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker

from kaft.celery import app
from kaft.notices.models import Notice, NoticeStatus
from kaft.notices.tasks import notice_hold_ready
from tests.factories_notices import make_ready_hold
from tests.smtp import SmtpSink, use_smtp

# KAFT_TEST_REDIS names the Redis to use (CI and `make test` on a machine with Redis set it to a
# database of its own, emptied before the test). Set and unreachable: the test fails. Unset: it
# is skipped, so a newcomer's `make test` needs no Redis.
BROKER_URL = os.environ.get("KAFT_TEST_REDIS", "")


def _reset_broker_connections(celery_app: Celery) -> None:
    pool = celery_app._pool
    if pool is not None:
        pool.force_close_all()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    # kombu keeps producer pools in a process-wide registry keyed by connection: drop them too,
    # or the next eager task (which still borrows a producer) finds the pool closed above.
    kombu.pools.reset()


@contextmanager
def _app_on_redis(celery_app: Celery) -> Iterator[None]:
    """Point the Kaft app at Redis with real (not eager) tasks; put everything back afterwards."""
    changes: dict[str, Any] = {
        "broker_url": BROKER_URL,
        "broker_transport_options": {},
        "task_always_eager": False,
        "worker_hijack_root_logger": False,
    }
    saved = {key: celery_app.conf[key] for key in changes}
    celery_app.conf.update(changes)
    _reset_broker_connections(celery_app)
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _reset_broker_connections(celery_app)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_ready_hold_is_announced_by_a_real_worker_through_redis(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker would run Django's system checks at start-up; `manage.py check` covers those.
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    if not BROKER_URL:
        pytest.skip("KAFT_TEST_REDIS is not set (e.g. redis://127.0.0.1:6379/15)")
    # given Redis is up (an unreachable Redis raises here: the test fails, it does not skip)
    broker = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=3)
    broker.ping()
    broker.flushdb()
    hold = make_ready_hold(member__email="sam@example.org", member__preferred_language="en")

    with SmtpSink() as smtp, _app_on_redis(app):
        use_smtp(settings, smtp)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            # when the task is sent to the broker, as the circulation service does after commit
            notice_hold_ready.delay(hold.pk)
            # then the worker queues the notice, sends send_notice through Redis, and mails it
            mails = smtp.wait_for(1, timeout=30)
        assert app.conf.task_always_eager is False

    assert app.conf.task_always_eager is True
    assert [(mail.rcpt_tos, mail.subject) for mail in mails] == [
        (["sam@example.org"], "Your reservation is ready for pickup")
    ]
    assert "De avonden" in mails[0].body
    notice = Notice.objects.get()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 1)
    broker.flushdb()
    broker.close()
