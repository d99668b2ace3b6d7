"""Small helpers every portal view uses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_portal(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render a portal page with what every page shows (the library's name)."""
    full = {"library_name": settings.KAFT_LIBRARY_NAME}
    full.update(context or {})
    return render(request, template, full, status=status)
