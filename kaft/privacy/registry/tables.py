"""The register itself: every table with personal data, and the ones that only look like it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

from kaft.privacy.models.categories import DataCategory
from kaft.privacy.registry.rules import Erasure


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
        {
            "member": C.CONSENTS,
            "purpose": C.CONSENTS,
            "given": C.CONSENTS,
            "since": C.CONSENTS,
            "by_guardian": C.CONSENTS,
        },
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
