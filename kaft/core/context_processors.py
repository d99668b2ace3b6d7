"""What every page may show: the library's own details (name, address, contact, logo)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kaft.core.library import library as library_details


def library(request: HttpRequest) -> dict[str, Any]:
    return {"library": library_details()}
