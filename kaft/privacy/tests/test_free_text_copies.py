"""Free text keeps the retention rule of the table it was typed into, wherever it is copied.

Every free-text field of the register gets a unique text through the services that write it;
then the flows that copy data run (unblocking, deciding requests, a police request approved for
every category). Afterwards each text is looked for in every text and JSON column of every
table: a copy in a table whose rule may keep it longer than its source's rule fails, unless the
register lists that copy in ``KEPT_COPIES`` with a reason (``kaft/privacy/registry/copies.py``).
A new free-text field that this test does not fill fails it too.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from kaft.billing.models import ChargeKind
from kaft.billing.services.charges import charge_create, charge_waive
from kaft.interlibrary.models import LibraryPartner
from kaft.interlibrary.services.requesting import request_raise
from kaft.members.models import (
    FamilyAction,
    GuardianCheck,
    Member,
    MemberEvent,
    StaffRole,
    User,
)
from kaft.members.services.family import family_event_record, guardian_link
from kaft.members.services.identity import identity_change_refuse, identity_change_request
from kaft.members.services.member import member_block, member_unblock
from kaft.members.services.notes import note_add
from kaft.privacy import registry
from kaft.privacy.models import DataCategory
from kaft.privacy.registry.copies import KEPT_COPIES, may_hold_copy
from kaft.privacy.services.disclosure import disclosure_record
from kaft.privacy.services.legal import legal_request_decide, legal_request_register
from kaft.privacy.services.statement import statement_respond
from tests.factories import BranchFactory, StaffFactory
from tests.factories_consent import make_member, make_version
from tests.factories_family import active_access
from tests.factories_transparency import officer

pytestmark = pytest.mark.django_db

# Free text typed by a person, per registered field: the unique text this test writes into it.
SOURCES: dict[tuple[str, str], str] = {
    ("members.Member", "block_reason"): "KOPIE-blokkade-7241",
    ("members.IdentityChangeRequest", "reason"): "KOPIE-weigering-5830",
    ("members.GuardianLink", "check_note"): "KOPIE-voogd-6612",
    ("members.MemberNote", "text"): "KOPIE-aantekening-9173",
    ("members.FamilyAccessEvent", "detail"): "KOPIE-gezin-3358",
    ("privacy.StatementResponse", "message"): "KOPIE-reactie-4409",
    ("privacy.Disclosure", "recipient"): "KOPIE-ontvanger-2287",
    ("privacy.Disclosure", "purpose"): "KOPIE-doel-1904",
    ("privacy.LegalRequest", "authority"): "KOPIE-instantie-8815",
    ("privacy.LegalRequest", "reference"): "KOPIE-kenmerk-7730",
    ("privacy.LegalRequest", "decision_reason"): "KOPIE-besluit-6056",
    ("billing.Charge", "note"): "KOPIE-kostennotitie-5127",
    ("billing.ChargeEvent", "reason"): "KOPIE-kwijtschelding-8364",
    ("interlibrary.InterlibraryRequest", "description"): "KOPIE-omschrijving-4471",
    ("outreach.Entry", "answer"): "KOPIE-antwoord-6190",
}
# Text fields of the register that hold no free text, or that Kaft composes itself.
COMPOSED: dict[tuple[str, str], str] = {
    ("members.MemberEvent", "note"): "composed by the member services: what a change was",
    ("notices.Notice", "subject"): "rendered from Kaft's message templates",
    ("notices.Notice", "body"): "rendered from Kaft's message templates",
    ("notices.Notice", "recipient"): "the member's e-mail address",
    ("notices.DeliveryAttempt", "error"): "the mail server's answer",
    ("privacy.LegalRequest", "produced"): "the data produced for the request",
    ("admin.LogEntry", "change_message"): "written by Django's admin",
    ("admin.LogEntry", "object_repr"): "written by Django's admin",
    ("axes.AccessAttempt", "get_data"): "the request as django-axes saw it",
    ("axes.AccessAttempt", "post_data"): "the request as django-axes saw it",
    ("axes.AccessLog", "http_accept"): "the formats the browser accepts, as it sent them",
    ("axes.AccessLog", "path_info"): "the path of Kaft's own login page",
    ("sessions.Session", "session_data"): "signed session data",
    ("members.Member", "date_of_birth"): "an encrypted date, not text",
    ("members.IdentityChangeRequest", "date_of_birth"): "an encrypted date, not text",
    ("privacy.Disclosure", "categories"): "a list of category codes",
    ("privacy.LegalRequest", "categories"): "a list of category codes",
    (
        "privacy.PartnerSignIn",
        "claims",
    ): "a list of claim codes from Kaft's own list (PartnerClaim)",
    ("billing.Mandate", "iban"): "an encrypted IBAN, checked with schwifty: not free text",
    ("billing.MandateEvent", "reason"): "composed by billing: a bank's reason code in words",
    ("billing.SepaRun", "stored_as"): "the storage path Kaft chose for the file",
    ("billing.SepaReturnFile", "source"): "the name of the bank's file as uploaded",
    ("interlibrary.InterlibraryRequest", "title"): "bibliographic data of the book asked for",
    ("interlibrary.InterlibraryRequest", "author"): "bibliographic data of the book asked for",
    ("interlibrary.InterlibraryRequest", "note"): "the partner library's note on the request",
    ("interlibrary.InterlibraryEvent", "note"): "the partner library's note on a step",
    ("interlibrary.OutgoingMessage", "body"): (
        "the ISO 18626 message Kaft built; emptied once the partner took it"
    ),
    **{
        ("oauth2_provider." + table, "scope"): "scope codes from Kaft's own list (OAUTH2_PROVIDER)"
        for table in ("AccessToken", "DeviceGrant", "Grant", "IDToken")
    },
    **{
        ("oauth2_provider." + table, "resource"): "the API address a registered app asked for"
        for table in ("AccessToken", "Grant", "RefreshToken")
    },
    ("oauth2_provider.Grant", "redirect_uri"): "one of the app's registered redirect addresses",
    **{
        (table, column): "typed into the login form; every axes table has the same rule"
        for table in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")
        for column in ("username", "user_agent")
    },
}


def _looks_free_text(field: models.Field) -> bool:  # type: ignore[type-arg]
    """A text column long enough to hold a sentence (names, codes and addresses are shorter)."""
    if field.choices or isinstance(field, models.EmailField | models.URLField | models.SlugField):
        return False
    if isinstance(field, models.TextField | models.JSONField):
        return True
    return isinstance(field, models.CharField) and (field.max_length or 0) >= 200


def test_every_free_text_field_of_the_register_is_written_by_this_test_or_composed() -> None:
    found = set()
    for entry in registry.entries():
        model = entry.model_class
        for name in entry.fields:
            field = model._meta.get_field(name)
            if field.concrete and _looks_free_text(field):  # type: ignore[arg-type]
                found.add((entry.model, name))
    unknown = sorted(found - set(SOURCES) - set(COMPOSED))
    assert unknown == [], (
        f"{unknown}: add these to SOURCES (with a flow below) or to COMPOSED (with why)"
    )


def _text_columns() -> Iterator[tuple[type[models.Model], list[str]]]:
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if names:
            yield model, names


def _where(text: str) -> set[tuple[str, str]]:
    """Every (table, column) holding ``text``, in any table of the project."""
    hits = set()
    for model, names in _text_columns():
        for row in model._default_manager.values_list(*names):
            for name, value in zip(names, row, strict=True):
                if value is None:
                    continue
                shown = (
                    value
                    if isinstance(value, str)
                    else json.dumps(value, ensure_ascii=False, default=str)
                )
                if text in shown:
                    hits.add((model._meta.label, name))
    return hits


def _contest_answer(member: Member, answer: str) -> None:
    """The member's answer in a contest, entered from MijnBibliotheek."""
    from kaft.outreach.models import ContestField, EntryChannel
    from kaft.outreach.services.contests_entries import entry_create
    from tests.factories_contests import a_campaign

    entry_create(
        campaign=a_campaign(fields=(ContestField.EMAIL, ContestField.ANSWER), shown="not_shown"),
        channel=EntryChannel.PORTAL,
        member=member,
        email=member.email or "kind@example.org",
        answer=answer,
    )


def _write_every_free_text(child: Member, parent: Member, staff: User) -> None:
    """Each source gets its text through the service a person uses to type it, and the flows
    that copy data run afterwards."""
    text = SOURCES
    _contest_answer(child, text["outreach.Entry", "answer"])
    member_block(member=child, reason=text["members.Member", "block_reason"], staff=staff)
    member_unblock(member=child, staff=staff)  # the history keeps what the block said
    request = identity_change_request(
        member=child,
        first_name=child.first_name,
        name_prefix=child.name_prefix,
        last_name="Anders",
        date_of_birth=child.date_of_birth,  # type: ignore[arg-type]
    )
    identity_change_refuse(
        request=request, reason=text["members.IdentityChangeRequest", "reason"], staff=staff
    )
    guardian_link(
        child=child,
        guardian=parent,
        checked=GuardianCheck.OTHER,
        note=text["members.GuardianLink", "check_note"],
        staff=staff,
    )
    note_add(member=child, text=text["members.MemberNote", "text"], expires_on=None, staff=staff)
    active_access(child, parent)
    family_event_record(
        grantee=parent,
        owner=child,
        action=FamilyAction.RENEWED,
        detail=text["members.FamilyAccessEvent", "detail"],
    )
    charge = charge_create(
        member=child,
        kind=ChargeKind.DAMAGE,
        amount=Decimal("4.00"),
        note=text["billing.Charge", "note"],
        staff=staff,
    )
    charge_waive(
        charge=charge,
        staff=StaffFactory.create(profile__role=StaffRole.FINANCE),
        reason=text["billing.ChargeEvent", "reason"],
    )
    version = make_version("2026-7", published=timezone.now())
    statement_respond(
        member=child, version=version, message=text["privacy.StatementResponse", "message"]
    )
    disclosure_record(
        member=child,
        categories=[DataCategory.IDENTITY],
        recipient=text["privacy.Disclosure", "recipient"],
        purpose=text["privacy.Disclosure", "purpose"],
        legal_basis="legal_obligation",
        staff=staff,
    )
    registrar, approver = officer(username="fg-a"), officer(username="fg-b")
    today = timezone.localdate()
    legal = legal_request_register(
        authority=text["privacy.LegalRequest", "authority"],
        reference=text["privacy.LegalRequest", "reference"],
        legal_basis="art. 126nd Sv",
        member=child,
        categories=[c.value for c in DataCategory],
        period_start=today - dt.timedelta(days=7),
        period_end=today,
        non_disclosure_until=None,
        staff=registrar,
    )
    ill_partner = LibraryPartner.objects.create(
        name="Bibliotheek Elders", isil="NL-Elders", endpoint_url="http://elders.test/iso18626"
    )
    request_raise(
        branch=BranchFactory.create(isil="NL-Hier"),
        member=child,
        staff=staff,
        description=text["interlibrary.InterlibraryRequest", "description"],
        partner=ill_partner,
    )
    legal_request_decide(
        request=legal,
        staff=approver,
        approve=True,
        reason=text["privacy.LegalRequest", "decision_reason"],
    )


def test_no_free_text_outlives_its_source_through_a_copy() -> None:
    child = make_member(age=12, first_name="Noor")
    parent = make_member(age=41, first_name="Ilse")
    staff = StaffFactory.create()
    _write_every_free_text(child, parent, staff)

    problems = []
    for (source, column), text in SOURCES.items():
        hits = _where(text)
        assert hits, f"{source}.{column} did not get its text"  # (unblocking empties its source)
        source_rule = registry.entry_for(apps.get_model(source))
        assert source_rule is not None
        for label, name in sorted(hits - {(source, column)}):
            if (label, name) in KEPT_COPIES:
                continue
            entry = registry.entry_for(apps.get_model(label))
            if entry is None:
                problems.append(f"{source}.{column} copied into unregistered {label}.{name}")
            elif not may_hold_copy(source=source_rule.rule, copy=entry.rule):
                problems.append(
                    f"{source}.{column} ({source_rule.rule}) copied into {label}.{name} "
                    f"({entry.rule})"
                )
    assert problems == []


def test_a_refused_corrections_reason_stays_on_the_request_only() -> None:
    member = make_member(age=40)
    staff = StaffFactory.create()
    request = identity_change_request(
        member=member,
        first_name=member.first_name,
        name_prefix="",
        last_name="Anders",
        date_of_birth=member.date_of_birth,  # type: ignore[arg-type]
    )

    identity_change_refuse(request=request, reason="Geen geldig paspoort", staff=staff)

    request.refresh_from_db()
    assert request.reason == "Geen geldig paspoort"
    refused = MemberEvent.objects.get(member=member, action="identity_refused")
    assert (refused.staff_id, refused.note) == (staff.pk, "")
    assert _where("Geen geldig paspoort") == {("members.IdentityChangeRequest", "reason")}


@pytest.mark.parametrize(
    ("source", "copy", "allowed"),
    [
        ("closed_requests", "closed_requests", True),
        ("closed_requests", "with_member", False),  # the refused correction's reason
        ("ended_membership", "with_member", True),  # both last as long as the account
        ("with_member", "closed_requests", True),
        ("notes", "messages", False),  # a note may expire tomorrow
        ("closed_requests", "messages", False),  # 30 days may be copied into 365
        ("messages", "sessions", True),
    ],
)
def test_a_copy_may_only_go_where_it_cannot_outlive_its_source(
    source: str, copy: str, allowed: bool
) -> None:
    assert may_hold_copy(source=source, copy=copy) is allowed


def test_the_migration_empties_what_earlier_versions_copied_into_the_history() -> None:
    migration = importlib.import_module("kaft.members.migrations.0009_history_keeps_no_copies")
    member = make_member(age=40)
    now = timezone.now()
    copied = MemberEvent.objects.create(
        member=member, action="identity_refused", at=now, note="Geen geldig paspoort"
    )
    helped = MemberEvent.objects.create(
        member=member, action="login_help", at=now, note="questions: failed"
    )
    blocked = MemberEvent.objects.create(member=member, action="blocked", at=now, note="Boete")

    migration.drop_copied_reasons(apps, None)

    for event in (copied, helped, blocked):
        event.refresh_from_db()
    assert (copied.note, helped.note, blocked.note) == ("", "", "Boete")
