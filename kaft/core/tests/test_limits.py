"""The one attempt limiter, and the shared cache it counts in (issue 7, section 6).

The counts must be one for every web worker: the decisive test runs the limiter in two separate
OS processes, each with its own Django set-up, against the same database, and reads one total.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from kaft.core.limits import Limit, limit_clear, limit_count, limit_count_of, limit_reached
from kaft.core.models import CacheEntry
from kaft.settings import cache_settings

TRIES = Limit("test_tries", attempts=3, window=3600)


@pytest.mark.django_db
def test_a_limit_counts_per_subject_and_is_reached_at_its_number() -> None:
    assert [limit_count(TRIES, "a") for _ in range(3)] == [1, 2, 3]
    limit_count(TRIES, "b")

    assert limit_reached(TRIES, "a") is True
    assert (limit_count_of(TRIES, "b"), limit_reached(TRIES, "b")) == (1, False)
    limit_clear(TRIES, "a")
    assert limit_count_of(TRIES, "a") == 0


def test_the_cache_holds_no_subject_in_clear() -> None:
    key = TRIES.key("sanne@example.org")

    assert "sanne" not in key and "example" not in key
    assert key != TRIES.key("21000000000001")
    assert key != Limit("other", 3, 3600).key("sanne@example.org")


def test_without_kaft_cache_url_the_database_cache_is_used() -> None:
    assert settings.CACHES["default"]["BACKEND"] in (
        "kaft.core.cache.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",  # a run with KAFT_CACHE_URL set
    )
    assert cache_settings("")["default"]["BACKEND"] == "kaft.core.cache.DatabaseCache"
    redis = cache_settings("redis://127.0.0.1:6379/1")["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ImproperlyConfigured, match="KAFT_CACHE_URL must be a Redis address"):
        cache_settings("memcached://127.0.0.1:11211")


@pytest.mark.django_db
@pytest.mark.skipif(
    settings.CACHES["default"]["BACKEND"] != "kaft.core.cache.DatabaseCache",
    reason="the database cache only",
)
def test_the_database_cache_counts_in_its_table_and_keeps_the_window() -> None:
    limit_count(TRIES, "a")
    opened = CacheEntry.objects.get().expires

    limit_count(TRIES, "a")
    limit_count(TRIES, "a")

    # Django's own incr would have set the default timeout (5 minutes) on every count
    assert CacheEntry.objects.get().expires == opened
    assert cache.get(TRIES.key("a")) == 3


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST']}{port}/{db['NAME']}"


COUNTER = """
import sys
import django

django.setup()
from kaft.core.limits import Limit, limit_count

limit = Limit("two_processes", attempts=1000, window=3600)
for _ in range(int(sys.argv[1])):
    limit_count(limit, "one subject")
print("done")
"""


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_count() -> None:
    # Given the test database, committed to (a file on SQLite), and two worker processes
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kaft.settings",
        "DATABASE_URL": _database_url(),
    }
    root = Path(settings.BASE_DIR)
    shared = Limit("two_processes", attempts=1000, window=3600)
    limit_clear(shared, "one subject")  # a Redis cache (KAFT_CACHE_URL) outlives the test

    # When each counts 15 attempts, at the same time
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, "15"],
            env=env,
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [worker.communicate(timeout=180) for worker in workers]

    # Then both finished and this process reads one count of 30
    assert [worker.returncode for worker in workers] == [0, 0], results
    assert limit_count_of(shared, "one subject") == 30
