"""What every router shares: the refusals each operation declares, and the caller."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse

from kaft.api.access import Caller
from kaft.api.schemas import ErrorOut

# Every operation can answer these (no or a bad token, a scope missing, too many requests, a
# bad parameter).
REFUSALS: dict[int, type[ErrorOut]] = {
    401: ErrorOut,
    403: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
NOT_FOUND = {404: ErrorOut}
CONFLICT = {409: ErrorOut}


def caller(request: HttpRequest) -> Caller:
    return cast(Caller, request.auth)  # type: ignore[attr-defined]


def no_store(response: HttpResponse) -> None:
    """An answer with a member's data is kept by no cache."""
    response["Cache-Control"] = "private, no-store"
