"""Small helpers every portal view uses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaft.core.library import library


def render_portal(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render a portal page with what every page shows (the library's name)."""
    full = {"library_name": library().name}
    full.update(context or {})
    return render(request, template, full, status=status)
