"""Kaft's REST API: one NinjaAPI under /api/v1/, a router per subject (kaft/api/routers/).

Everything here is the door's plumbing: the token check (:mod:`kaft.api.auth`), the one shape of
every refusal (``{"code", "message"}``, :class:`~kaft.api.schemas.ErrorOut`) in the language of
``Accept-Language``, and the interactive documentation page on Kaft's own static files
(:mod:`kaft.api.docs`). What a token may touch is decided in :mod:`kaft.api.access`.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import trans_real
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kaft.api.auth import RateLimited, TokenAuth
from kaft.api.docs import KaftSwagger, docs_page
from kaft.api.errors import ApiError, ApiErrorCode
from kaft.catalog.errors import CatalogErrorCode
from kaft.circulation.errors import CirculationErrorCode
from kaft.core.errors import DomainError
from kaft.members.errors import MemberErrorCode

api = NinjaAPI(
    title="Kaft API",
    version="1",
    description=(
        "The catalogue, availability, a member's own loans and reservations, and lending for "
        "systems. See docs/api.md: scopes, errors, paging, ETags and rate limits."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs=KaftSwagger(),
    docs_url="/docs/",
    docs_decorator=docs_page,
)

# Domain codes that mean "no such thing": 404. Every other refusal of a service: 409.
NOT_FOUND_CODES = {
    CirculationErrorCode.UNKNOWN_BARCODE,
    CatalogErrorCode.RECORD_NOT_FOUND,
    MemberErrorCode.UNKNOWN_CARD,
}
INVALID_CODES = {MemberErrorCode.CARD_NUMBER_INVALID}


def request_language(request: HttpRequest) -> str:
    """English when Accept-Language puts English before Dutch, else Dutch."""
    header = request.headers.get("Accept-Language", "")
    try:
        accepted = trans_real.parse_accept_lang_header(header)
    except ValueError:
        return "nl"
    for code, _quality in accepted:
        base = code.split("-")[0].lower()
        if base in ("nl", "en"):
            return base
    return "nl"


def error_response(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    response = api.create_response(request, {"code": code, "message": message}, status=status)
    response["Content-Language"] = request_language(request)
    return response


def _domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    with translation.override(request_language(request)):
        message = error.message
    if isinstance(error, ApiError):
        status = error.status
    elif error.code in NOT_FOUND_CODES:
        status = 404
    elif error.code in INVALID_CODES:
        status = 422
    else:
        status = 409
    response = error_response(request, str(error.code), message, status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def _api_error(code: ApiErrorCode, status: int, **params: object) -> ApiError:
    return ApiError(code, status, **params)


def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = _domain_error(request, _api_error(ApiErrorCode.UNAUTHENTICATED, 401))
    response["WWW-Authenticate"] = 'Bearer realm="kaft"'
    return response


def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return _domain_error(request, _api_error(ApiErrorCode.INVALID_REQUEST, 422))


def _not_found(request: HttpRequest, error: Exception) -> HttpResponse:
    return _domain_error(request, _api_error(ApiErrorCode.NOT_FOUND, 404))


def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 404:
        return _not_found(request, error)
    return _domain_error(request, _api_error(ApiErrorCode.INVALID_REQUEST, error.status_code))


# (django-ninja types a handler as taking the exception or its class: hence the ignores.)
api.add_exception_handler(DomainError, _domain_error)  # type: ignore[arg-type]
api.add_exception_handler(AuthenticationError, _unauthenticated)  # type: ignore[arg-type]
api.add_exception_handler(ValidationError, _invalid)  # type: ignore[arg-type]
api.add_exception_handler(Http404, _not_found)  # type: ignore[arg-type]
api.add_exception_handler(HttpError, _http_error)  # type: ignore[arg-type]


def _routers() -> None:
    from kaft.api.routers import catalog, circulation, items, me, members

    api.add_router("/records", catalog.router)
    api.add_router("/items", items.router)
    api.add_router("/me", me.router)
    api.add_router("/members", members.router)
    api.add_router("/circulation", circulation.router)


_routers()
