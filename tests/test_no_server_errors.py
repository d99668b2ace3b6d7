"""No request gets a 500, whatever it carries; a refused request changes nothing.

Every URL pattern of every door is found in the project's URL configuration (the ``i18n/``
language switch is walked too; Django's admin, not a door of Kaft, gets the bad ids in its object
addresses and list pages in a test of its own at the end). Each is asked
for by the kind of user it is for — the portal by a member (and, outside ``mijn/``, by a visitor),
the desk by a privacy officer past the second factor, who may use every desk screen — with GET
and with POST, and then:

- every argument in its path is replaced by each bad value (``BAD``);
- every query or form parameter the view reads is replaced by each bad value, the others kept at
  a value that lets the view go on (``GOOD``). Which parameters a view reads is not listed by
  hand: the walk records every key read from ``request.GET`` and ``request.POST`` (forms read
  theirs through the same calls), and walks each key it has not tried yet, until none is left.

A redirect on the same site is followed once (a value carried in the session, such as a
password-reset link's, is read by the page it leads to). No answer may be a server error (an
exception in the view counts as one), and a refused request — a status of 400 or more, an error
message, or a form shown again with errors — must leave every table with as many rows as before
(``BOOKKEEPING`` lists the few tables a refusal writes to on purpose, and why).
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.db import connection, transaction
from django.forms import BaseForm
from django.http import QueryDict
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kaft.billing.models import SepaRun
from kaft.catalog.models import Branch
from kaft.members.models import (
    FamilyAccess,
    FamilyAccessStatus,
    GuardianLink,
    IdentityChangeRequest,
    Member,
    MemberCategory,
    MemberNote,
    RequestStatus,
    User,
)
from kaft.privacy.models import LegalRequest, Partner, StatementResponse, StatementVersion
from tests.factories import (
    LoanRuleFactory,
    a_closed_day_id,
    a_library_partner_id,
    a_loan_rule_id,
    an_interlibrary_request_id,
    stocktake_with_scan,
)
from tests.factories_contests import a_campaign_with_entry_id, an_entry_id
from tests.factories_desk import staff_login
from tests.factories_newsletter_issues import (
    a_newsletter_image_id,
    a_newsletter_image_name,
    a_newsletter_issue_id,
)
from tests.factories_newsletter_subscriptions import an_unsubscribe_code
from tests.factories_panel import a_panel_invitation_id, a_panel_question_id, a_panel_survey_id
from tests.factories_rights import make_full_member, make_member
from tests.factories_transparency import (
    PartnerFactory,
    a_partner_sign_in_id,
    legal_request,
    officer,
)
from tests.urlwalk import Route, path_routes, routes

# Ids, page numbers, dates and text nobody sends by accident: Unicode digits that str.isdigit()
# and int() accept, numbers past any database integer, signs, empty and impossible dates, NUL.
BAD_NUMBERS = [
    "²",
    "①",
    "١٢",
    "-1",
    "0",
    "99999999999999999999999",
    "9223372036854775808",
    "2147483648",
    "abc",
    "",
    "1.5",
    " 7 ",
    "1e3",
]
BAD_DATES = ["0000-00-00", "9999-12-31", "0001-01-01", "31-02-2024", "2024-02-30", "x"]
# Text no lookup can match: PostgreSQL refuses NUL in any text.
BAD_TEXT = ["a\x00b", "x" * 5000]
BAD = BAD_NUMBERS + BAD_DATES + BAD_TEXT
# Path arguments are matched by <int:...>: only ASCII digits reach the view at all.
BAD_IN_PATH = ["0", "99999999999999999999999", "9223372036854775808", "2147483648", "²", "-1"]
# Parameters whose value is encoded by the page that sends it: the bad values are encoded too.
ENCODED: dict[str, Callable[[str], str]] = {"u": lambda v: urlsafe_base64_encode(force_bytes(v))}

# Tables a refused request writes to on purpose.
BOOKKEEPING = {
    "django_session",  # every request may save its session (messages, the served member)
    "privacy_accesslogentry",  # a form shown again with its error still shows the member's data
    "axes_accessattempt",  # failed logins are counted to lock out guessing
    "axes_accessfailurelog",
    "axes_accesslog",
    "kaft_cache",  # the attempt limiter counts refused guesses (kaft/core/limits.py)
}
# Tables one screen writes to on purpose when it refuses.
BOOKKEEPING_OF: dict[str, set[str]] = {
    # a failed identity check is kept (it counts towards the limit of 3 a day) and written to the
    # member's change history
    "desk:login_help": {"members_identitycheck", "members_memberevent"},
}
# Not a door of Kaft: Django's admin (staff only, behind the second factor, its own checks).
NOT_A_DOOR = ("admin/",)
OK_STATUSES = {200, 204, 302, 303, 400, 403, 404, 405, 409}
# The machine doors answer a bad parameter with 422 (the API) and a missing client
# authentication with 401 (the OAuth server's token and introspection endpoints).
MACHINE_DOORS = {"api", "oauth2_provider"}
OK_STATUSES_MACHINE = OK_STATUSES | {401, 422}
# Every scope, so the walk of the API reaches past its access checks.
API_SCOPES = ("catalog:read", "availability:read", "circulation:write", "members:read", "me")


@dataclass
class Scene:
    """A member with a row in every table (``make_full_member``) who may act for another member
    and has a request for access to answer; a privacy officer; a draft statement, a response to
    it, a police request registered by another officer, a partner, a waiting correction."""

    branch: Branch
    member: Member
    other: Member
    in_reach: Member
    officer: User
    asking: FamilyAccess
    granted: FamilyAccess
    note: MemberNote
    link: GuardianLink
    draft: StatementVersion
    response: StatementResponse
    legal: LegalRequest
    partner: Partner
    category: MemberCategory
    reset_uid: str
    reset_token: str


@pytest.fixture
def scene(db: None) -> Scene:
    from django.contrib.auth.tokens import default_token_generator

    LoanRuleFactory.create()
    full = make_full_member()
    member = full.member
    in_reach = make_member(first_name="Bram", home_branch=full.branch)
    asking_member = make_member(first_name="Ayla", home_branch=full.branch)
    now = timezone.now()
    granted = FamilyAccess.objects.create(
        owner=in_reach,
        grantee=member,
        status=FamilyAccessStatus.ACTIVE,
        requested_at=now,
        answer_by=now + dt.timedelta(days=14),
        decided_at=now,
    )
    asking = FamilyAccess.objects.create(
        owner=member,
        grantee=asking_member,
        status=FamilyAccessStatus.REQUESTED,
        requested_at=now,
        answer_by=now + dt.timedelta(days=14),
    )
    IdentityChangeRequest.objects.create(
        member=member,
        first_name="Sanne",
        last_name="Bakker",
        date_of_birth=dt.date(1985, 4, 12),
        requested_at=now,
        status=RequestStatus.PENDING,
    )
    registrar = officer(full.branch, username="fg-registrar")
    acting = officer(full.branch, username="fg-acting")
    _money(member, acting, full.branch)
    draft = StatementVersion.objects.create(version="2026-2", text_nl="Nieuw", text_en="New")
    user = member.user
    assert user is not None
    return Scene(
        branch=full.branch,
        member=member,
        other=full.other,
        in_reach=in_reach,
        officer=acting,
        asking=asking,
        granted=granted,
        note=MemberNote.objects.get(member=member),
        link=GuardianLink.objects.get(child=member),
        draft=draft,
        response=StatementResponse.objects.get(member=member),
        legal=legal_request(member, registrar),
        partner=PartnerFactory.create(name="Online Bibliotheek"),
        category=member.category,
        reset_uid=urlsafe_base64_encode(force_bytes(user.pk)),
        reset_token=default_token_generator.make_token(user),
    )


def _money(member: Member, walker: User, branch: Branch) -> None:
    """Two charges of the member (€ 4.00 damage, € 2.50 administration), € 1.00 paid; the
    privacy officer who walks the desk may waive (so the waiver's form is walked too)."""
    from decimal import Decimal

    from django.contrib.auth.models import Permission

    from kaft.billing.models import ChargeKind, PaymentMethod
    from kaft.billing.services.charges import charge_create
    from kaft.billing.services.payments import payment_take

    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("4.00"))
    charge_create(member=member, kind=ChargeKind.ADMINISTRATION, amount=Decimal("2.50"))
    payment_take(member=member, amount=Decimal("1.00"), method=PaymentMethod.CASH, branch=branch)
    walker.user_permissions.add(Permission.objects.get(codename="waive_charge"))


# --- the routes ----------------------------------------------------------------------------------


ROUTES = path_routes(route for route in routes() if not route.route.startswith(NOT_A_DOOR))
ROUTES_BY_NAME = {route.name: route for route in ROUTES}

# How to fill each path argument with a value that exists.
FILL: dict[str, Callable[[Scene], int | str]] = {
    "record_id": lambda s: s.member.holds.first().record_id,  # type: ignore[union-attr]
    "loan_id": lambda s: s.member.loans.filter(returned_at__isnull=True).first().pk,  # type: ignore[union-attr]
    "hold_id": lambda s: s.member.holds.first().pk,  # type: ignore[union-attr]
    "item_id": lambda s: s.member.loans.first().item_id,  # type: ignore[union-attr]
    "member_id": lambda s: s.member.pk,
    # the unsubscribe link of the member's newsletter subscription (its MAC is the proof)
    "code": lambda s: an_unsubscribe_code(s.member),
    "legal_request_id": lambda s: s.legal.pk,
    "partner_id": lambda s: s.partner.pk,
    "charge_id": lambda s: s.member.charges.order_by("pk").first().pk,  # type: ignore[union-attr]
    "payment_id": lambda s: s.member.payments.first().pk,  # type: ignore[union-attr]
    "run_id": lambda s: SepaRun.objects.values_list("pk", flat=True).first() or 1,
    "kiosk_id": lambda s: _kiosk(s),
    "rule_id": lambda s: a_loan_rule_id(),
    "closed_day_id": lambda s: a_closed_day_id(s.branch),
    "stocktake_id": lambda s: stocktake_with_scan(s.branch, s.member.loans.first().item.barcode),  # type: ignore[union-attr]
    "barcode": lambda s: s.member.loans.first().item.barcode,  # type: ignore[union-attr]
    "ill_request_id": lambda s: an_interlibrary_request_id(s.member, s.branch),
    "library_partner_id": lambda s: a_library_partner_id(),
    # the member's sign-in to a partner service (OpenID Connect)
    "sign_in_id": lambda s: a_partner_sign_in_id(s.member),
    # an open contest the member entered, and the member's entry (in a contest of its own)
    "campaign_id": lambda s: a_campaign_with_entry_id(s.member),
    "entry_id": lambda s: an_entry_id(s.member),
    "card_number": lambda s: s.member.card_number,
    "category_id": lambda s: s.member.category_id,
    "template": lambda s: "hold_ready",
    "channel": lambda s: "sms",
    "language": lambda s: "nl",
    "version": lambda s: "0",
    # the research panel: a draft survey and its question; the member's own invitation
    "survey_id": lambda s: a_panel_survey_id(),
    "question_id": lambda s: a_panel_question_id(),
    "invitation_id": lambda s: a_panel_invitation_id(s.member),
    # a sent newsletter issue, its image and the image's public name
    "newsletter_issue_id": lambda s: a_newsletter_issue_id(),
    "newsletter_image_id": lambda s: a_newsletter_image_id(),
    "image_name": lambda s: a_newsletter_image_name(),
    # a table of the staff statistics page
    "table": lambda s: "loans",
}


def _kiosk(s: Scene) -> int:
    """A kiosk account at the scene's branch (made the first time it is asked for)."""
    from kaft.sip2.accounts import kiosk_account_add
    from kaft.sip2.models import KioskAccount

    found = KioskAccount.objects.filter(login="kiosk-walk").first()
    if found is None:
        found = kiosk_account_add(login="kiosk-walk", password="kiosk-walk-2026", branch=s.branch)
    return found.pk


def _kiosk_form(s: Scene) -> Data:
    return {
        "login": "kiosk-nieuw",
        "name": "Zuil",
        "branch": str(s.branch.pk),
        "charset": "cp850",
        "name_shown": "first",
        "patron_fields": ["BE"],
        "messages": ["11", "09"],
        "error_detection": "on",
        "active": "on",
        "password": "kiosk-nieuw-2026",
        "password_again": "kiosk-nieuw-2026",
    }


Data = dict[str, str | list[str]]


def _contest_form() -> Data:
    today = timezone.localdate()
    return {
        "title": "Zomerquiz",
        "question": "Wat las u deze zomer?",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=7)).isoformat(),
        "asked": ["name", "email"],
        "prize": "Boekenbon",
        "winners_count": "1",
        "winners_shown": "first_name_initial",
        "keep_days": "30",
    }


def _registration(s: Scene) -> Data:
    return {
        "first_name": "Lotte",
        "last_name": "Visser",
        "date_of_birth": "1990-05-17",
        "category": str(s.category.pk),
        "home_branch": str(s.branch.pk),
        "email": "lotte.visser@example.org",
        "preferred_language": "nl",
        "street": "Kerkstraat",
        "house_number": "1",
        "postcode": "3511 AB",
        "city": "Utrecht",
    }


# Values that let a view go on past its first check, so the parameters it reads later are
# reached too (the walk replaces one parameter at a time and keeps these for the others).
GOOD: dict[str, Callable[[Scene], Data]] = {
    "portal:search": lambda s: {"q": "avonden"},
    "portal:newsletter_signup": lambda s: {"email": "nieuwsbrief@example.org"},
    "portal:newsletter": lambda s: {"action": "subscribe"},
    "portal:record_hold": lambda s: {"pickup_branch": str(s.branch.pk)},
    "portal:family_answer": lambda s: {"access": str(s.asking.pk), "answer": "decline"},
    "portal:family_end": lambda s: {"access": str(s.granted.pk)},
    "portal:family_request": lambda s: {"card_number": s.other.card_number, "last_name": "X"},
    "portal:correction": lambda s: {
        "first_name": "Sanne",
        "last_name": "Bakker",
        "date_of_birth": "1985-04-13",
    },
    "portal:password_reset_link": lambda s: {"u": s.reset_uid, "t": s.reset_token},
    "portal:signup": lambda s: {
        "first_name": "Noor",
        "last_name": "Dijk",
        "date_of_birth": "1990-03-14",
        "home_street": "Lindelaan",
        "home_house_number": "8",
        "home_postcode": "3521 AB",
        "home_city": "Utrecht",
        "email": "noor.dijk@example.org",
        "new_password": "een lange zin als wachtwoord",
        "new_password_again": "een lange zin als wachtwoord",
        "preferred_language": "nl",
        "home_branch": str(s.branch.pk),
    },
    "portal:statement": lambda s: {"versie": "2026-1"},
    "portal:access_log": lambda s: {"pagina": "1"},
    "portal:family_log": lambda s: {"pagina": "1"},
    "desk:members": lambda s: {"q": "Bakker"},
    "desk:member_new": _registration,
    "desk:member_edit": lambda s: {
        "form": "identity",
        "identity-first_name": "Sanne",
        "identity-last_name": "Bakker",
        "identity-date_of_birth": "1985-04-12",
        "identity-category": str(s.category.pk),
        "identity-home_branch": str(s.branch.pk),
    },
    "desk:member_notes": lambda s: {"text": "Leesloep"},
    "desk:member_note_delete": lambda s: {"note": str(s.note.pk)},
    "desk:member_guardian_end": lambda s: {"link": str(s.link.pk)},
    "desk:member_identity_checked": lambda s: {"document_type": "passport"},
    "desk:member_guardians": lambda s: {"card_number": s.other.card_number, "checked": "id"},
    "desk:member_consent_set": lambda s: {"purpose": "newsletter", "given": "1", "via": "desk"},
    "desk:statement_draft": lambda s: {"id": str(s.draft.pk)},
    "desk:statement_publish": lambda s: {"version": str(s.draft.pk)},
    "desk:inbox": lambda s: {"handled": "1"},
    "desk:inbox_handle": lambda s: {"response": str(s.response.pk)},
    "desk:legal_new": lambda s: {
        "authority": "Politie",
        "reference": "PL-1",
        "legal_basis": "art. 126nd Sv",
        "card_number": s.member.card_number,
        "categories": ["loans"],
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
    },
    "desk:legal_decide": lambda s: {"decision": "refuse", "reason": "Geen grondslag"},
    "desk:partner_new": lambda s: {
        "name": "Nieuwe partner",
        "purpose": "Lenen",
        "legal_basis": "consent",
        "agreement_kind": "processor",
        "categories": ["identity"],
    },
    "desk:member_export": lambda s: {
        "to": "partner",
        "partner": str(s.partner.pk),
        "categories": ["identity"],
    },
    "desk:login_help": lambda s: {
        "method": "questions",
        "date_of_birth": "1985-04-12",
        "postcode": "3511 AB",
        "house_number": "4",
        "delivery": "print",
    },
    "desk:branch": lambda s: {"branch": str(s.branch.pk)},
    "desk:retention": lambda s: {"rule": "messages", "days": "90"},
    "desk:correction_decide": lambda s: {"decision": "refuse", "reason": "Geen ID"},
    "desk:items": lambda s: {"q": "x"},
    "desk:payments_find": lambda s: {"card": s.member.card_number},
    "desk:member_pay": lambda s: {"method": "cash", "amount": "0,50"},
    "desk:member_charge_add": lambda s: {"kind": "damage", "amount": "1,00", "note": "Kaft"},
    "desk:charge_waive": lambda s: {"reason": "Coulance", "amount": "0,10"},
    "desk:cash_report": lambda s: {"day": "2026-12-03", "branch": str(s.branch.pk)},
    "desk:cash_report_csv": lambda s: {"day": "2026-12-03", "branch": str(s.branch.pk)},
    "desk:cash_report_pdf": lambda s: {"day": "2026-12-03", "branch": str(s.branch.pk)},
    "desk:kiosk_new": _kiosk_form,
    "desk:kiosk_edit": _kiosk_form,
    "desk:member_kiosk_pin": lambda s: {"pin": "4827", "pin_again": "4827"},
    "portal:kiosk_pin": lambda s: {"pin": "4827", "pin_again": "4827", "current_password": "x"},
    "portal:contest": lambda s: {
        "first_name": "Noor",
        "last_name": "Dijk",
        "email": "noor.dijk@example.org",
        "answer": "De Tweeling",
        "name_shown": "on",
    },
    "portal:contest_enter": lambda s: {"answer": "De Tweeling", "name_shown": "on"},
    "portal:contest_withdraw": lambda s: {"bevestig": "ja"},
    "desk:contest_new": lambda s: _contest_form(),
    "desk:contest_edit": lambda s: _contest_form(),
    "desk:contest_move": lambda s: {"action": "close"},
    "desk:panel_survey_new": lambda s: _panel_survey_form(),
    "desk:panel_survey_edit": lambda s: _panel_survey_form(),
    "desk:panel_question_add": lambda s: {"text": "Eens?", "kind": "choice", "choices": "Ja\nNee"},
    "desk:panel_survey_move": lambda s: {"action": "open"},
    "portal:panel": lambda s: {"action": "join"},
}


def _panel_survey_form() -> Data:
    return {
        "title": "Openingstijden",
        "intro": "Kort.",
        "kind": "external",
        "opens_on": "2026-12-07",
        "closes_on": "2026-12-21",
        "external_url": "https://peil.example.org/s",
    }


# Desk screens for the finance role (and administrators) only: walked by a finance login.
FINANCE_ONLY = {"desk:cash_report", "desk:cash_report_csv", "desk:cash_report_pdf"}
# Desk screens for administrators only (kiosk accounts): walked by an administrator.
ADMIN_ONLY = {"desk:kiosks", "desk:kiosk_new", "desk:kiosk_edit", "desk:kiosk_deactivate"}
ADMIN_ONLY |= {"desk:interests", "desk:interests_seed", "desk:interest_active"}
ADMIN_ONLY |= {
    "desk:interlibrary_partners",
    "desk:interlibrary_partner_new",
    "desk:interlibrary_partner_edit",
}
ADMIN_ONLY |= {
    "desk:newsletter_issues",
    "desk:newsletter_issue_new",
    "desk:newsletter_issue",
    "desk:newsletter_issue_image",
    "desk:newsletter_issue_image_remove",
    "desk:newsletter_issue_test",
    "desk:newsletter_issue_send",
    "desk:newsletter_issue_cancel",
}
# Requests after which the client is no longer logged in: log in again before the next one.
LOGS_OUT = {"portal:logout", "portal:security", "desk:logout", "portal:erasure"}


# --- recording which parameters a view reads -----------------------------------------------------


@dataclass
class Reads:
    found: list[tuple[QueryDict, str]] = field(default_factory=list)

    def keys_of(self, querydict: QueryDict) -> set[str]:
        return {key for qd, key in self.found if qd is querydict}


@contextmanager
def recording(reads: Reads) -> Iterator[None]:
    """Note every key read from any QueryDict (``request.GET``/``POST`` and forms on them)."""
    originals = {
        name: getattr(QueryDict, name) for name in ("__getitem__", "getlist", "__contains__")
    }

    def wrap(name: str) -> Callable[..., Any]:
        original = originals[name]

        def read(self: QueryDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, str):
                reads.found.append((self, key))
            return original(self, key, *args, **kwargs)

        return read

    for name in originals:
        setattr(QueryDict, name, wrap(name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


# --- the database before and after ---------------------------------------------------------------


def _tables() -> list[str]:
    existing = set(connection.introspection.table_names())
    models = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted((models & existing) - BOOKKEEPING)


def row_counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


def refused(response: Any) -> bool:
    """A status of 400 or more, an error message, or a form shown again with its errors."""
    if response.status_code >= 400:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    if any(message.level >= message_levels.ERROR for message in queued):
        return True
    contexts = response.context or []
    if not isinstance(contexts, list):
        contexts = [contexts]
    for context in contexts:
        for layer in getattr(context, "dicts", []):
            for value in layer.values() if isinstance(layer, dict) else []:
                if isinstance(value, BaseForm) and value.is_bound and value.errors:
                    return True
    return False


# --- the walk ------------------------------------------------------------------------------------


@dataclass
class Walker:
    scene: Scene
    route: Route
    user: User | None
    client: Client = field(default_factory=lambda: Client())
    tables: list[str] = field(default_factory=list)
    tried: int = 0
    failures: list[str] = field(default_factory=list)

    def _follow(self, response: Any, where: str) -> None:
        """A redirect on the same site: the page it leads to must not fail either."""
        if response.status_code not in (301, 302, 303):
            return
        location = urlsplit(response["Location"])
        if location.netloc:
            return
        followed = self.client.get(location.path + "?" + location.query)
        if followed.status_code not in self.ok_statuses:
            self.failures.append(f"{where}, then {response['Location']}: {followed.status_code}")

    def __post_init__(self) -> None:
        self.tables = [t for t in _tables() if t not in BOOKKEEPING_OF.get(self.route.name, ())]
        self.ok_statuses = OK_STATUSES_MACHINE if self.route.door in MACHINE_DOORS else OK_STATUSES
        self.token_headers: dict[str, str] = {}

    def login(self) -> None:
        self.client = Client()
        if self.user is None:
            return
        if self.route.door == "api":  # an app the member gave every scope
            if not self.token_headers:
                from tests.factories_api import api_token

                token = api_token(*API_SCOPES, user=self.user, rate_per_minute=10**6)
                self.token_headers = token.headers
            self.client = Client(headers=self.token_headers)
            return
        if hasattr(self.user, "staff_profile") or self.route.door == "desk":
            staff_login(self.client, self.user)
        else:
            self.client.force_login(self.user, backend="kaft.members.auth.MemberCardOrEmailBackend")

    def send(self, method: str, path: str, data: Data, what: str) -> tuple[set[str], set[str]]:
        """One request; fails on a server error or on a refusal that changed a table. Returns
        the keys the view read from the query string and from the form body."""
        self.tried += 1
        reads = Reads()
        before = row_counts(self.tables)
        # Query string and body both carry the data (some POST views read the query string);
        # a key nobody reads binds the forms that are bound only when data was sent.
        sent = {"zz": "1", **data}
        query = QueryDict(mutable=True)
        for key, value in sent.items():
            query.setlist(key, value if isinstance(value, list) else [value])
        url = f"{path}?{query.urlencode()}"
        where = f"{method} {url} ({what}) as {self.user or 'visitor'}"
        try:
            with transaction.atomic(), recording(reads):  # a failure leaves no half-write behind
                send = self.client.get if method == "GET" else self.client.post
                response = send(url, sent if method == "POST" else None)
            self._follow(response, where)
        except Exception as error:
            self.failures.append(f"{where} raised {_origin(error)}")
            self.login()
            return set(), set()
        if response.status_code not in self.ok_statuses:
            self.failures.append(f"{where} answered {response.status_code}")
        elif refused(response):
            after = row_counts(self.tables)
            changed = {t: (before[t], after[t]) for t in self.tables if before[t] != after[t]}
            if changed:
                self.failures.append(f"{where} was refused but changed {changed}")
        if self.route.name in LOGS_OUT:
            self.login()
        request = response.wsgi_request
        return reads.keys_of(request.GET), reads.keys_of(request.POST)

    def walk(self) -> None:
        scene, route = self.scene, self.route
        self.login()
        good_args = {arg: str(FILL[arg](scene)) for arg in route.arguments}
        good = GOOD.get(route.name, lambda s: {})(scene)
        path = route.path(good_args)
        for arg in route.arguments:
            for value in BAD_IN_PATH:
                bad_path = route.path({**good_args, arg: value})
                for method in ("GET", "POST"):
                    self.send(method, bad_path, good, f"{arg}={value!r}")
        for method in ("GET", "POST"):
            in_query, in_body = self.send(method, path, good, "good values")
            waiting = sorted(in_query | in_body)
            done: set[str] = {"zz"}
            while waiting:
                key = waiting.pop()
                if key in done:
                    continue
                done.add(key)
                values = BAD + [ENCODED[key](v) for v in BAD] if key in ENCODED else BAD
                for value in values:
                    found_query, found_body = self.send(
                        method, path, {**good, key: value}, f"{key}={value!r}"
                    )
                    waiting += sorted((found_query | found_body) - done)


def _origin(error: Exception) -> str:
    """The exception and the last line of Kaft's code it came through."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/kaft/" in f.filename]
    where = f" at {frames[-1].filename.split('/kaft/')[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def _summary(failures: list[str]) -> str:
    """Each kind of failure once, with one request that shows it and how many did."""
    kinds: dict[str, list[str]] = {}
    for failure in failures:
        where, _, problem = failure.partition(") as ")
        kinds.setdefault(problem.split(" ", 1)[-1], []).append(where + ")")
    return "\n".join(f"{len(v)}x {k}\n    e.g. {v[0]}" for k, v in kinds.items())


def _user_for(scene: Scene, route: Route, visitor: bool) -> User | None:
    if visitor:
        return None
    if route.name in FINANCE_ONLY:
        from tests.factories import StaffFactory

        return StaffFactory.create(profile__branch=scene.branch, profile__role="finance")
    if route.name in ADMIN_ONLY:
        from tests.factories import StaffFactory

        return StaffFactory.create(profile__branch=scene.branch, profile__role="administrator")
    if route.door == "desk":
        return scene.officer
    if route.door in ("portal", "api", "oauth2_provider"):
        return scene.member.user
    return None


def _cases() -> list[Any]:
    cases = []
    for route in ROUTES:
        cases.append(pytest.param(route.name, False, id=route.name))
        if route.door == "portal" and not route.route.startswith("mijn/"):
            cases.append(pytest.param(route.name, True, id=f"{route.name}[visitor]"))
    return cases


def test_every_door_is_walked() -> None:
    doors = {route.door for route in ROUTES}
    # ".well-known": the OpenID discovery document at the host root (kaft/api/oidc/discovery.py)
    assert doors == {"portal", "desk", "i18n", "api", "oauth2_provider", ".well-known"}
    unknown = {arg for route in ROUTES for arg in route.arguments} - set(FILL)
    assert unknown == set(), "teach this test (FILL) how to fill these path arguments"
    assert set(GOOD) <= set(ROUTES_BY_NAME), "GOOD names a URL that no longer exists"


@pytest.mark.parametrize(("name", "visitor"), _cases())
def test_no_request_gets_a_server_error(scene: Scene, name: str, visitor: bool) -> None:
    route = ROUTES_BY_NAME[name]
    walker = Walker(scene, route, _user_for(scene, route, visitor))
    walker.walk()
    assert walker.tried > 0
    assert walker.failures == [], _summary(walker.failures)


# --- the admin: Django's own, but its object ids come from the address bar too ------------------


def _admin_urls() -> list[str]:
    from django.contrib import admin

    urls = []
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for value in [*BAD_IN_PATH, "١٢", "abc", "a%00b"]:
            urls += [f"{base}{value}/change/", f"{base}{value}/history/", f"{base}{value}/delete/"]
        urls += [f"{base}?p={value}" for value in ("99999999999999999999999", "²", "-1")]
        urls += [f"{base}?id__exact={value}" for value in ("99999999999999999999999", "²")]
    return urls


@pytest.mark.django_db
def test_the_admin_answers_bad_ids_without_a_server_error(admin_client: Client) -> None:
    failures = []
    for url in _admin_urls():
        try:
            status = admin_client.get(url).status_code
        except Exception as error:
            failures.append(f"GET {url} raised {_origin(error)}")
            continue
        if status not in OK_STATUSES:
            failures.append(f"GET {url} answered {status}")
    assert failures == []


# --- the cases the audit found: each answers clearly, and nothing changes ------------------------


def _messages(response: Any) -> list[str]:
    storage = getattr(response.wsgi_request, "_messages", None)
    return [str(message) for message in getattr(storage, "_queued_messages", [])]


def _state() -> dict[str, int]:
    return row_counts(_tables())


KNOWN: list[tuple[str, str, Callable[[Scene], Data], int, str]] = [
    # (route, method, data, status, what the answer says)
    (
        "desk:member_note_delete",
        "POST",
        lambda s: {"note": "²"},
        302,
        "This note no longer exists.",
    ),
    ("desk:member_guardian_end", "POST", lambda s: {"link": "①"}, 302, "already ended"),
    ("desk:statement_publish", "POST", lambda s: {"version": "١"}, 302, "Choose a version"),
    ("desk:inbox_handle", "POST", lambda s: {"response": "²"}, 302, "Choose a response."),
    ("desk:statement_draft", "GET", lambda s: {"id": "²"}, 404, ""),
    ("desk:inbox", "GET", lambda s: {"handled": "①"}, 200, ""),
    ("portal:family_answer", "POST", lambda s: {"access": "²", "answer": "accept"}, 404, ""),
    ("portal:family_end", "POST", lambda s: {"access": "١٢"}, 404, ""),
    (
        "portal:record_hold",
        "POST",
        lambda s: {"pickup_branch": str(s.branch.pk), "for_member": "²"},
        404,
        "",
    ),
    ("portal:search", "GET", lambda s: {"q": "avonden", "branch": "²"}, 200, ""),
    ("portal:search", "GET", lambda s: {"q": "avonden", "page": "9" * 23}, 200, ""),
    ("portal:access_log", "GET", lambda s: {"pagina": "9" * 23}, 200, ""),
]


@pytest.mark.parametrize(
    ("name", "method", "data", "status", "says"),
    KNOWN,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(KNOWN)],
)
def test_the_cases_the_audit_found_answer_clearly(
    scene: Scene, name: str, method: str, data: Callable[[Scene], Data], status: int, says: str
) -> None:
    route = ROUTES_BY_NAME[name]
    walker = Walker(scene, route, _user_for(scene, route, visitor=False))
    walker.login()
    path = route.path({arg: str(FILL[arg](scene)) for arg in route.arguments})
    walker.client.cookies["django_language"] = "en"
    before = _state()

    send = walker.client.get if method == "GET" else walker.client.post
    response = send(path, data(scene))

    assert response.status_code == status
    if says:
        assert any(says in message for message in _messages(response)), _messages(response)
    after = _state()
    assert {t: (before[t], after[t]) for t in before if before[t] != after[t]} == {}


def test_a_reset_link_for_a_user_id_in_other_digits_is_no_longer_valid(scene: Scene) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    wrong = urlsafe_base64_encode("²".encode())

    first = client.get("/wachtwoord/nieuw/", {"u": wrong, "t": scene.reset_token})
    response = client.get(first["Location"])

    assert response.status_code == 400
    assert b"This link is no longer valid" in response.content


def test_a_search_page_past_the_last_is_the_last_page(scene: Scene) -> None:
    response = Client().get("/zoeken/", {"q": "avonden", "page": "9" * 23})

    assert response.status_code == 200
    assert response.context["result"].page == response.context["pages"] == 1


def test_an_onward_address_that_is_no_path_goes_home(scene: Scene) -> None:
    response = Client().post("/cookies/keuze/", {"next": "abc", "choice": "declined"})

    assert response.status_code == 302
    assert response["Location"] == "/"
