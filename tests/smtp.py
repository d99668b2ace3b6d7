"""A real SMTP server on loopback for tests: aiosmtpd on 127.0.0.1 with a free port.

Use the ``smtp_server`` fixture (re-export it from a conftest), or ``SmtpSink`` directly::

    with SmtpSink() as sink:
        ...                      # point EMAIL_HOST/EMAIL_PORT at sink.host / sink.port
        sink.wait_for(1)         # block until one message arrived
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


class _Collector:
    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.arrived:
            self.mails.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server that keeps every message it receives in ``mails``."""

    def __init__(self, port: int | None = None) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every line
        self.host = HOST
        self.port = port or free_port()
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname=self.host, port=self.port)

    @property
    def mails(self) -> list[ReceivedMail]:
        return list(self._collector.mails)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        deadline = time.monotonic() + timeout
        with self._collector.arrived:
            while len(self._collector.mails) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._collector.arrived.wait(left)
        return self.mails

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def use_smtp(settings: Any, sink: SmtpSink) -> None:
    """Point Django's SMTP backend at ``sink`` (``settings`` is pytest-django's fixture)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "bibliotheek@example.org"
    settings.KAFT_LIBRARY_NAME = "Bibliotheek Kaft"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpSink]:
    """A running SMTP server on loopback, with Django's mail settings pointing at it."""
    with SmtpSink() as sink:
        use_smtp(settings, sink)
        yield sink
