"""The register of personal data: every table that holds personal data or links a row to a member.

One entry per model says which fields hold what category of personal data, how a row is tied to
a member (``member_paths``), which retention rule applies and what erasure does with it. The
export, the erasure and the retention job all read this register, so a new field that is declared
here is covered by all three at once; ``kaft/privacy/tests/test_registry.py`` fails when a model
links to a member, or has a field that looks personal, and is not declared here.

Models that hold no member's personal data but would look as if they do are listed in
``NOT_PERSONAL`` with the reason.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaft.privacy.models.categories import DataCategory


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

    @property
    def configurable(self) -> bool:
        return (
            self.min_days is not None
            and self.max_days is not None
            and (self.min_days < self.max_days)
        )


RULES: dict[str, RetentionRule] = {
    rule.key: rule
    for rule in [
        RetentionRule(
            "loan_history",
            _("Returned loans"),
            _(
                "A returned loan is unlinked from you after this many days, unless you chose to "
                "keep your loan history. The library keeps only anonymous statistics."
            ),
            30,
            0,
            365,
        ),
        RetentionRule(
            "hold_history",
            _("Finished reservations"),
            _(
                "A reservation that was picked up, cancelled or not collected is unlinked from "
                "you after this many days, unless you chose to keep your loan history."
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
            _("Who looked at your data"),
            _("Entries in the access log are deleted after this many days."),
            365,
            180,
            730,
        ),
        RetentionRule(
            "family_log",
            _("Actions through family access"),
            _("What a family member did on your account is deleted after this many days."),
            365,
            90,
            730,
        ),
        RetentionRule(
            "messages",
            _("Messages sent to you"),
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
            _("Who received your data"),
            _(
                "Records of data passed to other organisations, and requests from police or "
                "justice, are deleted after this many days (counted from when you may see them)."
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
            "sessions",
            _("Login sessions"),
            _("A login session is deleted as soon as it has expired."),
            0,
        ),
        RetentionRule(
            "with_member",
            _("Your account"),
            _("Kept as long as you are a member; erased with your account."),
            None,
        ),
    ]
}


@dataclass(frozen=True)
class PersonalTable:
    """One model holding personal data.

    - ``fields``: field name → category, for every field with personal data (FKs to a member
      included, by their field name).
    - ``member_paths``: ORM paths from this model to :class:`~kaft.members.models.Member`
      (``"member"``, ``"notice__member"``); the first is the owner whose export shows the row.
    - ``rule``: the key of its retention rule in :data:`RULES`.
    - ``erasure``: what erasing the member does with the row.
    - ``export``: whether the member's export includes it (False only with a ``note`` why).
    """

    model: str
    fields: dict[str, DataCategory]
    member_paths: tuple[str, ...]
    rule: str
    erasure: Erasure
    export: bool = True
    note: str = ""
    anonymise: dict[str, object] = field(default_factory=dict)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def categories(self) -> set[DataCategory]:
        return set(self.fields.values())


C = DataCategory

REGISTRY: list[PersonalTable] = [
    PersonalTable(
        "members.Member",
        {
            "card_number": C.MEMBERSHIP,
            "first_name": C.IDENTITY,
            "name_prefix": C.IDENTITY,
            "last_name": C.IDENTITY,
            "date_of_birth": C.IDENTITY,
            "email": C.CONTACT,
            "phone": C.CONTACT,
            "category": C.MEMBERSHIP,
            "home_branch": C.MEMBERSHIP,
            "membership_start": C.MEMBERSHIP,
            "membership_end": C.MEMBERSHIP,
            "preferred_language": C.PREFERENCES,
            "status": C.MEMBERSHIP,
            "block_reason": C.MEMBERSHIP,
            "user": C.ACCOUNT,
        },
        ("pk",),
        "ended_membership",
        Erasure.ANONYMISE,
        note="The row stays, emptied, so loan statistics keep their category and age band.",
    ),
    PersonalTable(
        "members.User",
        {
            "username": C.ACCOUNT,
            "password": C.ACCOUNT,
            "last_login": C.ACCOUNT,
            "first_name": C.ACCOUNT,
            "last_name": C.ACCOUNT,
            "email": C.ACCOUNT,
        },
        ("member",),
        "with_member",
        Erasure.DELETE,
        note="A member's login holds no name or e-mail (opaque username); the hash is not exported.",
    ),
    PersonalTable(
        "members.Address",
        {
            "member": C.CONTACT,
            "street": C.CONTACT,
            "house_number": C.CONTACT,
            "postcode": C.CONTACT,
            "city": C.CONTACT,
            "country": C.CONTACT,
        },
        ("member",),
        "with_member",
        Erasure.DELETE,
    ),
    PersonalTable(
        "members.MessagePreference",
        {"member": C.PREFERENCES, "message_type": C.PREFERENCES, "channel": C.PREFERENCES},
        ("member",),
        "with_member",
        Erasure.DELETE,
    ),
    PersonalTable(
        "members.MemberEvent",
        {"member": C.CHANGES, "action": C.CHANGES, "note": C.CHANGES, "at": C.CHANGES},
        ("member",),
        "with_member",
        Erasure.DELETE,
    ),
    PersonalTable(
        "members.MemberNote",
        {"member": C.NOTES, "text": C.NOTES, "created_at": C.NOTES, "expires_on": C.NOTES},
        ("member",),
        "notes",
        Erasure.DELETE,
    ),
    PersonalTable(
        "members.FamilyAccess",
        {
            "owner": C.FAMILY,
            "grantee": C.FAMILY,
            "status": C.FAMILY,
            "requested_at": C.FAMILY,
            "ended_by": C.FAMILY,
        },
        ("owner", "grantee"),
        "closed_requests",
        Erasure.DELETE,
    ),
    PersonalTable(
        "members.FamilyAccessEvent",
        {
            "owner": C.FAMILY,
            "action": C.FAMILY,
            "detail": C.FAMILY,
            "actor": C.FAMILY,
            "at": C.FAMILY,
        },
        ("owner", "actor"),
        "family_log",
        Erasure.DELETE,
    ),
    PersonalTable(
        "members.GuardianLink",
        {
            "child": C.FAMILY,
            "guardian": C.FAMILY,
            "checked": C.FAMILY,
            "check_note": C.FAMILY,
            "recorded_at": C.FAMILY,
        },
        ("child", "guardian"),
        "closed_requests",
        Erasure.DELETE,
    ),
    PersonalTable(
        "members.IdentityChangeRequest",
        {
            "member": C.REQUESTS,
            "first_name": C.REQUESTS,
            "name_prefix": C.REQUESTS,
            "last_name": C.REQUESTS,
            "date_of_birth": C.REQUESTS,
            "status": C.REQUESTS,
            "reason": C.REQUESTS,
            "document_seen": C.REQUESTS,
        },
        ("member",),
        "closed_requests",
        Erasure.DELETE,
    ),
    PersonalTable(
        "members.IdentityCheck",
        {
            "member": C.ACCOUNT,
            "method": C.ACCOUNT,
            "document_type": C.ACCOUNT,
            "passed": C.ACCOUNT,
            "at": C.ACCOUNT,
        },
        ("member",),
        "closed_requests",
        Erasure.DELETE,
    ),
    PersonalTable(
        "members.ResetCode",
        {
            "member": C.ACCOUNT,
            "code_hash": C.ACCOUNT,
            "created_at": C.ACCOUNT,
            "used_at": C.ACCOUNT,
        },
        ("member",),
        "closed_requests",
        Erasure.DELETE,
        export=False,
        note="Only a hash of a one-time code; useless to the member and not exported.",
    ),
    PersonalTable(
        "circulation.Loan",
        {
            "member": C.LOANS,
            "checked_out_at": C.LOANS,
            "due_date": C.LOANS,
            "returned_at": C.LOAN_HISTORY,
        },
        ("member",),
        "loan_history",
        Erasure.UNLINK,
        note="Unlinked rows keep record, branch, category, age band and month for statistics.",
    ),
    PersonalTable(
        "circulation.Hold",
        {"member": C.HOLDS, "placed_at": C.HOLDS, "pickup_branch": C.HOLDS},
        ("member",),
        "hold_history",
        Erasure.UNLINK,
    ),
    PersonalTable(
        "notices.Notice",
        {
            "member": C.MESSAGES,
            "message_type": C.MESSAGES,
            "recipient": C.MESSAGES,
            "subject": C.MESSAGES,
            "body": C.MESSAGES,
        },
        ("member",),
        "messages",
        Erasure.DELETE,
    ),
    PersonalTable(
        "notices.DeliveryAttempt",
        {"error": C.MESSAGES, "at": C.MESSAGES},
        ("notice__member",),
        "messages",
        Erasure.DELETE,
        note="Goes with its message.",
    ),
    PersonalTable(
        "privacy.AccessLogEntry",
        {
            "member": C.ACCESS_LOG,
            "staff_role": C.ACCESS_LOG,
            "staff_name": C.ACCESS_LOG,
            "part": C.ACCESS_LOG,
            "purpose": C.ACCESS_LOG,
            "at": C.ACCESS_LOG,
        },
        ("member",),
        "access_log",
        Erasure.DELETE,
    ),
    PersonalTable(
        "privacy.Consent",
        {"member": C.CONSENTS, "purpose": C.CONSENTS, "given": C.CONSENTS, "since": C.CONSENTS},
        ("member",),
        "with_member",
        Erasure.DELETE,
    ),
    PersonalTable(
        "privacy.ConsentEvent",
        {
            "member": C.CONSENTS,
            "guardian": C.CONSENTS,
            "purpose": C.CONSENTS,
            "given": C.CONSENTS,
            "at": C.CONSENTS,
            "via": C.CONSENTS,
        },
        ("member", "guardian"),
        "with_member",
        Erasure.DELETE,
    ),
    PersonalTable(
        "privacy.StatementSeen",
        {"member": C.CONSENTS, "version": C.CONSENTS, "at": C.CONSENTS},
        ("member",),
        "with_member",
        Erasure.DELETE,
    ),
    PersonalTable(
        "privacy.StatementResponse",
        {"member": C.REQUESTS, "message": C.REQUESTS, "at": C.REQUESTS},
        ("member",),
        "closed_requests",
        Erasure.DELETE,
    ),
    PersonalTable(
        "privacy.Disclosure",
        {
            "member": C.DISCLOSURES,
            "recipient": C.DISCLOSURES,
            "purpose": C.DISCLOSURES,
            "legal_basis": C.DISCLOSURES,
            "categories": C.DISCLOSURES,
            "at": C.DISCLOSURES,
        },
        ("member",),
        "disclosures",
        Erasure.DELETE,
    ),
    PersonalTable(
        "privacy.LegalRequest",
        {
            "member": C.DISCLOSURES,
            "authority": C.DISCLOSURES,
            "reference": C.DISCLOSURES,
            "legal_basis": C.DISCLOSURES,
            "categories": C.DISCLOSURES,
            "produced": C.DISCLOSURES,
            "decision_reason": C.DISCLOSURES,
        },
        ("member",),
        "disclosures",
        Erasure.DELETE,
        export=False,
        note="Shown to the member as a disclosure once approved and no non-disclosure order runs.",
    ),
    PersonalTable(
        "privacy.ErasureRequest",
        {"member": C.REQUESTS, "requested_at": C.REQUESTS, "status": C.REQUESTS},
        ("member",),
        "with_member",
        Erasure.KEEP,
        note="Proof that the erasure was asked for and done; points at the anonymised row only.",
    ),
    # --- Third-party tables -------------------------------------------------------------------
    *(
        PersonalTable(
            label,
            {
                "username": C.ACCOUNT,
                "ip_address": C.ACCOUNT,
                "user_agent": C.ACCOUNT,
                "attempt_time": C.ACCOUNT,
                **extra,
            },
            (),
            "login_attempts",
            Erasure.DELETE,
            export=False,
            note=(
                "Login attempts (django-axes): the username is the card number or e-mail address "
                "typed in, so a row cannot be tied to a member reliably; deleted after the "
                "login-attempts period, for everyone alike."
            ),
        )
        for label, extra in (
            ("axes.AccessAttempt", {"get_data": C.ACCOUNT, "post_data": C.ACCOUNT}),
            ("axes.AccessLog", {"logout_time": C.ACCOUNT, "session_hash": C.ACCOUNT}),
            ("axes.AccessFailureLog", {}),
        )
    ),
    PersonalTable(
        "sessions.Session",
        {"session_data": C.ACCOUNT, "expire_date": C.ACCOUNT},
        (),
        "sessions",
        Erasure.DELETE,
        export=False,
        note=(
            "Login sessions: the data is signed and holds the login's id. Expired sessions are "
            "deleted daily; erasing a member ends their sessions through the login's "
            "session_version."
        ),
    ),
    PersonalTable(
        "admin.LogEntry",
        {"object_repr": C.CHANGES, "change_message": C.CHANGES, "action_time": C.CHANGES},
        (),
        "access_log",
        Erasure.KEEP,
        export=False,
        note=(
            "Changes made by staff in Django's admin; object_repr may hold a member's name and "
            "card number. No link to the member (a text object id), so erasure leaves them; "
            "they are deleted after the access-log period, like the access log."
        ),
    ),
]


# Models whose fields look personal, or that point at a member indirectly, but hold no member's
# personal data. The registry test accepts these, and only with a reason.
NOT_PERSONAL: dict[str, str] = {
    "catalog.Branch": "A branch's name and address are the library's, not a person's.",
    "catalog.Record": "Bibliographic data: titles and authors are public.",
    "catalog.Item": "A copy of a title; who has it lives on the loan.",
    "members.MemberCategory": "A membership category's name.",
    "members.StaffProfile": "Staff accounts: the library's own staff administration.",
    "circulation.LoanEvent": "Points at a loan; the member link lives on the loan only.",
    "circulation.HoldEvent": "Points at a reservation; the member link lives on it only.",
    "circulation.Transfer": "Moves a copy between branches; the reservation holds the member.",
    "privacy.Partner": "An organisation, not a person.",
    "privacy.StatementVersion": "The library's statement text.",
    "privacy.RetentionSetting": "The library's settings.",
    "privacy.RetentionRun": "Counts only.",
    "privacy.PageViewCount": "Page views per day and path: no visitor, no address, no query.",
    "catalog.ClosedDay": "The reason a branch is closed on a day (a holiday).",
    "auth.Group": "A group of permissions.",
    "auth.Permission": "A permission's name.",
    "contenttypes.ContentType": "The name of a model.",
    "otp_totp.TOTPDevice": "A staff login's second factor; its name is the device's label.",
}


def entries() -> Iterator[PersonalTable]:
    yield from REGISTRY


def entry_for(model: type[models.Model]) -> PersonalTable | None:
    label = model._meta.label
    return next((e for e in REGISTRY if e.model == label), None)


def rule(key: str) -> RetentionRule:
    return RULES[key]
