"""Small helpers every portal view uses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaft.core.library import library


def render_portal(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render a portal page with what every page shows (the library's name)."""
    full = {"library_name": library().name}
    full.update(context or {})
    return render(request, template, full, status=status)


def link_token_moved(request: HttpRequest, session_key: str, url_name: str) -> HttpResponse | None:
    """A confirmation link's token (``?t=``) moves into the session and the page is asked again
    without it, so the token is not left in the browser's history, the server's logs or a
    Referer. The redirect, or None when the address holds no token."""
    if "t" not in request.GET:
        return None
    request.session[session_key] = request.GET["t"][:200]
    return redirect(url_name)


def link_token(request: HttpRequest, session_key: str) -> str:
    """The token :func:`link_token_moved` kept, or "" when there is none."""
    token = request.session.get(session_key) or ""
    return token if isinstance(token, str) else ""
