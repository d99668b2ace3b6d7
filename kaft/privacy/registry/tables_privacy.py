"""The register: the privacy domain's own tables, and those of the libraries Kaft runs on."""

from __future__ import annotations

from kaft.privacy.models.categories import DataCategory, PartyRole
from kaft.privacy.registry.rules import Erasure
from kaft.privacy.registry.table import STAFF_LOGIN, PersonalTable

C = DataCategory
R = PartyRole

PRIVACY: list[PersonalTable] = [
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
]

# Tables of the libraries Kaft is built on (django-axes, Django's sessions and admin log).
THIRD_PARTY: list[PersonalTable] = [
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
                "Failed login attempts (django-axes), kept under the name that was typed in (card "
                "number or e-mail address, also a former one). Not exported: what was typed may "
                "be someone else's attempt, or an address a household shares, so the rows cannot "
                "be told to be the member's. Erasure deletes the rows written under any name the "
                "member had (compared stripped and case-insensitively); the rest go after the "
                "login-attempts period."
            ),
            login_field="username",
        )
        for label, extra in (
            ("axes.AccessAttempt", {"get_data": C.ACCOUNT, "post_data": C.ACCOUNT}),
            ("axes.AccessFailureLog", {}),
        )
    ),
    PersonalTable(
        "axes.AccessLog",
        {
            "username": C.ACCOUNT,
            "ip_address": C.ACCOUNT,
            "user_agent": C.ACCOUNT,
            "http_accept": C.ACCOUNT,
            "path_info": C.ACCOUNT,
            "attempt_time": C.ACCOUNT,
            "logout_time": C.ACCOUNT,
            "session_hash": C.ACCOUNT,
        },
        (),
        "login_attempts",
        Erasure.DELETE,
        note=(
            "Successful logins (django-axes): no foreign key to a member; a member's own logins "
            "are written under the opaque username of their login, member-<id>, and the export "
            "shows exactly those rows. Rows under a typed card number or e-mail address are not "
            "exported: a household may share an address, so they could show another member's "
            "IP address. Erasure deletes the rows written under any name the member had "
            "(compared stripped and case-insensitively); the rest go after the login-attempts "
            "period."
        ),
        technical={
            "session_hash": "A one-way hash of the login session's key: it says nothing about "
            "the member and cannot be read back."
        },
        login_field="username",
        own_login_field="username",
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
