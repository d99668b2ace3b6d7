"""A member whose data has gone through every flow that copies or derives member data into stored
rows, with a second member and staff in every relation, for the tests that look for copies: no
clear copy of an encrypted value (tests/test_no_clear_copies.py) and no other person in the data
handed to police or justice (kaft/privacy/tests/test_legal_parties.py).

Everything goes through the services (and, where the flow has a door of its own, through the
portal and the desk), with the callbacks after commit run, so messages are sent and logged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, models
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.catalog.models import Branch, Item, Record
from kaft.circulation.models import Hold
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout, loan_renew
from kaft.members.models import (
    FamilyAction,
    GuardianCheck,
    IdentityCheck,
    IdentityCheckMethod,
    Member,
    MemberCategory,
    User,
)
from kaft.members.services.family import (
    family_access_accept,
    family_access_end,
    family_access_request,
    family_event_record,
    guardian_link,
)
from kaft.members.services.member import (
    AddressInput,
    member_block,
    member_register,
    member_unblock,
    member_update_contact,
)
from kaft.members.services.notes import note_add
from kaft.notices.services.outbox import notice_queue_due_soon
from kaft.privacy.models import (
    ConsentPurpose,
    ConsentVia,
    DataCategory,
    LegalBasis,
    LegalRequest,
    Partner,
    StatementVersion,
)
from kaft.privacy.services.consent import consent_set
from kaft.privacy.services.disclosure import disclosure_record
from kaft.privacy.services.export import member_export_zip
from kaft.privacy.services.statement import statement_respond
from tests.factories import (
    BranchFactory,
    ItemFactory,
    LoanRuleFactory,
    MemberCategoryFactory,
    RecordFactory,
    StaffFactory,
)
from tests.factories_desk import staff_login
from tests.factories_transparency import PartnerFactory, officer


@dataclass
class World:
    branch: Branch
    subject: Member
    other: Member  # the second member: family access both ways, guardian or child
    staff: User
    officer: User
    legal: LegalRequest


def _address(street: str) -> AddressInput:
    return AddressInput(street=street, house_number="4", postcode="3511AB", city="Utrecht")


def register(
    *,
    first_name: str,
    last_name: str,
    born: dt.date,
    email: str,
    card: str,
    phone: str,
    branch: Branch,
    category: MemberCategory,
    staff: User,
) -> Member:
    return member_register(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=born,
        email=email,
        phone=phone,
        category=category,
        home_branch=branch,
        home_address=_address("Lindelaan"),
        card_number=card,
        password="een lang genoeg wachtwoord 42",
        staff=staff,
    )


def years_before(day: dt.date, years: int) -> dt.date:
    if (day.month, day.day) == (2, 29):
        day = day.replace(day=28)
    return day.replace(year=day.year - years)


def build_world(
    *,
    subject_born: dt.date,
    other_born: dt.date,
    corrected_born: dt.date,
    capture: Any,
    subject_is_child: bool = False,
) -> World:
    """The subject (Sanne Bakker) and the other member (Joris Smitsma), through every flow.

    ``subject_is_child``: the other member is the subject's parent (guardian, consents for
    her); otherwise the subject is the other member's parent. Family access runs both ways
    either way; staff (Anna Verhoeven) handle loans, notes, blocks, checks and corrections.
    ``capture``: pytest-django's ``django_capture_on_commit_callbacks``.
    """
    branch = cast(Branch, BranchFactory(code="centrum", name="Centrale Bibliotheek"))
    category = cast(MemberCategory, MemberCategoryFactory(code="all", name="Iedereen"))
    LoanRuleFactory()
    staff = cast(
        User,
        StaffFactory(
            username="balie-anna",
            first_name="Anna",
            last_name="Verhoeven",
            email="anna.verhoeven@bieb.example",
            profile__branch=branch,
            profile__display_name="Anna Verhoeven",
        ),
    )
    registrar = officer(branch, username="fg-fatima", name="Fatima Officier")
    approver = officer(branch, username="fg-joost", name="Joost Officier")
    with capture(execute=True):
        subject = register(
            first_name="Sanne",
            last_name="Bakker",
            born=subject_born,
            email="sanne.bakker@example.org",
            card="21000000000771",
            phone="0612345678",
            branch=branch,
            category=category,
            staff=staff,
        )
        other = register(
            first_name="Joris",
            last_name="Smitsma",
            born=other_born,
            email="joris.smitsma@example.org",
            card="21000000000882",
            phone="0687654321",
            branch=branch,
            category=category,
            staff=staff,
        )
        member_update_contact(
            member=subject,
            email="sanne.bakker@example.org",
            phone="0611111111",
            home_address=_address("Kastanjelaan"),
            staff=staff,
        )
        # --- parent or guardian, and a consent given by the parent
        child, parent = (subject, other) if subject_is_child else (other, subject)
        guardian_link(
            child=child,
            guardian=parent,
            checked=GuardianCheck.BIRTH_CERTIFICATE,
            note="Uittreksel gezien",
            staff=staff,
        )
        consent_set(
            member=child,
            purpose=ConsentPurpose.NEWSLETTER,
            given=True,
            via=ConsentVia.GUARDIAN,
            guardian=parent,
            staff=staff,
        )
        if not subject_is_child:
            consent_set(
                member=subject,
                purpose=ConsentPurpose.PARTNER_SERVICES,
                given=True,
                via=ConsentVia.PORTAL,
            )
        # --- family access both ways; the other member acts on the subject's account and ends it
        asked = family_access_request(
            grantee=other, card_number=subject.card_number, last_name="Bakker"
        )
        family_access_accept(owner=subject, access=asked)
        back = family_access_request(
            grantee=subject, card_number=other.card_number, last_name="Smitsma"
        )
        family_access_accept(owner=other, access=back)
        # --- loans and reservations, handled by staff and by the other member
        item = cast(Item, ItemFactory(home_branch=branch, record__title="De avonden"))
        loan = loan_checkout(item=item, member=subject, staff=staff, branch=branch)
        loan_renew(loan=loan, staff=None, via="portal")
        family_event_record(
            grantee=other, owner=subject, action=FamilyAction.RENEWED, detail="De avonden"
        )
        notice_queue_due_soon(loan=loan, days=3)
        loan_checkin(item=item, branch=branch, staff=staff)
        wanted = cast(Record, RecordFactory(title="Max Havelaar"))
        copy = cast(Item, ItemFactory(home_branch=branch, record=wanted))
        loan_checkout(item=copy, member=other, staff=staff, branch=branch)
        hold: Hold = hold_place(record=wanted, member=subject, pickup_branch=branch, staff=None)
        family_event_record(
            grantee=other, owner=subject, action=FamilyAction.RESERVED, detail=wanted.title
        )
        loan_checkin(item=copy, branch=branch, staff=staff)  # the hold is ready: a message
        assert hold.pk
        family_access_end(member=other, access=asked)
        family_access_end(member=subject, access=back)
        # --- staff notes (naming the other member and a colleague), a block, a lost login
        note_add(
            member=subject,
            text="Joris Smitsma belde namens Sanne; Anna Verhoeven heeft het opgelost.",
            expires_on=None,
            staff=staff,
        )
        member_block(member=subject, reason="Pas kwijt volgens Joris", staff=staff)
        member_unblock(member=subject, staff=staff)
        # --- the privacy statement: a response
        version = StatementVersion.objects.get(version="1")
        statement_respond(member=subject, version=version, message="Duidelijk, dank u.")
        # --- a disclosure to a partner
        partner = cast(
            Partner,
            PartnerFactory(
                legal_basis=LegalBasis.CONTRACT,
                categories=[DataCategory.IDENTITY.value, DataCategory.MEMBERSHIP.value],
            ),
        )
        disclosure_record(
            member=subject,
            partner=partner,
            categories=[DataCategory.IDENTITY, DataCategory.MEMBERSHIP],
            staff=staff,
        )
    # --- a correction of the date of birth: asked in MijnBibliotheek, refused, asked again,
    # approved at the desk
    portal = Client()
    login = User.objects.get(
        pk=cast(int, subject.user_id)
    )  # fresh: the block ended earlier sessions
    portal.force_login(login, backend="kaft.members.auth.MemberCardOrEmailBackend")
    desk = staff_login(Client(), staff)
    correction = {
        "first_name": "Sanne",
        "name_prefix": "",
        "last_name": "Bakker",
        "date_of_birth": corrected_born.isoformat(),
    }
    with capture(execute=True):
        # a lost login: control questions at the desk, first wrong, then right; code by e-mail
        help_page = reverse("desk:login_help", args=[subject.pk])
        for born in (corrected_born, subject_born):
            answered = desk.post(
                help_page,
                {
                    "method": IdentityCheckMethod.QUESTIONS.value,
                    "date_of_birth": born.isoformat(),
                    "postcode": "3511 AB",
                    "house_number": "4",
                    "delivery": "email",
                },
            )
            assert answered.status_code in (200, 302, 400)
        assert IdentityCheck.objects.filter(member=subject, passed=True).count() == 1
        here = reverse("portal:correction")
        assert portal.post(here, correction)["Location"] == here
        assert portal.post(reverse("portal:correction_withdraw"))["Location"] == here
        assert portal.post(here, correction)["Location"] == here
        refused = desk.post(
            reverse("desk:correction_decide", args=[subject.pk]),
            {"decision": "refuse", "reason": "Het ID-bewijs was verlopen."},
        )
        assert refused.status_code == 302
        assert portal.post(here, correction)["Location"] == here
        approved = desk.post(
            reverse("desk:correction_decide", args=[subject.pk]),
            {"decision": "approve", "document_seen": "passport"},
        )
        assert approved.status_code == 302
        subject.refresh_from_db()
        assert subject.date_of_birth == corrected_born
        assert desk.get(reverse("desk:member_detail", args=[subject.pk])).status_code == 200
        assert portal.get(reverse("portal:data_download")).status_code == 200
        member_export_zip(subject)
    # --- a request from police or justice about the subject, every category, over the period
    first = staff_login(Client(), registrar)
    second = staff_login(Client(), approver)
    today = timezone.localdate()
    with capture(execute=True):
        registered = first.post(
            reverse("desk:legal_new"),
            {
                "authority": "Politie Midden-Nederland",
                "reference": "PL0900-2026-777",
                "legal_basis": "art. 126nd Sv",
                "card_number": subject.card_number,
                "categories": list(DataCategory.values),
                "period_start": (today - dt.timedelta(days=30)).isoformat(),
                "period_end": (today + dt.timedelta(days=1)).isoformat(),
                "non_disclosure_until": "",
            },
        )
        assert registered.status_code == 302, registered.content.decode()[:2000]
        legal = LegalRequest.objects.get(reference="PL0900-2026-777")
        decided = second.post(
            reverse("desk:legal_decide", args=[legal.pk]),
            {"decision": "approve", "reason": "Vordering is rechtsgeldig"},
        )
        assert decided.status_code == 302
    legal.refresh_from_db()
    assert legal.produced is not None
    # the adult of the two pays by direct debit (a child cannot give the permission)
    payer, payer_portal = (other, None) if subject_is_child else (subject, portal)
    _direct_debit(payer, staff, desk, payer_portal, capture)
    return World(
        branch=branch,
        subject=subject,
        other=other,
        staff=staff,
        officer=approver,
        legal=legal,
    )


def _direct_debit(
    subject: Member, staff: User, desk: Client, portal: Client | None, capture: Any
) -> None:
    """The member signs a mandate on paper at the desk (the IBAN is encrypted at rest), is
    renewed, announced (the pre-notification), collected in a run, the debit comes back and the
    member is told; then withdraws the permission in MijnBibliotheek and exports their data."""
    import tempfile

    from kaft.billing.models import SepaCollection
    from kaft.billing.services.fees import membership_renew
    from kaft.members.models import StaffRole
    from tests.factories_security import staff_with_role
    from tests.factories_sepa import creditor, files_storage_in, pain_002

    finance = staff_login(Client(), staff_with_role(StaffRole.FINANCE, username="fin-copies"))
    day = timezone.localdate() + dt.timedelta(days=20)
    with (
        capture(execute=True),
        creditor(),
        tempfile.TemporaryDirectory() as folder,
        files_storage_in(folder),
    ):
        signed = desk.post(
            reverse("desk:member_mandate", args=[subject.pk]),
            {"iban": "NL91 ABNA 0417 1643 00", "signed_on": "2026-12-01", "confirmed": "on"},
        )
        assert signed.status_code == 302
        membership_renew(member=subject, staff=staff)
        finance.post(reverse("desk:sepa_announce"), {"announce-collection_date": day.isoformat()})
        finance.post(reverse("desk:sepa_run"), {"run-collection_date": day.isoformat()})
        e2e = SepaCollection.objects.get(member=subject).end_to_end_id
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("psr.xml", pain_002([e2e], code="AM04", message_id="PSR-C"))
        assert (
            finance.post(reverse("desk:sepa_returns"), {"returns-file": upload}).status_code == 302
        )
        assert desk.get(reverse("desk:member_mandate", args=[subject.pk])).status_code == 200
        # ... and pays what came back at the desk
        from kaft.billing.models import PaymentMethod
        from kaft.billing.selectors.charges import member_owed
        from kaft.billing.services.payments import payment_take

        payment_take(
            member=subject, amount=member_owed(subject), method=PaymentMethod.PIN, staff=staff
        )
        if portal is not None:
            assert portal.get(reverse("portal:mandate")).status_code == 200
            assert portal.post(reverse("portal:mandate_withdraw")).status_code == 302
        member_export_zip(subject)


# --- looking for copies -----------------------------------------------------------------------

DUTCH_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def date_forms(day: dt.date) -> list[str]:
    """The ways a date is written: ISO, Dutch dd-mm-jjjj and d-m-jjjj (also with / and .),
    compact, and in words in Dutch and English."""
    d, m, y = day.day, day.month, day.year
    forms = {day.isoformat(), f"{y}{m:02d}{d:02d}", f"{d:02d}{m:02d}{y}"}
    for sep in "-/.":
        forms |= {f"{d:02d}{sep}{m:02d}{sep}{y}", f"{d}{sep}{m}{sep}{y}"}
    forms |= {
        f"{d} {DUTCH_MONTHS[m - 1]} {y}",
        f"{d} {ENGLISH_MONTHS[m - 1]} {y}",
        f"{ENGLISH_MONTHS[m - 1]} {d}, {y}",
    }
    return sorted(forms)


def encrypted_values() -> list[str]:
    """Every value stored in an encrypted column today, in every way of writing it: whatever
    field is encrypted (a date of birth now, bank details later), its clear value is looked for."""
    from kaft.core.crypto import encrypted_fields

    found: set[str] = set()
    for model, name in encrypted_fields():
        for value in model._base_manager.values_list(name, flat=True):
            if isinstance(value, dt.date):
                found.update(date_forms(value))
            elif value is not None and len(str(value)) >= 4:
                found.add(str(value))
    return sorted(found)


def _text_columns() -> Iterator[tuple[type[models.Model], models.Field[Any, Any]]]:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                yield model, field


def stored_texts() -> Iterator[tuple[str, Any, str]]:
    """Every value of every text, char and JSON column of every table, as stored (an encrypted
    column as its token; a session decoded): (table.column, pk, text)."""
    for model, field in _text_columns():
        rows = (
            model._base_manager.filter(**{f"{field.name}__isnull": False})
            .annotate(_raw=Cast(field.name, output_field=models.TextField()))
            .values_list("pk", "_raw")
        )
        for pk, raw in rows:
            if raw is None:
                continue
            text = str(raw)
            if model._meta.label == "sessions.Session" and field.name == "session_data":
                text = str(SessionStore().decode(text))
            yield f"{model._meta.db_table}.{field.column}", pk, text
    yield from _unmodelled_texts()


def _unmodelled_texts() -> Iterator[tuple[str, Any, str]]:
    """Tables without a model (a database cache, anything a library keeps by itself): every
    column, as text."""
    modelled = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            if table in modelled or table in ("django_migrations", "sqlite_sequence"):
                continue
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            for column in columns:
                name, quoted = connection.ops.quote_name(column), connection.ops.quote_name(table)
                cursor.execute(f"SELECT CAST({name} AS TEXT) FROM {quoted}")  # noqa: S608
                for (raw,) in cursor.fetchall():
                    if raw is not None:
                        yield f"{table}.{column}", None, str(raw)


def clear_copies(needles: list[str]) -> list[tuple[str, Any, str]]:
    """Where any of ``needles`` is stored (case-insensitive, as a whole number)."""
    pattern = re.compile(
        r"(?<![0-9])(?:" + "|".join(re.escape(n) for n in needles) + r")(?![0-9])", re.IGNORECASE
    )
    found = []
    for column, pk, text in stored_texts():
        for match in pattern.finditer(text):
            start = max(match.start() - 40, 0)
            found.append((column, pk, text[start : match.end() + 40]))
    return found
