"""The SIP2 server: one asyncio loop for the connections, a fixed pool of threads for the work.

Each connection has a :class:`~kaft.sip2.protocol.Session`. Frames end with CR, LF or CRLF; a
connection's frames are answered one after the other. Everything that touches the database
(parsing included, so one connection's state is only ever used by one thread at a time) runs in
:func:`answer`, in a worker thread; the loop only reads and writes bytes. Several server
processes behind a TCP load balancer share nothing but the database.

Rules (SIP2 2.00 and issue 10):

- A wrong checksum, or none while the account has error detection, answers 96 (request SC
  resend). So does a frame Kaft cannot read (unknown command code, fixed part too short, NUL or
  another control character, not in the account's character set).
- 97 (request ACS resend) answers the last answer again (96 when nothing was answered yet).
- A request with the same sequence number (AY) and the very same bytes as the last one gets the
  last answer again and is not handled twice: a kiosk that did not hear the answer to a checkout
  and sends it again does not lend the copy twice.
- Before a successful login (93) only 93, 99 and 97 are answered. The standard makes 99 the
  first message after connecting unless the kiosk logs in first; FOLIO's edge-sip2 answers it
  without a login (its message loop has no login gate), Koha's raw transport closes the
  connection on anything but 93. Kaft answers a 99 before login, but with a status that permits
  nothing and names no institution (all ok flags N, BX only 93/97/99), so a kiosk that checks
  the link first works and a stranger learns nothing but the library's name. Anything else
  before login closes the connection, as Koha does: the kiosk reconnects and logs in.
- A message the account may not use (:meth:`KioskAccount.may_use`), and one with no handler,
  is refused with that message's own response saying no (ok 0 / N) and a screen message
  (:func:`kaft.sip2.refusals.refusal`), not with 96: a 96 would make the kiosk send it again.
  93, 97 and 99 are always allowed.
- A handler that fails unexpectedly answers the same refusal ("not processed"); its
  transaction rolled back. Nothing one connection does can stop the server or another
  connection. Logs name the peer, the command code and the exception class, never field values.
- After three failed logins on one connection it is closed (after the third answer).
- A frame longer than :data:`kaft.sip2.wire.MAX_FRAME_BYTES` closes the connection without
  reading more; an idle connection is closed after ``idle_timeout`` seconds (SIP2_IDLE_TIMEOUT,
  default 900: kiosks poll every 5–7 minutes).
- Stopping (SIGTERM/SIGINT in the command) stops accepting, closes idle connections, lets each
  request being handled finish and answer, then closes the worker threads' database connections.

Database connections: the worker threads call ``close_old_connections()`` before and after each
handler, as Django does around a web request (CONN_MAX_AGE and health checks apply). With
``persistent_connections`` each worker thread keeps its connection (closed only when broken):
a fixed pool of N threads then holds at most N connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import translation
from django.utils.translation import gettext

from kaft.sip2 import handlers as _handlers  # noqa: F401  registers the handlers
from kaft.sip2 import wire
from kaft.sip2.models import KioskAccount
from kaft.sip2.protocol import HANDLERS, Request, Response, Session
from kaft.sip2.refusals import refusal

logger = logging.getLogger("kaft.sip2")

ALWAYS_ALLOWED = frozenset({"93", "97", "99"})
BEFORE_LOGIN = frozenset({"93", "97", "99"})
READ_CHUNK = 4096
# How often (seconds) a connection's kiosk account is read again from the database.
ACCOUNT_RECHECK_SECONDS = 60.0
# Failed logins after which a connection is closed (the attempt limit per login name still
# counts across connections and processes).
MAX_FAILED_LOGINS = 3


def answer(session: Session, frame: bytes) -> bytes | None:
    """The bytes to send for ``frame`` (one request without its terminator), or None: close.

    Runs in a worker thread; updates ``session``.
    """
    account = session.account
    if (
        account is not None
        and time.monotonic() - session.account_checked_at > ACCOUNT_RECHECK_SECONDS
    ):
        account = session.account = _fresh(account)
        session.account_checked_at = time.monotonic()
        if account is None:
            logger.info("SIP2 %s: kiosk account no longer active, closing", session.peer)
            return None
    detection = account.error_detection if account is not None else None
    charset = account.charset if account is not None else None
    checksummed = wire.has_checksum(frame)
    try:
        request = wire.parse(
            frame, charset=charset, verify=detection is not False, require=bool(detection)
        )
    except wire.ChecksumError:
        logger.info("SIP2 %s: checksum refused, asked to resend", session.peer)
        return wire.resend_request(error_detection=bool(detection) or checksummed)
    except wire.MalformedFrame as error:
        logger.info("SIP2 %s: unreadable frame (%s), asked to resend", session.peer, error)
        return wire.resend_request(error_detection=bool(detection) or checksummed)
    if request.command == "97":
        return session.last_response or wire.resend_request(
            error_detection=bool(detection) or checksummed
        )
    if (
        request.sequence is not None
        and request.sequence == session.last_sequence
        and frame == session.last_request
        and session.last_response is not None
    ):
        logger.info("SIP2 %s: repeated %s answered again", session.peer, request.command)
        return session.last_response
    if not session.logged_in and request.command not in BEFORE_LOGIN:
        logger.info("SIP2 %s: %s before login, closing", session.peer, request.command)
        return None
    response = _handle(session, request)
    account = session.account  # a login may have changed it
    if request.command == "93":
        session.account_checked_at = time.monotonic()
        session.failed_logins = 0 if account is not None else session.failed_logins + 1
    problem = wire.response_problem(response)
    if problem:  # a handler's mistake: sent as it is (the work is done), but loudly logged
        logger.error("SIP2 %s: answer %s malformed: %s", session.peer, response.command, problem)
    if account is not None:
        reply = wire.build(
            response,
            charset=account.charset,
            sequence=request.sequence,
            error_detection=account.error_detection,
        )
    else:
        reply = wire.build(response, sequence=request.sequence, error_detection=checksummed)
    session.last_sequence = request.sequence
    session.last_request = frame
    session.last_response = reply
    return reply


def _fresh(account: KioskAccount) -> KioskAccount | None:
    """``account`` as the database has it now, or None when it is no longer active."""
    return KioskAccount.objects.select_related("branch").filter(pk=account.pk, active=True).first()


def _handle(session: Session, request: Request) -> Response:
    account = session.account
    if (
        account is not None
        and request.command not in ALWAYS_ALLOWED
        and not account.may_use(request.command)
    ):
        logger.info("SIP2 %s: %s not allowed for this kiosk", session.peer, request.command)
        return refusal(request, gettext("This kiosk may not use this message."))
    handler = HANDLERS.get(request.command)
    if handler is None:
        return refusal(request, gettext("This message is not supported."))
    try:
        return handler(session, request)
    except Exception as error:  # one request's failure answers no; the server goes on
        logger.error(
            "SIP2 %s: handler %s failed: %s\n%s",
            session.peer,
            request.command,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        return refusal(request, gettext("Not processed. Please ask at the desk."))


def answer_in_worker(session: Session, frame: bytes, persistent: bool) -> bytes | None:
    """:func:`answer` with the database connection and language a worker thread needs."""
    _release_connections(persistent)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return answer(session, frame)
    finally:
        _release_connections(persistent)


def _release_connections(persistent: bool) -> None:
    if not persistent:
        close_old_connections()
        return
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and connection.errors_occurred:
            if not connection.is_usable():
                connection.close()
            else:
                connection.errors_occurred = False


def tls_context(cert_file: str, key_file: str) -> ssl.SSLContext:
    """A server TLS context (TLS 1.2 or newer) with this certificate chain and key."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    return context


@dataclass
class _Connection:
    session: Session
    busy: bool = False


@dataclass
class Sip2Server:
    """A SIP2 server on ``host``:``port`` (0: a free port); :meth:`start`, then :meth:`stop`."""

    host: str = "127.0.0.1"
    port: int = 0
    ssl_context: ssl.SSLContext | None = None
    workers: int = 8
    idle_timeout: float = 900.0
    max_frame: int = wire.MAX_FRAME_BYTES
    persistent_connections: bool = False
    max_connections: int = 1000
    _server: asyncio.Server | None = field(default=None, init=False, repr=False)
    _executor: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _connections: dict[asyncio.Task[None], _Connection] = field(
        default_factory=dict, init=False, repr=False
    )
    _stopping: bool = field(default=False, init=False, repr=False)

    async def start(self) -> tuple[str, int]:
        """Start listening; returns the address listened on (with the port chosen)."""
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="sip2-worker")
        self._server = await asyncio.start_server(
            self._serve,
            self.host,
            self.port,
            ssl=self.ssl_context,
            ssl_handshake_timeout=30 if self.ssl_context else None,
            limit=self.max_frame,
        )
        address = self._server.sockets[0].getsockname()
        return str(address[0]), int(address[1])

    async def stop(self, grace: float = 30.0) -> None:
        """Stop accepting; close idle connections; let answers being made finish."""
        self._stopping = True
        if self._server is not None:
            self._server.close()
        for task, connection in list(self._connections.items()):
            if not connection.busy:
                task.cancel()
        if self._connections:
            await asyncio.wait(list(self._connections), timeout=grace)
        for task in list(self._connections):
            task.cancel()
        if self._executor is not None:
            executor = self._executor
            await asyncio.get_running_loop().run_in_executor(
                None, _close_worker_connections, executor, self.workers
            )
            executor.shutdown(wait=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        peer = writer.get_extra_info("peername")
        connection = _Connection(Session(peer=f"{peer[0]}:{peer[1]}" if peer else "?"))
        if len(self._connections) >= self.max_connections or self._stopping:
            logger.warning("SIP2 %s: too many connections, closing", connection.session.peer)
            writer.close()
            return
        self._connections[task] = connection
        try:
            await self._conversation(reader, writer, connection)
        except asyncio.CancelledError:
            pass
        except (ConnectionError, TimeoutError, ssl.SSLError, asyncio.IncompleteReadError) as error:
            logger.info(
                "SIP2 %s: connection lost (%s)", connection.session.peer, type(error).__name__
            )
        except Exception as error:  # never let one connection take the server down
            logger.error(
                "SIP2 %s: connection failed: %s\n%s",
                connection.session.peer,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
        finally:
            del self._connections[task]
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), timeout=5)

    async def _conversation(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: _Connection
    ) -> None:
        loop = asyncio.get_running_loop()
        session = connection.session
        buffer = bytearray()
        while not self._stopping:
            frame = _next_frame(buffer)
            if frame is None:
                if len(buffer) > self.max_frame:
                    logger.info("SIP2 %s: frame too long, closing", session.peer)
                    return
                try:
                    data = await asyncio.wait_for(reader.read(READ_CHUNK), self.idle_timeout)
                except TimeoutError:
                    logger.info("SIP2 %s: idle, closing", session.peer)
                    return
                if not data:
                    return
                buffer += data
                continue
            connection.busy = True
            try:
                reply = await loop.run_in_executor(
                    self._executor, answer_in_worker, session, frame, self.persistent_connections
                )
                if reply is None:
                    return
                writer.write(reply)
                await asyncio.wait_for(writer.drain(), self.idle_timeout)
                if session.failed_logins >= MAX_FAILED_LOGINS:
                    logger.info(
                        "SIP2 %s: %d failed logins, closing", session.peer, MAX_FAILED_LOGINS
                    )
                    return
            finally:
                connection.busy = False


def _next_frame(buffer: bytearray) -> bytes | None:
    """Take the next non-empty frame (without terminator) out of ``buffer``, or None."""
    while True:
        ends = [i for i in (buffer.find(b"\r"), buffer.find(b"\n")) if i >= 0]
        if not ends:
            return None
        end = min(ends)
        frame = bytes(buffer[:end])
        del buffer[: end + 1]
        if frame:
            return frame


def _close_worker_connections(executor: ThreadPoolExecutor, workers: int) -> None:
    """Close the database connection of every worker thread (each runs one of these)."""
    barrier = threading.Barrier(workers)

    def close() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)
        connections.close_all()

    for future in [executor.submit(close) for _ in range(workers)]:
        future.result()


class ServerThread:
    """A :class:`Sip2Server` running in a thread of its own with its own event loop (tests,
    benchmarks). ``with ServerThread(server) as (host, port): ...``"""

    def __init__(self, server: Sip2Server) -> None:
        self.server = server
        self.address: tuple[str, int] = ("", 0)
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="sip2-server", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            try:
                self.address = await self.server.start()
            except BaseException as error:
                self._failure = error
                self._ready.set()
                raise
            self._ready.set()
            await self._stop.wait()
            await self.server.stop(grace=10)

        with contextlib.suppress(Exception):
            asyncio.run(main())

    def __enter__(self) -> tuple[str, int]:
        self._thread.start()
        self._ready.wait(timeout=30)
        if self._failure is not None:
            raise self._failure
        return self.address

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)


@contextlib.contextmanager
def running(server: Sip2Server) -> Iterator[tuple[str, int]]:
    """``with running(Sip2Server(...)) as (host, port):`` the server serves in a thread."""
    with ServerThread(server) as address:
        yield address
