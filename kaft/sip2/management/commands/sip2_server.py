"""``kaft sip2-server [--host H] [--port P] [--tls-cert FILE --tls-key FILE] [--workers N]``.

Serves SIP2 to self-service kiosks until SIGTERM or SIGINT, then stops accepting, lets the
requests being handled finish and closes. Prints one line saying where it listens. See
docs/sip2-server.md.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaft.sip2.server import Sip2Server, tls_context


class Command(BaseCommand):
    help = "Serve SIP2 to self-service kiosks (plain TCP, or TLS with --tls-cert and --tls-key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=None, help="default: SIP2_PORT (6001)")
        parser.add_argument("--tls-cert", default="", help="certificate chain (PEM) for TLS")
        parser.add_argument("--tls-key", default="", help="private key (PEM) for TLS")
        parser.add_argument(
            "--workers", type=int, default=8, help="threads (and database connections)"
        )
        parser.add_argument(
            "--max-connections", type=int, default=1000, help="more are closed at once"
        )
        parser.add_argument(
            "--idle-timeout",
            type=float,
            default=None,
            help="seconds before an idle connection is closed; default SIP2_IDLE_TIMEOUT (900)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["tls_cert"]) != bool(options["tls_key"]):
            raise CommandError("--tls-cert and --tls-key go together")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        idle_timeout = options["idle_timeout"] or settings.SIP2_IDLE_TIMEOUT
        if idle_timeout < 600:
            self.stderr.write(
                f"Warning: an idle timeout of {idle_timeout:g} s is below 600 s; kiosks that "
                "poll every 5-7 minutes will be cut off and reconnect."
            )
        context = None
        if options["tls_cert"]:
            try:
                context = tls_context(options["tls_cert"], options["tls_key"])
            except (OSError, ValueError) as error:
                raise CommandError(f"TLS certificate or key not usable: {error}") from None
        server = Sip2Server(
            host=options["host"],
            port=settings.SIP2_PORT if options["port"] is None else options["port"],
            ssl_context=context,
            workers=options["workers"],
            idle_timeout=idle_timeout,
            max_connections=options["max_connections"],
            persistent_connections=True,
        )
        # Everything loaded by now lives as long as the server: frozen, the garbage collector's
        # full collections no longer walk it (one took about 40 ms, a kiosk's slowest answers).
        gc.freeze()
        try:
            asyncio.run(self._serve(server))
        except OSError as error:
            raise CommandError(f"Cannot listen: {error}") from None

    async def _serve(self, server: Sip2Server) -> None:
        host, port = await server.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, stop.set)
        kind = "TLS" if server.ssl_context else "plain TCP"
        self.stdout.write(
            f"SIP2 server listening on {host}:{port} ({kind}, {server.workers} workers, "
            f"idle timeout {server.idle_timeout:g} s)"
        )
        self.stdout.flush()
        await stop.wait()
        await server.stop()
