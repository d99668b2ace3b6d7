"""The retention rules of the register, and what erasing a member does with a table's rows."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Erasure(enum.StrEnum):
    """What erasing a member does with a row of this table."""

    DELETE = "delete"  # the row goes
    UNLINK = "unlink"  # the member link is emptied; the row stays for statistics
    ANONYMISE = "anonymise"  # the personal fields are emptied (the member row itself)
    KEEP = "keep"  # holds nothing personal once the member is anonymised (say why in ``note``)


@dataclass(frozen=True)
class RetentionRule:
    """How long rows under this rule are kept. ``default_days`` None: as long as the member."""

    key: str
    label: Promise
    explanation: Promise
    default_days: int | None
    min_days: int | None = None
    max_days: int | None = None
    # The Django setting that holds the period, when the operator sets it (in the environment)
    # rather than the privacy officer; ``default_days`` is then the setting's default.
    setting: str = ""

    @property
    def configurable(self) -> bool:
        return (
            self.min_days is not None
            and self.max_days is not None
            and (self.min_days < self.max_days)
        )


# Each rule's ``label`` is its one name on every screen (the desk, the public page, the export,
# the docs), for staff and members alike; ``explanation`` speaks of "the member", not "you".
RULES: dict[str, RetentionRule] = {
    rule.key: rule
    for rule in [
        RetentionRule(
            "loan_history",
            _("Returned loans"),
            _(
                "A returned loan is unlinked from the member after this many days, unless the "
                "member chose to keep their loan history. The library keeps only anonymous "
                "statistics."
            ),
            30,
            0,
            365,
        ),
        RetentionRule(
            "interlibrary_open",
            _("Interlibrary requests that never closed"),
            _(
                "A request to another library that was never completed (the other library never "
                "confirmed the return, or stopped answering) is unlinked from the member this "
                "many days after it was made, unless the member chose to keep their loan "
                "history."
            ),
            365,
            180,
            730,
        ),
        RetentionRule(
            "hold_history",
            _("Finished reservations"),
            _(
                "A reservation that was picked up, cancelled or not collected is unlinked from "
                "the member after this many days, unless the member chose to keep their loan "
                "history."
            ),
            30,
            0,
            365,
        ),
        RetentionRule(
            "notes",
            _("Notes by staff"),
            _("A note is deleted on its expiry date, at the latest after the longest period."),
            None,
        ),
        RetentionRule(
            "access_log",
            _("Access log"),
            _("Entries in the access log are deleted after this many days."),
            365,
            180,
            730,
        ),
        RetentionRule(
            "family_log",
            _("Actions through family access"),
            _(
                "What a family member did on another member's account is deleted after this many "
                "days."
            ),
            365,
            90,
            730,
        ),
        RetentionRule(
            "messages",
            _("Messages"),
            _("Messages (e-mails, text messages, letters) are deleted after this many days."),
            90,
            30,
            365,
        ),
        RetentionRule(
            "financial",
            _("Payments and charges"),
            _("Financial records are kept for seven years (fiscal duty) and then anonymised."),
            7 * 365,
            7 * 365,
            10 * 365,
        ),
        RetentionRule(
            "direct_debit",
            _("Direct debit mandates and files"),
            _(
                "An ended direct debit mandate, and the direct debits, bank files and returns of "
                "a collection, are deleted this many days after the mandate ended or the "
                "collection date: 14 months, the period in which a debit can be disputed."
            ),
            427,
            427,
            1095,
        ),
        RetentionRule(
            "ended_membership",
            _("Ended memberships"),
            _(
                "When a membership has ended and nothing is on loan or owed, the account is "
                "erased after this many days."
            ),
            365,
            30,
            730,
        ),
        RetentionRule(
            "signups_unconfirmed",
            _("Online sign-ups not confirmed"),
            _(
                "Someone who joined online and did not follow the link sent to their e-mail "
                "address within this many days is deleted entirely: login, card number, "
                "addresses, consents, messages and history."
            ),
            7,
            setting="KAFT_SIGNUP_VERIFY_DAYS",
        ),
        RetentionRule(
            "signups_incomplete",
            _("Online sign-ups not completed at the desk"),
            _(
                "An online sign-up whose ID document the desk has not seen within this many "
                "days of joining is deleted entirely, as an unconfirmed one."
            ),
            30,
            setting="KAFT_SIGNUP_COMPLETE_DAYS",
        ),
        RetentionRule(
            "closed_requests",
            _("Answered requests"),
            _(
                "Requests that were answered, declined or ended (family access, corrections, "
                "identity checks, password resets, responses) are deleted after this many days."
            ),
            90,
            30,
            365,
        ),
        RetentionRule(
            "disclosures",
            _("Disclosures and police requests"),
            _(
                "Records of data passed to other organisations, and requests from police or "
                "justice, are deleted after this many days (counted from when the member may see "
                "them)."
            ),
            730,
            365,
            1825,
        ),
        RetentionRule(
            "login_attempts",
            _("Login attempts"),
            _("Failed and successful login attempts are deleted after this many days."),
            30,
            7,
            90,
        ),
        RetentionRule(
            "print_runs",
            _("Printed letters (PDF)"),
            _(
                "The PDF of a print run of letters holds the names and addresses of the members "
                "written to; it is deleted after this many days."
            ),
            7,
            1,
            90,
        ),
        RetentionRule(
            "sessions",
            _("Login sessions"),
            _("A login session is deleted as soon as it has expired."),
            0,
        ),
        RetentionRule(
            "app_tokens",
            _("App access"),
            _(
                "An app's access to the member's data (a token or code from the consent page) is "
                "deleted as soon as it has expired."
            ),
            0,
        ),
        RetentionRule(
            "app_refresh_tokens",
            _("App access renewals"),
            _(
                "What lets an app renew its access is deleted this many days after it was "
                "issued; by then it has expired."
            ),
            30,
        ),
        RetentionRule(
            "partner_sign_ins",
            _("Sign-ins to partner services"),
            _(
                "Which partner services a member signs in to with their library account, and what "
                "each receives. Deleted when the member ends a service's access, or 31 days after "
                "the last sign-in (the service's access has expired by then)."
            ),
            31,
        ),
        RetentionRule(
            "contest_entries",
            _("Contest entries"),
            _(
                "An entry in a contest (only the name, contact details and answer the contest "
                "asked) is deleted the number of days set for that contest after its last day. "
                "This period is what a new contest gets unless staff choose another within the "
                "bounds. Anonymous counts of entries per day remain."
            ),
            30,
            7,
            90,
            setting="KAFT_CONTEST_ENTRY_DAYS",
        ),
        RetentionRule(
            "newsletter_ended",
            _("Ended newsletter subscriptions"),
            _(
                "A newsletter subscription that ended (unsubscribed, or the consent withdrawn) "
                "is deleted after this many days, with the record of which newsletters went to "
                "it. A member's consent history keeps the yes and the no."
            ),
            30,
            0,
            365,
        ),
        RetentionRule(
            "newsletter_unconfirmed",
            _("Newsletter sign-ups not confirmed"),
            _(
                "A newsletter sign-up whose confirmation link was not followed within this many "
                "days is deleted."
            ),
            7,
            setting="KAFT_NEWSLETTER_CONFIRM_DAYS",
        ),
        RetentionRule(
            "with_consent",
            _("Kept with a consent"),
            _(
                "Kept only while the member gives the consent it is for (such as the interests "
                "they chose); deleted at once when the consent is withdrawn, and with the "
                "account."
            ),
            None,
        ),
        RetentionRule(
            "panel_invitations",
            _("Biebpanel invitations"),
            _(
                "That a member was invited to a survey of the Biebpanel, and whether they "
                "answered, is deleted this many days after the survey closes. The answers "
                "themselves are anonymous from the start: they are linked to no one."
            ),
            30,
            0,
            365,
            setting="KAFT_PANEL_INVITATION_DAYS",
        ),
        RetentionRule(
            "rare_search_terms",
            _("Rare search terms"),
            _(
                "The library counts how often each search term is used in the catalogue per "
                "day, without who searched. A term used fewer times in a calendar month than "
                "the staff statistics need to show it (such as a name or an address) is "
                "deleted this many days after the day it was searched, once that month is over."
            ),
            35,
            setting="KAFT_STATS_RARE_TERM_DAYS",
        ),
        RetentionRule(
            "with_member",
            _("Account and membership"),
            _("Kept as long as the membership runs; erased with the account."),
            None,
        ),
    ]
}


# What a retention run does besides applying the rules, counted in the run like a rule.
RUN_STEPS: dict[str, Promise] = {
    "erasure_requests": _("Requested account deletions carried out"),
}


def rule_days(rule: RetentionRule) -> int | None:
    """The rule's period before the privacy officer's own setting: the operator's setting
    (read now, never at import) for a rule that has one, else the default."""
    if rule.setting:
        from django.conf import settings

        value = getattr(settings, rule.setting, rule.default_days)
        return None if value is None else int(value)
    return rule.default_days


def rule_label(key: str) -> str:
    """The name of a retention rule (or a step of the run) as every screen shows it."""
    if key in RULES:
        return str(RULES[key].label)
    if key in RUN_STEPS:
        return str(RUN_STEPS[key])
    return key
