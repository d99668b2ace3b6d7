"""Why the API refused, in the same shape for every refusal: ``{"code": ..., "message": ...}``.

A refusal by a domain service keeps the domain's code (``item_on_loan``, ``hold_not_cancellable``);
the door's own refusals (no token, a scope missing, too many requests) have the codes below. The
message is in the language of the request's ``Accept-Language`` (Dutch unless English is asked
for first).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class ApiErrorCode(ErrorCode):
    UNAUTHENTICATED = "unauthenticated"
    SCOPE_MISSING = "scope_missing"
    NO_MEMBER = "no_member"
    NOT_FOUND = "not_found"
    INVALID_REQUEST = "invalid_request"
    RATE_LIMITED = "rate_limited"
    UNKNOWN_BRANCH = "unknown_branch"
    DISCLOSURE_REFUSED = "disclosure_refused"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.UNAUTHENTICATED: _("A valid access token is needed (Authorization: Bearer …)."),
            cls.SCOPE_MISSING: _("This access token does not allow this (scope %(scope)s needed)."),
            cls.NO_MEMBER: _("This access token does not act for a member."),
            cls.NOT_FOUND: _("Not found."),
            cls.INVALID_REQUEST: _("The request is not valid."),
            cls.RATE_LIMITED: _("Too many requests. Try again in %(seconds)s seconds."),
            cls.UNKNOWN_BRANCH: _("No branch has this code or ISIL."),
            cls.DISCLOSURE_REFUSED: _(
                "The library may not give this member's data to this organisation."
            ),
        }


class ApiError(DomainError):
    """A refusal by the door itself, with the HTTP status it answers."""

    def __init__(self, code: ApiErrorCode, status: int, **params: Any) -> None:
        self.status = status
        super().__init__(code, **params)
