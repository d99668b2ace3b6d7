"""Fixtures for SIP2 tests: a real server on 127.0.0.1 (a free port), and a kiosk account.

``sip2_server`` yields ``(host, port)`` of a server running in a background thread with its own
event loop; its worker threads use the test database, so it needs committed data: the fixture
turns on pytest-django's ``transactional_db`` itself (works on SQLite and PostgreSQL).
``sip2_server_factory(**options)`` starts one with other :class:`Sip2Server` options (TLS, a
short idle timeout); every server started is stopped at the end of the test.

    def test_login(sip2_server, kiosk):
        with RawClient(sip2_server) as kiosk_link: ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest

from kaft.sip2.models import KioskAccount
from kaft.sip2.server import Sip2Server, running

KIOSK_LOGIN = "kiosk-test"
KIOSK_PASSWORD = "kiosk-password-1"

ServerFactory = Callable[..., tuple[str, int]]


@pytest.fixture
def sip2_server_factory(transactional_db: None) -> Iterator[ServerFactory]:
    with contextlib.ExitStack() as stack:

        def start(**options: object) -> tuple[str, int]:
            options = {"workers": 4, **options}
            return stack.enter_context(running(Sip2Server(**options)))  # type: ignore[arg-type]

        yield start


@pytest.fixture
def sip2_server(sip2_server_factory: ServerFactory) -> tuple[str, int]:
    return sip2_server_factory()


@pytest.fixture
def kiosk(transactional_db: None) -> KioskAccount:
    """An active kiosk account ``kiosk-test`` / ``kiosk-password-1`` at a branch, UTF-8."""
    from kaft.sip2.accounts import kiosk_account_add
    from tests.factories import BranchFactory

    branch = BranchFactory.create(code="centrum", isil="NL-KftC", name="Centrale bibliotheek")
    return kiosk_account_add(
        login=KIOSK_LOGIN, password=KIOSK_PASSWORD, branch=branch, name="Zuil 1"
    )
