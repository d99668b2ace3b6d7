"""Dutch first: the page language is the one the visitor chose with the language switch, else
Dutch. The browser's Accept-Language is not used: a Dutch library's site opens in Dutch, also on
a phone set to English, and English is one click away."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


# Doors whose every page is about members (staff screens), and the portal's prefix for
# MijnBibliotheek, the member's own pages.
PERSONAL_DOORS = frozenset({"desk", "admin"})
PORTAL_DOOR = "portal"
MIJN_PREFIX = "mijn/"


class NoStoreForPersonalPagesMiddleware:
    """``Cache-Control: no-store`` (Django's never-cache headers) on every page that can hold
    personal data, so that no browser cache, shared computer or proxy keeps a copy.

    Decided here once, per door, not per view: every response of the desk and the admin; every
    MijnBibliotheek URL of the portal (``/mijn/…``, the data export download included); and any
    response to a logged-in session, whatever the door, since such pages carry the visitor's
    name. Public pages for a visitor who is not logged in (the catalogue, the privacy statement)
    stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if holds_personal_data(request):
            add_never_cache_headers(response)
        return response


def holds_personal_data(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    door = match.namespaces[0] if match.namespaces else ""
    if door in PERSONAL_DOORS:
        return True
    return door == PORTAL_DOOR and match.route.startswith(MIJN_PREFIX)
