"""Kaft's WSGI application for clients in tests (Authlib over httpx, schemathesis), on the test's
own database connection."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _quietly(handler: WsgiApp) -> WsgiApp:
    """Each request whole (its body read, the response closed) without the start and end of the
    request closing the test's connection, which holds the test's transaction — as Django's
    test client does."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            result = handler(environ, start_response)
            body = b"".join(result)
            close = getattr(result, "close", None)
            if close is not None:
                close()
            return [body]
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return app


@contextmanager
def wsgi_app() -> Iterator[WsgiApp]:
    yield _quietly(get_wsgi_application())
