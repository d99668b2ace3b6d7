"""Shared pytest set-up: tasks run eagerly (one test runs a real worker), a known clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Compile the translations first, so a plain `pytest` sees the same Dutch as `make test`."""
    from pathlib import Path

    import polib

    # Always, not by modification time: a merge or checkout can leave a .po no newer than a
    # stale .mo, and compiling every catalogue takes well under a second.
    for po_path in Path(__file__).parent.joinpath("kaft").rglob("LC_MESSAGES/*.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    # pytest-django set Django up before this hook, and that already read the Dutch catalogue:
    # forget what was read (Django's and Python's caches), so this run uses the fresh files.
    import gettext

    from django.test.signals import language_changed

    gettext._translations.clear()  # type: ignore[attr-defined]
    language_changed(setting="LOCALE_PATHS")


@pytest.fixture(autouse=True, scope="session")
def _celery_eager() -> Iterator[None]:
    from kaft.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 in production; tests that check the hasher itself override this.
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _settings_read_from_an_empty_database() -> None:
    """Each test starts with empty tables: the library's details and message texts are kept in
    the process (kaft/core/memo.py); start every test from "none stored" without a query."""
    from kaft.core.library import library_preset_empty
    from kaft.notices.texts import texts_preset_empty

    library_preset_empty()
    texts_preset_empty()


@pytest.fixture
def admin_client(client: object, admin_user: object) -> object:
    """pytest-django's admin client, past the second factor the admin asks of everyone."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(admin_user)  # type: ignore[attr-defined]
    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    session = client.session  # type: ignore[attr-defined]
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
