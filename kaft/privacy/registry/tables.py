"""The register itself: every table with personal data, and the ones that only look like it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

from kaft.privacy.models.categories import DataCategory, PartyRole
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
    - ``technical``: column name → why it is left out of the export (a hash, an internal key, a
      staff login). Every other column of an exported table is in ``fields`` and so in the
      export; ``kaft/privacy/tests/test_registry.py`` checks that no column is in neither. The
      row's own id is technical everywhere (:func:`technical_columns`).
    - ``login_names``: columns of the member's own rows that hold a name the member may have
      typed to log in (card number, e-mail address; current or former). Erasure collects them.
    - ``login_field``: in a table of login records tied to no member (django-axes), the column
      with the name typed in; erasure deletes the rows written under any of the member's names.
    - ``roles``: fields that name a person other than the member the row is read for (a family
      member, a guardian, staff), with the role by which data handed over to police or justice
      refers to them. A link to a member or a login not named here is "another member" or
      "staff" all the same; a text field naming someone must be named here.
    """

    model: str
    fields: dict[str, DataCategory]
    member_paths: tuple[str, ...]
    rule: str
    erasure: Erasure
    export: bool = True
    note: str = ""
    anonymise: dict[str, object] = field(default_factory=dict)
    technical: dict[str, str] = field(default_factory=dict)
    login_names: tuple[str, ...] = ()
    login_field: str = ""
    roles: dict[str, PartyRole] = field(default_factory=dict)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def categories(self) -> set[DataCategory]:
        return set(self.fields.values())

    @property
    def technical_columns(self) -> dict[str, str]:
        """Every column left out of the export, with why: the row id, then ``technical``."""
        primary_key = self.model_class._meta.pk
        found = {primary_key.name: ROW_ID} if primary_key is not None else {}
        return {**found, **self.technical}

    @property
    def exported_fields(self) -> dict[str, DataCategory]:
        """The registered fields that the member's export shows, with their category."""
        technical = self.technical_columns
        return {name: cat for name, cat in self.fields.items() if name not in technical}


ROW_ID = "The row's number inside the database; it says nothing about the member."
STAFF_LOGIN = (
    "The internal key of a staff member's login. The export names no staff member: the access "
    "log shows who looked, as the library shows it online."
)


C = DataCategory
R = PartyRole

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
            "created_at": C.MEMBERSHIP,
            "updated_at": C.MEMBERSHIP,
        },
        ("pk",),
        "ended_membership",
        Erasure.ANONYMISE,
        note="The row stays, emptied, so loan statistics keep their category and age band.",
        technical={
            "erased_at": "Set only when the account is erased, after which there is no export.",
        },
        login_names=("card_number", "email"),
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
            "is_active": C.ACCOUNT,
            "date_joined": C.ACCOUNT,
        },
        ("member",),
        "with_member",
        Erasure.DELETE,
        note="A member's login holds no name or e-mail (opaque username); the hash is not exported.",
        technical={
            "password": "A one-way hash of the password: it cannot be read back.",
            "is_superuser": "A permission flag of staff logins; a member's login never has it.",
            "is_staff": "A permission flag of staff logins; a member's login never has it.",
            "session_version": "A counter raised to end every session of the login at once.",
        },
        login_names=("username", "email"),
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
            "kind": C.CONTACT,
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
        {
            "member": C.CHANGES,
            "action": C.CHANGES,
            "note": C.CHANGES,
            "at": C.CHANGES,
            "former_email": C.CHANGES,
        },
        ("member",),
        "with_member",
        Erasure.DELETE,
        technical={"staff": STAFF_LOGIN},
        login_names=("former_email",),
    ),
    PersonalTable(
        "members.MemberNote",
        {"member": C.NOTES, "text": C.NOTES, "created_at": C.NOTES, "expires_on": C.NOTES},
        ("member",),
        "notes",
        Erasure.DELETE,
        technical={"created_by": STAFF_LOGIN},
    ),
    PersonalTable(
        "members.FamilyAccess",
        {
            "owner": C.FAMILY,
            "grantee": C.FAMILY,
            "status": C.FAMILY,
            "requested_at": C.FAMILY,
            "ended_by": C.FAMILY,
            "answer_by": C.FAMILY,
            "decided_at": C.FAMILY,
            "ended_at": C.FAMILY,
        },
        ("owner", "grantee", "ended_by"),
        "closed_requests",
        Erasure.DELETE,
        roles={"owner": R.FAMILY_MEMBER, "grantee": R.FAMILY_MEMBER, "ended_by": R.FAMILY_MEMBER},
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
        technical={
            "access": "The internal key of the family access it happened under; owner and actor "
            "say who.",
        },
        roles={"owner": R.FAMILY_MEMBER, "actor": R.FAMILY_MEMBER},
    ),
    PersonalTable(
        "members.GuardianLink",
        {
            "child": C.FAMILY,
            "guardian": C.FAMILY,
            "checked": C.FAMILY,
            "check_note": C.FAMILY,
            "recorded_at": C.FAMILY,
            "ended_at": C.FAMILY,
        },
        ("child", "guardian"),
        "closed_requests",
        Erasure.DELETE,
        technical={"recorded_by": STAFF_LOGIN},
        roles={"child": R.CHILD, "guardian": R.GUARDIAN},
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
            "requested_at": C.REQUESTS,
            "decided_at": C.REQUESTS,
        },
        ("member",),
        "closed_requests",
        Erasure.DELETE,
        technical={"decided_by": STAFF_LOGIN},
    ),
    PersonalTable(
        "members.IdentityCheck",
        {
            "member": C.ACCOUNT,
            "method": C.ACCOUNT,
            "document_type": C.ACCOUNT,
            "passed": C.ACCOUNT,
            "at": C.ACCOUNT,
            "branch": C.ACCOUNT,
        },
        ("member",),
        "closed_requests",
        Erasure.DELETE,
        technical={"staff": STAFF_LOGIN},
    ),
    PersonalTable(
        "members.EmailChange",
        {
            "member": C.CONTACT,
            "new_email": C.CONTACT,
            "requested_at": C.CONTACT,
            "expires_at": C.CONTACT,
            "confirmed_at": C.CONTACT,
        },
        ("member",),
        "closed_requests",
        Erasure.DELETE,
        technical={
            "token_hash": "A one-way hash of the confirmation link: it cannot be read back."
        },
        login_names=("new_email",),
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
            "record": C.LOANS,
            "item": C.LOANS,
            "branch": C.LOANS,
            "status": C.LOANS,
            "renewals": C.LOANS,
            "return_branch": C.LOAN_HISTORY,
            "member_category": C.LOANS,
            "age_band": C.LOANS,
        },
        ("member",),
        "loan_history",
        Erasure.UNLINK,
        note="Unlinked rows keep record, branch, category, age band and month for statistics.",
    ),
    PersonalTable(
        "circulation.LoanEvent",
        {
            "action": C.LOANS,
            "at": C.LOANS,
            "branch": C.LOANS,
            "via": C.LOANS,
        },
        ("loan__member",),
        "loan_history",
        Erasure.KEEP,
        note="Checkouts, renewals and returns of a loan: unlinked from the member with the loan.",
        technical={
            "loan": "The internal key of the loan; the export shows its title beside each event.",
            "staff": STAFF_LOGIN,
        },
    ),
    PersonalTable(
        "circulation.Hold",
        {
            "member": C.HOLDS,
            "placed_at": C.HOLDS,
            "pickup_branch": C.HOLDS,
            "record": C.HOLDS,
            "status": C.HOLDS,
            "item": C.HOLDS,
            "ready_at": C.HOLDS,
            "pickup_deadline": C.HOLDS,
            "closed_at": C.HOLDS,
            "member_category": C.HOLDS,
            "age_band": C.HOLDS,
        },
        ("member",),
        "hold_history",
        Erasure.UNLINK,
    ),
    PersonalTable(
        "circulation.HoldEvent",
        {"action": C.HOLDS, "at": C.HOLDS, "item": C.HOLDS},
        ("hold__member",),
        "hold_history",
        Erasure.KEEP,
        note="What happened to a reservation: unlinked from the member with the reservation.",
        technical={
            "hold": "The internal key of the reservation; the export shows its title instead.",
            "staff": STAFF_LOGIN,
        },
    ),
    PersonalTable(
        "circulation.Transfer",
        {
            "item": C.HOLDS,
            "from_branch": C.HOLDS,
            "to_branch": C.HOLDS,
            "reason": C.HOLDS,
            "status": C.HOLDS,
            "sent_at": C.HOLDS,
            "received_at": C.HOLDS,
        },
        ("hold__member",),
        "hold_history",
        Erasure.KEEP,
        note="A copy on its way to the member's pickup branch: unlinked with the reservation.",
        technical={
            "hold": "The internal key of the reservation; the export shows its title instead.",
        },
    ),
    PersonalTable(
        "notices.Notice",
        {
            "member": C.MESSAGES,
            "message_type": C.MESSAGES,
            "recipient": C.MESSAGES,
            "subject": C.MESSAGES,
            "body": C.MESSAGES,
            "channel": C.MESSAGES,
            "language": C.MESSAGES,
            "status": C.MESSAGES,
            "problem": C.MESSAGES,
            "attempts": C.MESSAGES,
            "created_at": C.MESSAGES,
            "sent_at": C.MESSAGES,
        },
        ("member",),
        "messages",
        Erasure.DELETE,
        technical={
            "dedup_key": "An internal key that keeps the same message from being sent twice.",
            "next_attempt_at": "When the sending job tries again: internal scheduling.",
            "claimed_at": "When a sending job took the message: internal bookkeeping.",
        },
        login_names=("recipient",),
    ),
    PersonalTable(
        "notices.DeliveryAttempt",
        {"error": C.MESSAGES, "at": C.MESSAGES, "ok": C.MESSAGES},
        ("notice__member",),
        "messages",
        Erasure.DELETE,
        note="Goes with its message.",
        technical={
            "notice": "The internal key of the message; the export shows its subject instead.",
        },
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
            "branch": C.ACCESS_LOG,
        },
        ("member",),
        "access_log",
        Erasure.DELETE,
        technical={"staff": STAFF_LOGIN},
        roles={"staff_name": R.STAFF},
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
            "statement_version": C.CONSENTS,
        },
        ("member", "guardian"),
        "with_member",
        Erasure.DELETE,
        technical={"staff": STAFF_LOGIN},
        roles={"guardian": R.GUARDIAN},
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
        {
            "member": C.REQUESTS,
            "message": C.REQUESTS,
            "at": C.REQUESTS,
            "version": C.REQUESTS,
            "handled_at": C.REQUESTS,
        },
        ("member",),
        "closed_requests",
        Erasure.DELETE,
        technical={"handled_by": STAFF_LOGIN},
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
            "partner": C.DISCLOSURES,
            "hidden_until": C.DISCLOSURES,
        },
        ("member",),
        "disclosures",
        Erasure.DELETE,
        technical={
            "staff": STAFF_LOGIN,
            "legal_request": "The internal key of the request from police or justice behind it; "
            "recipient, purpose and legal basis say what it was.",
        },
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
        {
            "member": C.REQUESTS,
            "requested_at": C.REQUESTS,
            "status": C.REQUESTS,
            "done_at": C.REQUESTS,
        },
        ("member",),
        "with_member",
        Erasure.KEEP,
        note="Proof that the erasure was asked for and done; points at the anonymised row only.",
        technical={"staff": STAFF_LOGIN},
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
                "Login attempts (django-axes): the username is what was typed in (card number or "
                "e-mail address, also a former one) or, for a successful login, the opaque "
                "member-<id>. No link to a member: erasure deletes the rows written under any "
                "name the member had (compared stripped and case-insensitively); the rest go "
                "after the login-attempts period."
            ),
            login_field="username",
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


# Models whose fields look personal, or that lie within two links of a member or a login, but hold
# no member's personal data. The registry test accepts these, only with a reason, and never a
# model whose rows point at a member (directly or through one other table): such rows are the
# member's and belong in REGISTRY.
NOT_PERSONAL: dict[str, str] = {
    "catalog.Branch": "A branch's name and address are the library's, not a person's.",
    "catalog.Record": "Bibliographic data: titles and authors are public.",
    "catalog.Item": "A copy of a title; who has it lives on the loan.",
    "members.MemberCategory": "A membership category's name.",
    "members.StaffProfile": "Staff accounts: the library's own staff administration.",
    "circulation.LoanRule": "Loan periods and limits per branch, category and kind of copy.",
    "privacy.Partner": "An organisation, not a person.",
    "privacy.StatementVersion": "The library's statement text.",
    "privacy.RetentionSetting": "The library's settings.",
    "privacy.RetentionRun": "Counts only.",
    "privacy.PageViewCount": "Page views per day and path: no visitor, no address, no query.",
    "catalog.ClosedDay": "The reason a branch is closed on a day (a holiday).",
    "auth.Group": "A group of permissions.",
    "auth.Group_permissions": "Which permissions a group holds.",
    "members.User_groups": "Which permission groups a login is in: only staff logins are in any.",
    "members.User_user_permissions": (
        "Permissions given to one login: only staff logins are given any."
    ),
    "axes.AccessAttemptExpiration": (
        "When the lockout after a login attempt ends; deleted with its attempt, which holds the "
        "rest and is registered."
    ),
    "auth.Permission": "A permission's name.",
    "contenttypes.ContentType": "The name of a model.",
    "otp_totp.TOTPDevice": "A staff login's second factor; its name is the device's label.",
    "core.CacheEntry": (
        "The shared cache: attempt counts under keyed hashes (no card number, address or id), "
        "gone when their window ends."
    ),
}
