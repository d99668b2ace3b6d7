"""The shapes every SIP2 message handler speaks: a parsed request, a response, a session.

The wire (framing, checksums, sequence numbers, character sets, cleaning of field values) lives
in :mod:`kaft.sip2.wire`; the server (connections, threads, resend) in :mod:`kaft.sip2.server`.
A handler never sees bytes: it gets a :class:`Request` and returns a :class:`Response`, and is
registered for its command code with :func:`handles`. Handlers are plain synchronous functions
(the Django ORM is synchronous): the server runs them in a worker thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from kaft.sip2.models import KioskAccount


@dataclass(frozen=True)
class Request:
    """One message from a kiosk, parsed.

    ``fixed`` is the fixed-length part after the two-digit command code, exactly as received;
    ``fields`` the variable-length fields by two-letter code in the order sent (a code sent more
    than once keeps every value); ``sequence`` the AY sequence number when one was sent.
    """

    command: str
    fixed: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)
    sequence: str | None = None

    def get(self, code: str, default: str = "") -> str:
        """The first value of field ``code``, or ``default`` when it was not sent."""
        values = self.fields.get(code)
        return values[0] if values else default

    def has(self, code: str) -> bool:
        return code in self.fields


@dataclass
class Response:
    """One answer to a kiosk: ``fixed`` already the right length, ``fields`` in order.

    The wire cleans every field value (no ``|``, CR, LF or NUL; cut to the length the standard
    allows) and adds AY and AZ when error detection is on: a handler does neither.
    """

    command: str
    fixed: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)

    def add(self, code: str, value: object) -> Response:
        """Append field ``code`` (skipped when ``value`` is None); returns self, for chaining."""
        if value is not None:
            self.fields.append((code, str(value)))
        return self


@dataclass
class Session:
    """One kiosk connection. ``account`` is set by a successful login (93) and None before."""

    peer: str = ""
    account: KioskAccount | None = None
    # What the session last answered, for the resend request (97) and repeated sequence numbers:
    # the sequence number and raw frame (without terminator) of the last request answered, and
    # the raw answer sent. Only the server sets these.
    last_sequence: str | None = None
    last_response: bytes | None = None
    last_request: bytes | None = None
    # When (time.monotonic()) the server last read the account from the database: it reads it
    # again now and then, so a kiosk account made inactive or changed at the desk takes effect.
    account_checked_at: float = 0.0
    # Failed logins (93) on this connection; the server closes it after a few.
    failed_logins: int = 0

    @property
    def logged_in(self) -> bool:
        return self.account is not None


def flag(value: bool) -> str:
    """SIP2's one-character yes/no: ``Y`` or ``N``."""
    return "Y" if value else "N"


def sip_date(at: dt.datetime | dt.date | None = None) -> str:
    """A SIP2 date ``YYYYMMDDZZZZHHMMSS`` in local time (``ZZZZ`` four spaces: local time)."""
    if at is None:
        at = timezone.now()
    if isinstance(at, dt.datetime):
        local = timezone.localtime(at) if timezone.is_aware(at) else at
    else:
        local = dt.datetime.combine(at, dt.time(23, 59, 59))
    return local.strftime("%Y%m%d") + "    " + local.strftime("%H%M%S")


Handler = Callable[[Session, Request], Response]
HANDLERS: dict[str, Handler] = {}


def handles(command: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of requests with code ``command``."""

    def register(function: Handler) -> Handler:
        if command in HANDLERS:
            raise RuntimeError(f"SIP2 command {command} has two handlers")
        HANDLERS[command] = function
        return function

    return register
