"""First-party usage statistics, only after the visitor's consent.

Nothing is counted unless ``settings.KAFT_USAGE_STATISTICS`` is on and the visitor accepted in
the cookie banner (the functional cookie ``kaft_stats`` says ``accepted``). What is counted: one
view per day and page (the path without its query string), in one INSERT ... ON CONFLICT DO
UPDATE statement. No IP address, no user, no visitor id. Pages of MijnBibliotheek all count as
``/mijn/``: which member page someone opened stays private. Desk, admin and static files are not
counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

STATS_COOKIE = "kaft_stats"
STATS_ACCEPTED = "accepted"
STATS_DECLINED = "declined"
STATS_COOKIE_AGE = 60 * 60 * 24 * 365
NOT_COUNTED = ("/desk/", "/admin/", "/static/", "/i18n/", "/cookies/keuze/")
PATH_MAX = 200


def statistics_asked(request: HttpRequest) -> bool:
    """Whether the banner should ask this visitor (statistics on, no answer yet, public page)."""
    return (
        bool(settings.KAFT_USAGE_STATISTICS)
        and STATS_COOKIE not in request.COOKIES
        and not request.path.startswith(NOT_COUNTED)
    )


def counted_path(path: str) -> str | None:
    """The path as counted, or None when the page is not counted."""
    if path.startswith(NOT_COUNTED):
        return None
    if path.startswith("/mijn/"):
        return "/mijn/"
    return path[:PATH_MAX]


def page_view_count(path: str) -> None:
    """Add one view of ``path`` today: one statement, safe when two requests race."""
    from kaft.privacy.models import PageViewCount

    table = connection.ops.quote_name(PageViewCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, path, views) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (day, path) DO UPDATE SET views = " + table + ".views + 1",
            [timezone.localdate(), path],
        )


class UsageStatisticsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.KAFT_USAGE_STATISTICS
            and request.method == "GET"
            and response.status_code == 200
            and request.COOKIES.get(STATS_COOKIE) == STATS_ACCEPTED
            and not request.headers.get("HX-Request")
        ):
            path = counted_path(request.path)
            if path is not None:
                try:
                    page_view_count(path)
                except DatabaseError:  # a count is never worth a failed page
                    logger.exception("page view not counted")
        return response
