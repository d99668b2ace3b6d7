import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_full_sync() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only pragmas")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000


def test_argon2_is_the_production_hasher() -> None:
    from kaft import settings as kaft_settings

    assert kaft_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.LANGUAGE_CODE == "nl"
