"""The library's logo, as administrators uploaded it (*Bibliotheekgegevens* at the desk).

Its address holds a version that changes with the picture, so browsers may keep it for a year.
Public: it is on the login pages too. Never anyone's data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kaft.core.library import library_logo

A_YEAR = 365 * 24 * 3600


@require_GET
def library_logo_view(request: HttpRequest, version: str) -> HttpResponse:
    stored = library_logo()
    if stored is None:
        raise Http404
    data, media_type, current = stored
    response = HttpResponse(data, content_type=media_type)
    # An older address (a page from a worker that has not seen the new logo yet) gets the
    # current picture, kept only briefly.
    fresh = version == current
    response["Cache-Control"] = f"public, max-age={A_YEAR}, immutable" if fresh else "max-age=60"
    return response
