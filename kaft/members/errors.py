from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class MemberErrorCode(ErrorCode):
    UNKNOWN_CARD = "unknown_card"
    # -- member categories (the library's settings) --
    CATEGORY_CODE_TAKEN = "category_code_taken"
    CATEGORY_AGES_INVALID = "category_ages_invalid"
    CATEGORY_IN_USE = "category_in_use"
    CATEGORY_IN_HISTORY = "category_in_history"
    CARD_IN_USE = "card_in_use"
    CARD_NUMBER_INVALID = "card_number_invalid"
    TOO_OLD_FOR_CATEGORY = "too_old_for_category"
    WRONG_PASSWORD = "wrong_password"
    ALREADY_BLOCKED = "already_blocked"
    NOT_BLOCKED = "not_blocked"
    KIOSK_MAY_NOT_UNBLOCK = "kiosk_may_not_unblock"
    IDENTITY_REQUEST_PENDING = "identity_request_pending"
    IDENTITY_REQUEST_NO_CHANGE = "identity_request_no_change"
    IDENTITY_REQUEST_NOT_PENDING = "identity_request_not_pending"
    IDENTITY_DOCUMENT_REQUIRED = "identity_document_required"
    IDENTITY_REFUSAL_REASON_REQUIRED = "identity_refusal_reason_required"
    # -- account codes --
    PASSWORD_TOO_MANY_TRIES = "password_too_many_tries"
    EMAIL_UNCHANGED = "email_unchanged"
    PHONE_INVALID = "phone_invalid"
    EMAIL_INVALID = "email_invalid"
    EMAIL_NEEDS_CONFIRMATION = "email_needs_confirmation"
    EMAIL_TOO_MANY_REQUESTS = "email_too_many_requests"
    EMAIL_LINK_INVALID = "email_link_invalid"
    FAMILY_TOO_MANY_TRIES = "family_too_many_tries"
    # -- rights codes --
    FAMILY_NO_MATCH = "family_no_match"
    FAMILY_SELF = "family_self"
    FAMILY_ALREADY_OPEN = "family_already_open"
    FAMILY_NOT_WAITING = "family_not_waiting"
    FAMILY_LAPSED = "family_lapsed"
    FAMILY_NOT_ACTIVE = "family_not_active"
    FAMILY_NOT_YOURS = "family_not_yours"
    GUARDIAN_CHILD_TOO_OLD = "guardian_child_too_old"
    GUARDIAN_TOO_YOUNG = "guardian_too_young"
    GUARDIAN_SELF = "guardian_self"
    GUARDIAN_ALREADY_LINKED = "guardian_already_linked"
    GUARDIAN_NOT_LINKED = "guardian_not_linked"
    NOTE_IN_PAST = "note_in_past"
    NOTE_TOO_LONG = "note_too_long"
    NOTE_EMPTY = "note_empty"
    # -- family codes --
    CHECKS_EXHAUSTED = "checks_exhausted"
    RESET_CODE_WRONG = "reset_code_wrong"
    RESET_CODE_EXPIRED = "reset_code_expired"
    RESET_CODE_USED = "reset_code_used"
    RESET_TOO_MANY_TRIES = "reset_too_many_tries"
    RESET_LINK_INVALID = "reset_link_invalid"
    NO_EMAIL = "no_email"
    # -- security codes --
    DATE_OF_BIRTH_FUTURE = "date_of_birth_future"
    DATE_OF_BIRTH_TOO_EARLY = "date_of_birth_too_early"
    # -- date-of-birth codes --
    KIOSK_PIN_INVALID = "kiosk_pin_invalid"
    KIOSK_PIN_WRONG = "kiosk_pin_wrong"
    KIOSK_PIN_NOT_SET = "kiosk_pin_not_set"
    KIOSK_PIN_TOO_MANY_TRIES = "kiosk_pin_too_many_tries"
    # -- kiosk PIN codes --
    TOO_YOUNG_FOR_CATEGORY = "too_young_for_category"
    NO_CATEGORY_FOR_AGE = "no_category_for_age"
    SIGNUP_TOO_MANY = "signup_too_many"
    SIGNUP_LINK_INVALID = "signup_link_invalid"
    SIGNUP_NOT_WAITING = "signup_not_waiting"
    SIGNUP_EMAIL_NOT_CONFIRMED = "signup_email_not_confirmed"
    SIGNUP_NEEDS_GUARDIAN = "signup_needs_guardian"
    # -- joining online codes --

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.UNKNOWN_CARD: _("No member has this card number."),
            cls.CATEGORY_CODE_TAKEN: _("Another category already has this code."),
            cls.CATEGORY_AGES_INVALID: _(
                "The age range runs backwards: “from age” must be lower than “up to age”."
            ),
            cls.CATEGORY_IN_USE: _(
                "%(count)s members are in this category: move them to another one first. "
                "Nothing was changed."
            ),
            cls.CATEGORY_IN_HISTORY: _(
                "The statistics of loans, reservations or payments refer to this category, so it "
                "cannot be deleted. Nothing was changed."
            ),
            cls.KIOSK_PIN_INVALID: _("A kiosk PIN has 4 to 6 digits."),
            cls.KIOSK_PIN_WRONG: _("The PIN is not correct."),
            cls.KIOSK_PIN_NOT_SET: _(
                "No kiosk PIN has been set for this card. Set one in MijnBibliotheek or at the "
                "desk."
            ),
            cls.KIOSK_PIN_TOO_MANY_TRIES: _(
                "Too many wrong PINs. Try again in an hour, or ask at the desk."
            ),
            cls.CARD_IN_USE: _("This card number is already in use."),
            cls.CARD_NUMBER_INVALID: _(
                "This is not a valid card number: a card number has 1 to 20 characters, only "
                "letters (A–Z), digits and hyphens."
            ),
            cls.TOO_OLD_FOR_CATEGORY: _("This member is too old for the chosen category."),
            cls.WRONG_PASSWORD: _("The current password is not correct."),
            cls.PHONE_INVALID: _(
                "This is not a phone number we can use. Write it as 06 12345678, or with the "
                "country code, such as +32 470 12 34 56."
            ),
            cls.ALREADY_BLOCKED: _("This member is already blocked."),
            cls.NOT_BLOCKED: _("This member is not blocked."),
            cls.KIOSK_MAY_NOT_UNBLOCK: _("Only the desk can lift this block."),
            cls.IDENTITY_REQUEST_PENDING: _(
                "You already asked for a correction; wait for the answer or withdraw it first."
            ),
            cls.IDENTITY_REQUEST_NO_CHANGE: _(
                "These are the details we already have: nothing to correct."
            ),
            cls.IDENTITY_REQUEST_NOT_PENDING: _("This request has already been answered."),
            cls.IDENTITY_DOCUMENT_REQUIRED: _("Choose which identity document you checked."),
            cls.IDENTITY_REFUSAL_REASON_REQUIRED: _("Give the reason for refusing."),
            # -- account messages --
            cls.PASSWORD_TOO_MANY_TRIES: _(
                "Too many wrong passwords. Wait an hour and try again, or set a new password "
                'with "Forgot your password?".'
            ),
            cls.EMAIL_UNCHANGED: _("This is already your e-mail address."),
            cls.EMAIL_INVALID: _("Enter a valid e-mail address."),
            cls.EMAIL_NEEDS_CONFIRMATION: _(
                "A new e-mail address takes effect only after you follow the link we send to it."
            ),
            cls.EMAIL_TOO_MANY_REQUESTS: _(
                "You asked for too many links to a new e-mail address. Wait an hour and try again."
            ),
            cls.EMAIL_LINK_INVALID: _(
                "This link is no longer valid: it has expired, has already been used, or a newer "
                "link was sent. Change your e-mail address again in MijnBibliotheek."
            ),
            cls.FAMILY_TOO_MANY_TRIES: _(
                "Too many requests with a card number and last name that do not match. Try "
                "again tomorrow, or ask at the desk."
            ),
            # -- rights messages --
            cls.FAMILY_NO_MATCH: _(
                "We cannot send a request with this card number and last name. Check both and "
                "try again."
            ),
            cls.FAMILY_SELF: _("You cannot ask for access to your own account."),
            cls.FAMILY_ALREADY_OPEN: _(
                "You already asked for access to this account, or you already have it."
            ),
            cls.FAMILY_NOT_WAITING: _("This request has already been answered."),
            cls.FAMILY_LAPSED: _(
                "This request was not answered within 14 days and has lapsed. A new request "
                "can be made."
            ),
            cls.FAMILY_NOT_ACTIVE: _("This access has already ended."),
            cls.FAMILY_NOT_YOURS: _("This request is not addressed to you."),
            cls.GUARDIAN_CHILD_TOO_OLD: _(
                "A parent or guardian can only be recorded for a child under 16."
            ),
            cls.GUARDIAN_TOO_YOUNG: _("A parent or guardian must be 18 or older."),
            cls.GUARDIAN_SELF: _("A member cannot be their own parent or guardian."),
            cls.GUARDIAN_ALREADY_LINKED: _(
                "This parent or guardian is already recorded for this child."
            ),
            cls.GUARDIAN_NOT_LINKED: _("This parent or guardian link has already ended."),
            cls.NOTE_IN_PAST: _("The expiry date of a note cannot be in the past."),
            cls.NOTE_TOO_LONG: _("A note can be kept for at most %(days)s days."),
            cls.NOTE_EMPTY: _("Write something in the note."),
            # -- family messages --
            cls.CHECKS_EXHAUSTED: _(
                "Too many failed identity checks for this member in the last 24 hours. "
                "Try again after %(until)s, or ask the member to show an ID document later."
            ),
            cls.RESET_CODE_WRONG: _(
                "This card number and code do not match. Check the code on your letter or "
                "e-mail and try again."
            ),
            cls.RESET_CODE_EXPIRED: _(
                "This code has expired: a code is valid for 24 hours. Ask at the desk for a new one."
            ),
            cls.RESET_CODE_USED: _(
                "This code has already been used. Ask at the desk for a new one."
            ),
            cls.RESET_TOO_MANY_TRIES: _(
                "Too many wrong attempts. Wait an hour and try again, or ask at the desk."
            ),
            cls.RESET_LINK_INVALID: _(
                "This link is no longer valid: it has expired or has already been used. "
                "Ask for a new link."
            ),
            cls.NO_EMAIL: _("This member has no e-mail address: print the code instead."),
            # -- security messages --
            cls.DATE_OF_BIRTH_FUTURE: _("The date of birth cannot be in the future."),
            cls.DATE_OF_BIRTH_TOO_EARLY: _(
                "This date of birth is too long ago: enter a date from %(earliest)s on."
            ),
            # -- date-of-birth messages --
            cls.TOO_YOUNG_FOR_CATEGORY: _("This member is too young for the chosen category."),
            cls.NO_CATEGORY_FOR_AGE: _(
                "We have no membership for your age that you can take out online. Please ask at "
                "the desk."
            ),
            cls.SIGNUP_TOO_MANY: _(
                "Too many sign-ups were sent from here or for this e-mail address. Try again "
                "later, or join at the desk."
            ),
            cls.SIGNUP_LINK_INVALID: _(
                "This link is no longer valid: it has expired or has already been used."
            ),
            cls.SIGNUP_NOT_WAITING: _("This member did not join online, or joining is complete."),
            cls.SIGNUP_EMAIL_NOT_CONFIRMED: _(
                "The e-mail address is not confirmed yet: ask the member to follow the link in "
                "the e-mail we sent first."
            ),
            cls.SIGNUP_NEEDS_GUARDIAN: _(
                "This member is under 16: link a parent or guardian first (Parents and "
                "guardians), then check the ID."
            ),
            # -- joining online messages --
        }


class MemberError(DomainError):
    pass
