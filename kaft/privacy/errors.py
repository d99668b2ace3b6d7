"""Why a privacy service refused: one code per reason, with its message in Dutch and English.

Each area adds its codes above its own marker comment (one enum, one message table).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class PrivacyErrorCode(ErrorCode):
    RETENTION_UNKNOWN_RULE = "retention_unknown_rule"
    RETENTION_NOT_CONFIGURABLE = "retention_not_configurable"
    RETENTION_OUT_OF_BOUNDS = "retention_out_of_bounds"
    RETENTION_RUNNING = "retention_running"
    RETENTION_RUN_NOT_ALLOWED = "retention_run_not_allowed"
    # -- retention codes --
    CONSENT_CHILD_NEEDS_GUARDIAN = "consent_child_needs_guardian"
    CONSENT_GUARDIAN_NOT_LINKED = "consent_guardian_not_linked"
    CONSENT_MEMBER_ERASED = "consent_member_erased"
    CONSENT_GUARDIAN_MEMBER_16 = "consent_guardian_member_16"
    CONSENT_NOT_OFFERED = "consent_not_offered"
    # -- consent codes --
    STATEMENT_VERSION_TAKEN = "statement_version_taken"
    STATEMENT_ALREADY_PUBLISHED = "statement_already_published"
    STATEMENT_TEXT_MISSING = "statement_text_missing"
    STATEMENT_NOT_PUBLISHED = "statement_not_published"
    STATEMENT_RESPONSE_EMPTY = "statement_response_empty"
    STATEMENT_RESPONSE_HANDLED = "statement_response_handled"
    # -- statement codes --
    DISCLOSURE_NO_CATEGORIES = "disclosure_no_categories"
    DISCLOSURE_UNKNOWN_CATEGORY = "disclosure_unknown_category"
    DISCLOSURE_NO_RECIPIENT = "disclosure_no_recipient"
    DISCLOSURE_NO_LEGAL_BASIS = "disclosure_no_legal_basis"
    DISCLOSURE_PARTNER_INACTIVE = "disclosure_partner_inactive"
    LEGAL_NOT_PRIVACY_OFFICER = "legal_not_privacy_officer"
    LEGAL_SAME_STAFF = "legal_same_staff"
    LEGAL_ALREADY_DECIDED = "legal_already_decided"
    LEGAL_REASON_REQUIRED = "legal_reason_required"
    LEGAL_PERIOD_ORDER = "legal_period_order"
    DISCLOSURE_NOT_AGREED = "disclosure_not_agreed"
    DISCLOSURE_NO_CONSENT = "disclosure_no_consent"
    PARTNER_SIGN_IN_NO_MEMBERSHIP = "partner_sign_in_no_membership"
    PARTNER_SIGN_IN_UNKNOWN = "partner_sign_in_unknown"
    # -- transparency codes --
    ERASURE_BLOCKED = "erasure_blocked"
    ALREADY_ERASED = "already_erased"
    ERASURE_NOT_WAITING = "erasure_not_waiting"
    # -- rights codes --
    # -- family codes --
    # -- security codes --
    UNKNOWN = "unknown"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.RETENTION_UNKNOWN_RULE: _("There is no retention rule with this name."),
            cls.RETENTION_NOT_CONFIGURABLE: _(
                "The period of this retention rule is fixed and cannot be changed."
            ),
            cls.RETENTION_OUT_OF_BOUNDS: _(
                "Choose a period from %(min_days)s to %(max_days)s days for this rule."
            ),
            # -- retention messages --
            cls.RETENTION_RUNNING: _(
                "The retention job is running already. Wait until it has finished."
            ),
            cls.RETENTION_RUN_NOT_ALLOWED: _("Only a privacy officer can run the retention job."),
            cls.CONSENT_CHILD_NEEDS_GUARDIAN: _(
                "This member is younger than 16: only a linked parent or guardian can give this "
                "consent."
            ),
            cls.CONSENT_GUARDIAN_NOT_LINKED: _(
                "This person is not recorded as a parent or guardian of this member."
            ),
            cls.CONSENT_MEMBER_ERASED: _("This account has been deleted."),
            cls.CONSENT_GUARDIAN_MEMBER_16: _(
                "This member is 16 or older and decides about consents themselves: a parent or "
                "guardian can no longer give or withdraw them."
            ),
            cls.CONSENT_NOT_OFFERED: _(
                "The library does not ask for this consent at the moment, so it cannot be given."
            ),
            # -- consent messages --
            cls.STATEMENT_VERSION_TAKEN: _(
                "There is already a version of the privacy statement with this name."
            ),
            cls.STATEMENT_ALREADY_PUBLISHED: _(
                "This version has been published and can no longer be changed."
            ),
            cls.STATEMENT_TEXT_MISSING: _("Give the text in both Dutch and English."),
            cls.STATEMENT_NOT_PUBLISHED: _(
                "This version of the privacy statement is not published."
            ),
            cls.STATEMENT_RESPONSE_EMPTY: _("Write your response before sending it."),
            cls.STATEMENT_RESPONSE_HANDLED: _("This response has already been handled."),
            # -- statement messages --
            cls.DISCLOSURE_NO_CATEGORIES: _("Choose at least one category of data."),
            cls.DISCLOSURE_UNKNOWN_CATEGORY: _("There is no data category “%(category)s”."),
            cls.DISCLOSURE_NO_RECIPIENT: _(
                "Say who receives the data: choose a partner or fill in the recipient."
            ),
            cls.DISCLOSURE_NO_LEGAL_BASIS: _("Give the legal basis for passing on this data."),
            cls.DISCLOSURE_PARTNER_INACTIVE: _(
                "This partner organisation is no longer active: no data may go to it."
            ),
            cls.LEGAL_NOT_PRIVACY_OFFICER: _(
                "Only a privacy officer or administrator may decide on a request from police or "
                "justice."
            ),
            cls.LEGAL_SAME_STAFF: _(
                "You registered this request yourself: another privacy officer must decide on it."
            ),
            cls.LEGAL_ALREADY_DECIDED: _("A decision on this request has already been made."),
            cls.LEGAL_REASON_REQUIRED: _("Give a reason for the decision."),
            cls.LEGAL_PERIOD_ORDER: _("The period must start on or before its end date."),
            cls.DISCLOSURE_NOT_AGREED: _(
                "This partner organisation may not receive these data: %(categories)s."
            ),
            cls.DISCLOSURE_NO_CONSENT: _(
                "This member has not given consent for partner services: no data may go to "
                "this partner."
            ),
            cls.PARTNER_SIGN_IN_NO_MEMBERSHIP: _(
                "You can only sign in to this service with a valid library membership."
            ),
            cls.PARTNER_SIGN_IN_UNKNOWN: _(
                "This service does not have access to your data (any more)."
            ),
            # -- transparency messages --
            cls.ERASURE_BLOCKED: _(
                "This account cannot be deleted yet: something still stands in the way."
            ),
            cls.ALREADY_ERASED: _("This account has already been deleted."),
            cls.ERASURE_NOT_WAITING: _("There is no waiting request to delete this account."),
            # -- rights messages --
            # -- family messages --
            # -- security messages --
            cls.UNKNOWN: _("This could not be done."),
        }


class PrivacyError(DomainError):
    pass
