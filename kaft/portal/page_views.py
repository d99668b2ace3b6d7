"""Kaft's one page-view counter: per day and page group, only with the visitor's yes.

Nothing is counted unless the library turned usage statistics on (``KAFT_USAGE_STATISTICS``).
Then a successful GET page (HTML, not an htmx fragment) of the public site or MijnBibliotheek adds
one to today's row of its group (:func:`kaft.outreach.services.statistics.page_view_count`, one
statement) when the visitor said yes — and who decides that depends on whether someone is logged
in:

- a logged-in member: only their ``site_statistics`` consent, read once per request after the
  page was made (one query). The cookie is ignored, so a consent withdrawn in MijnBibliotheek
  stops the counting at the next page. A yes a parent or guardian gave lapses at 16, as
  everywhere. A logged-in staff account has no consent and is not counted.
- a visitor who is not logged in: only the answer to the cookie banner, kept in the functional
  cookie ``kaft_stats`` (set by :func:`kaft.portal.views.security.cookie_choice`). Deciding
  costs no query: without a session cookie nobody is logged in, and the user is not looked up.

What is kept is the group of the page (``start``, ``catalogus``, ``titel``, ``mijn`` …), never
its path, title or query, so a count cannot tell what someone read; and no member, session,
address or visitor id.

The banner (``kaft_cookies`` template tag) asks only where this counter could count, with the
same list of pages that are never counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from kaft.outreach.services.statistics import page_view_count
from kaft.privacy.models import Consent, ConsentPurpose
from kaft.privacy.services.consent import guardian_consent_lapsed

logger = logging.getLogger(__name__)

# The cookie banner's answer for visitors who are not logged in (a functional cookie).
STATS_COOKIE = "kaft_stats"
STATS_ACCEPTED = "accepted"
STATS_DECLINED = "declined"
STATS_COOKIE_AGE = 60 * 60 * 24 * 365

NOT_COUNTED = ("/desk/", "/admin/", "/api/", "/static/", "/i18n/", "/media/", "/sip2/")
# The first path segment → its group; the home page is "start", anything else "overig".
GROUPS = {
    "zoeken": "catalogus",
    "titel": "titel",
    "mijn": "mijn",
    "nieuwsbrief": "nieuwsbrief",
    "prijsvraag": "prijsvraag",
}
START = "start"
OTHER = "overig"


def stats_cookie_set(request: HttpRequest, response: HttpResponse, *, accepted: bool) -> None:
    """Remember the statistics answer in this browser for a year (the banner, and a member's
    consent given or withdrawn in MijnBibliotheek, so the browser agrees after logging out)."""
    response.set_cookie(
        STATS_COOKIE,
        STATS_ACCEPTED if accepted else STATS_DECLINED,
        max_age=STATS_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )


def page_group(path: str) -> str | None:
    """The group a path counts under, or None when it is not counted at all."""
    if path.startswith(NOT_COUNTED):
        return None
    first = path.strip("/").split("/", 1)[0]
    if not first:
        return START
    return GROUPS.get(first, OTHER)


def statistics_asked(request: HttpRequest) -> bool:
    """Whether the banner asks this visitor: statistics on, no answer yet, a page that counts."""
    return (
        bool(settings.KAFT_USAGE_STATISTICS)
        and STATS_COOKIE not in request.COOKIES
        and page_group(request.path) is not None
    )


def _member_consents(user_id: int) -> bool:
    """Whether the member of this login has a standing yes to usage statistics: one query."""
    consent = (
        Consent.objects.filter(
            member__user_id=user_id, purpose=ConsentPurpose.SITE_STATISTICS, given=True
        )
        .select_related("member")
        .only("by_guardian", "member__date_of_birth")
        .first()
    )
    if consent is None:
        return False
    return not (consent.by_guardian and guardian_consent_lapsed(consent.member))


def _logged_in_user_id(request: HttpRequest) -> int | None:
    """The id of the logged-in user, or None. No session cookie: None without any query."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)


def _counts(request: HttpRequest) -> bool:
    """Whether this visitor said yes: a member by their consent, anyone else by the cookie."""
    user_id = _logged_in_user_id(request)
    if user_id is None:
        return request.COOKIES.get(STATS_COOKIE) == STATS_ACCEPTED
    return _member_consents(user_id)


class PageViewMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.KAFT_USAGE_STATISTICS
            and request.method == "GET"
            and response.status_code == 200
            and not request.headers.get("HX-Request")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            group = page_group(request.path)
            if group is not None:
                try:
                    if _counts(request):
                        page_view_count(group=group)
                except DatabaseError:  # a count is never worth a failed page
                    logger.exception("page view not counted")
        return response
