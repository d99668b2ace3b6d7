"""Authentication of the API: the bearer token, then the client's rate limit.

The token becomes a :class:`~kaft.api.access.Caller` (``request.auth``) in :mod:`kaft.api.access`;
what it may touch is decided there. A client over its limit is refused here, before any work.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from kaft.api.access import Caller, caller_for_token
from kaft.api.errors import ApiError, ApiErrorCode
from kaft.api.limits import rate_count


class RateLimited(ApiError):
    def __init__(self, seconds: int) -> None:
        self.retry_after = seconds
        super().__init__(ApiErrorCode.RATE_LIMITED, 429, seconds=seconds)


class TokenAuth(HttpBearer):
    openapi_description = (
        "An OAuth 2 access token from /oauth/token/ (client credentials for systems, "
        "authorization code with PKCE for a member's app)."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        caller = caller_for_token(token)
        if caller is None:
            return None
        wait = rate_count(client_key=caller.rate_key, per_minute=caller.rate_per_minute)
        if wait:
            raise RateLimited(wait)
        return caller

    def __call__(self, request: HttpRequest) -> Any:
        try:
            return super().__call__(request)
        except UnicodeError:
            return None
