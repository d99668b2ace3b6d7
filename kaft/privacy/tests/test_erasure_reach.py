"""Erasure reaches everything of the member, and only that: login records under every name the
member had, no cascade into other members' histories, nothing in the outbox that leads back,
no other member's name in stored messages, and a goodbye that says why."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from kaft.members.models import (
    FamilyAccessEvent,
    FamilyAccessStatus,
    FamilyAction,
    GuardianCheck,
    Member,
    MessageType,
    User,
)
from kaft.members.services.account import email_change_confirm, email_change_request
from kaft.members.services.family import family_access_request, family_event_record, guardian_link
from kaft.members.services.member import member_update_contact
from kaft.notices.models import DeliveryAttempt, Notice, NoticeStatus
from kaft.privacy.models import ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.registry import REGISTRY, Erasure
from kaft.privacy.services.erasure import member_erase
from kaft.privacy.services.retention import retention_apply
from tests.factories import PASSWORD
from tests.factories_family import active_access, born_years_ago
from tests.factories_rights import make_member, make_staff
from tests.smtp import SmtpSink, use_smtp

pytestmark = pytest.mark.django_db

COMMON = {"ip_address": "192.0.2.7", "user_agent": "Firefox", "http_accept": "*/*"}


# --- login records ----------------------------------------------------------------------------


def _attempt(username: str, **extra: Any) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=username, get_data="", post_data="", failures_since_start=1, **COMMON, **extra
    )


def _change_address_by_link(member: Member, new_email: str) -> None:
    """The member's own way: ask with the current password, then follow the link."""
    tokens: list[str] = []

    def link_for(token: str) -> str:
        tokens.append(token)
        return f"https://bibliotheek.example.nl/e-mail/{token}/"

    email_change_request(
        member=member, current_password=PASSWORD, new_email=new_email, link_for=link_for
    )
    email_change_confirm(token=tokens[-1])


def test_login_records_under_every_name_the_member_had_go() -> None:
    # given a member who changed her address, and login records under every form of her names
    member = make_member(card_number="21000000000123", email="eva.jansen@example.org")
    _change_address_by_link(member, "Eva.Nieuw@Example.org")
    other = make_member(card_number="21000000000456", email="ander@example.org")
    mine = [
        f"member-{member.pk}",  # a successful login
        " 21000000000123 ",  # the card number, with spaces typed around it
        "EVA.JANSEN@EXAMPLE.ORG",  # the former address, in other case
        "eva.jansen@example.org",
        "Eva.Nieuw@example.ORG",  # the current one
        "  eva.nieuw@example.org  ",
    ]
    theirs = [f"member-{other.pk}", other.card_number, "ANDER@example.org", "iemand@example.org"]
    for username in mine + theirs:
        AccessLog.objects.create(username=username, **COMMON)
        AccessFailureLog.objects.create(username=username, **COMMON)
    for index, username in enumerate(mine + theirs):
        AccessAttempt.objects.create(
            username=username,
            get_data="",
            post_data="",
            failures_since_start=1,
            ip_address=f"192.0.2.{index + 1}",
            user_agent="Firefox",
            http_accept="*/*",
        )
    expiring = AccessAttempt.objects.get(username=f"member-{member.pk}")
    AccessAttemptExpiration.objects.create(
        access_attempt=expiring, expires_at=timezone.now() + dt.timedelta(hours=1)
    )

    # when she is erased
    member_erase(member=member)

    # then every record under any of her names is gone, and only those
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        left = sorted(model.objects.values_list("username", flat=True))
        assert left == sorted(theirs), model.__name__
    assert AccessAttemptExpiration.objects.count() == 0


def test_every_login_record_table_and_every_address_column_is_reached() -> None:
    """Any django-axes table with a username is erased by it; any e-mail column of the member's
    own rows (a former or pending address) is a name erasure looks for."""
    entries = {entry.model: entry for entry in REGISTRY}
    for model in apps.get_app_config("axes").get_models():
        names = {field.name for field in model._meta.concrete_fields}
        if "username" in names:
            assert entries[model._meta.label].login_field == "username", model._meta.label
    for entry in REGISTRY:
        if not entry.member_paths:
            continue
        for field in entry.model_class._meta.concrete_fields:
            if isinstance(field, models.EmailField):
                assert field.name in entry.login_names, f"{entry.model}.{field.name}"


def test_a_changed_address_is_kept_in_the_change_history_only() -> None:
    member = make_member(email="oud@example.org")
    staff = make_staff()

    # at the desk, then by the member's own link, then a change of the phone number only
    member_update_contact(member=member, email="nieuw@example.org", phone="", staff=staff)
    _change_address_by_link(member, "nieuwer@example.org")
    member_update_contact(member=member, email="NIEUWER@example.org", phone="0612345678")

    events = member.events.order_by("pk").values_list("action", "former_email")
    assert list(events) == [
        ("contact_changed", "oud@example.org"),
        ("contact_changed", "nieuw@example.org"),
        ("contact_changed", ""),
    ]


# --- other members' histories ----------------------------------------------------------------


def test_erasing_a_grantee_keeps_the_owners_history_without_naming_them(client: Client) -> None:
    owner = make_member(first_name="Mees", email="mees@example.org")
    grantee = make_member(first_name="Fenna", last_name="Bosch")
    access = active_access(owner, grantee)
    family_event_record(grantee=grantee, owner=owner, action=FamilyAction.VIEWED)
    family_event_record(
        grantee=grantee, owner=owner, action=FamilyAction.RENEWED, detail="De avonden"
    )

    member_erase(member=grantee)

    events = FamilyAccessEvent.objects.filter(owner=owner).order_by("pk")
    assert list(events.values_list("action", "detail", "actor_id", "access_id")) == [
        (FamilyAction.VIEWED, "", None, access.pk),
        (FamilyAction.RENEWED, "De avonden", None, access.pk),
    ]
    access.refresh_from_db()
    assert (access.status, access.grantee_id, access.ended_by_id) == (
        FamilyAccessStatus.ENDED,
        None,
        None,
    )
    assert access.ended_at is not None
    # the owner sees what happened, by "a former family member"
    assert owner.user is not None
    client.force_login(owner.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    for url in ("/mijn/toegang/", "/mijn/inzage/familie/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200, url
        text = page.content.decode()
        assert "De avonden" in text, url
        assert "Fenna" not in text and "Bosch" not in text, url


def test_erasing_a_guardian_keeps_the_childs_link_and_consents_without_naming_them() -> None:
    staff = make_staff()
    child = make_member(first_name="Pim", date_of_birth=born_years_ago(10))
    guardian = make_member(first_name="Ouder", date_of_birth=born_years_ago(40))
    link = guardian_link(
        child=child, guardian=guardian, checked=GuardianCheck.ID_DOCUMENT, staff=staff
    )
    consent = ConsentEvent.objects.create(
        member=child,
        guardian=guardian,
        purpose=ConsentPurpose.NEWSLETTER,
        given=True,
        at=timezone.now(),
        via=ConsentVia.GUARDIAN,
    )
    requested = family_access_request(
        grantee=guardian, card_number=child.card_number, last_name=child.last_name
    )

    member_erase(member=guardian)

    link.refresh_from_db()
    assert (link.child_id, link.guardian_id) == (child.pk, None)
    assert link.ended_at is not None
    consent.refresh_from_db()
    assert (consent.member_id, consent.guardian_id, consent.given) == (child.pk, None, True)
    requested.refresh_from_db()
    assert (requested.status, requested.grantee_id) == (FamilyAccessStatus.ENDED, None)


def _cascades(field: models.Field[Any, Any]) -> bool:
    return field.remote_field.on_delete is models.CASCADE  # type: ignore[union-attr]


# Logins whose deletion may take these rows along: they belong to that login itself.
OWN_ROWS_OF_A_LOGIN = {
    "members.User_groups": "the login's own groups",
    "members.User_user_permissions": "the login's own permissions",
    "members.StaffProfile": "a staff login's own profile",
    "otp_totp.TOTPDevice": "a staff login's own second factor",
    "admin.LogEntry": "what that login did in Django's admin (members' logins never use it)",
    "oauth2_provider.Application": "an app registered by that login (Kaft registers none so)",
    "oauth2_provider.AccessToken": "an app's access the login gave at the consent page",
    "oauth2_provider.RefreshToken": "the renewal of such an access",
    "oauth2_provider.Grant": "the code of such a consent",
    "oauth2_provider.IDToken": "an OpenID token of that login (Kaft issues none)",
    "oauth2_provider.DeviceGrant": "a device consent of that login (Kaft offers none)",
}
# A table that cascades from another registered table and has the same owner by construction.
SAME_OWNER = {
    ("members.FamilyAccessEvent", "access"): "family_event_record writes owner=access.owner",
    ("oauth2_provider.AccessToken", "id_token"): "the toolkit issues both to one login at once",
}


def test_no_cascade_runs_from_another_members_data_to_the_erased_member() -> None:
    """Walk every foreign key: deleting a member's rows (or login) may only take rows of that
    same member along; a table that belongs to someone else only has its mention emptied."""
    entries = {entry.model: entry for entry in REGISTRY}
    member_model, user_model = Member, User
    problems = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        entry = entries.get(label)
        for field in model._meta.concrete_fields:
            if not field.is_relation or field.related_model is None:
                continue
            target = field.related_model
            where = f"{label}.{field.name}"
            if target is member_model:
                if entry is None or field.name not in entry.member_paths:
                    problems.append(f"{where}: erasure does not reach this link to a member")
                elif field.name != entry.member_paths[0] and _cascades(field):
                    problems.append(f"{where}: cascades from someone else's row")
                elif (
                    field.name != entry.member_paths[0]
                    and entry.erasure is Erasure.DELETE
                    and not field.null
                ):
                    problems.append(f"{where}: cannot be emptied, so erasure deletes it")
            elif target is user_model and _cascades(field):
                if label not in OWN_ROWS_OF_A_LOGIN:
                    problems.append(f"{where}: cascades when a member's login is deleted")
            elif _cascades(field):
                parent = entries.get(target._meta.label)
                if (
                    parent is None
                    or not parent.member_paths
                    or parent.erasure is not Erasure.DELETE
                ):
                    continue
                same = entry is not None and entry.member_paths[0].startswith(f"{field.name}__")
                if not same and (label, field.name) not in SAME_OWNER:
                    problems.append(f"{where}: cascades from {target._meta.label}")
    assert problems == []


# --- the outbox -------------------------------------------------------------------------------


def test_once_sent_the_goodbye_row_holds_nothing_that_leads_back(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = make_member(
        first_name="Afke", email="afscheid@example.org", card_number="21000000000999"
    )
    pk = member.pk
    with SmtpSink() as smtp_server:
        use_smtp(settings, smtp_server)
        with django_capture_on_commit_callbacks() as callbacks:
            member_erase(member=member)
        notice = Notice.objects.get(message_type=MessageType.ACCOUNT_ERASED)
        # while waiting to be sent it needs the address; an earlier failure named it
        assert notice.recipient == "afscheid@example.org"
        DeliveryAttempt.objects.create(
            notice=notice,
            at=timezone.now(),
            ok=False,
            error="SMTPRecipientsRefused: {'afscheid@example.org': (452, b'full')}",
        )
        for callback in callbacks:
            callback()
        [mail] = smtp_server.wait_for(1)

    assert mail.rcpt_tos == ["afscheid@example.org"]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    assert (notice.member_id, notice.recipient, notice.body) == (None, "", "")
    assert re.fullmatch(r"account_erased:[0-9a-f]{32}", notice.dedup_key)
    assert notice.dedup_key != f"account_erased:{pk}"
    assert list(notice.delivery_attempts.values_list("ok", "error")) == [(False, ""), (True, "")]
    text = " ".join(
        str(value)
        for row in [*Notice.objects.values(), *DeliveryAttempt.objects.values()]
        for value in row.values()
    )
    for private in ("afscheid@example.org", "Afke", "21000000000999"):
        assert private not in text


class RefusingBackend:
    """A mail server that refuses the recipient every time (an address that no longer exists)."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        import smtplib

        raise smtplib.SMTPRecipientsRefused(
            {address: (550, b"no such user") for m in messages for address in m.to}
        )


@pytest.mark.parametrize("ending", ["given_up", "uncertain"])
def test_a_goodbye_that_cannot_be_delivered_keeps_nothing_that_leads_back(
    settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any, ending: str
) -> None:
    """The address of an ended membership erased years later often bounces: the goodbye is
    then given up (or set aside when the worker vanished), and may not keep the address, the
    text or an error naming it for the outbox's whole period."""
    from kaft.core import tasks
    from kaft.notices.lifecycle import MAX_ATTEMPTS
    from kaft.notices.services.outbox import notice_send, notices_send_pending

    cleared: list[list[str]] = []
    monkeypatch.setattr(tasks.clear_dead_rows, "delay", cleared.append)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    member = make_member(first_name="Afke", email="weg@example.org", card_number="21000000000998")
    with django_capture_on_commit_callbacks():
        member_erase(member=member)
    notice = Notice.objects.get(message_type=MessageType.ACCOUNT_ERASED)
    if ending == "given_up":
        for _attempt_number in range(MAX_ATTEMPTS):
            with django_capture_on_commit_callbacks(execute=True):
                notice_send(notice_id=notice.pk)
    else:
        notice_send(notice_id=notice.pk)  # one refused attempt, then a worker claims and dies
        Notice.objects.filter(pk=notice.pk).update(
            status=NoticeStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(days=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            notices_send_pending()

    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED
    assert (notice.member_id, notice.recipient, notice.body) == (None, "", "")
    # the emptied versions of the row are cleared too (VACUUM / log checkpoint), after commit
    assert ["notices_deliveryattempt", "notices_notice"] in cleared
    assert {error for _ok, error in notice.delivery_attempts.values_list("ok", "error")} == {""}
    text = " ".join(
        str(value)
        for row in [*Notice.objects.values(), *DeliveryAttempt.objects.values()]
        for value in row.values()
    )
    assert "weg@example.org" not in text


# --- stored messages name no other member ------------------------------------------------------


def _queue_every_type(recipient: Member, third: Member) -> dict[str, Any]:
    """Queue each type of message to ``recipient`` through its own service, with ``third``
    involved where a message type could name someone else."""
    from kaft.notices.services.account import (
        notice_queue_email_changed,
        notice_queue_email_confirm,
        notice_queue_password_reset_link,
    )
    from kaft.notices.services.interlibrary import (
        notice_queue_ill_arrived,
        notice_queue_ill_due_changed,
    )
    from kaft.notices.services.outbox import notice_queue_due_soon, notice_queue_hold_ready
    from kaft.notices.services.statement import notice_statement_changed
    from kaft.privacy.models import StatementVersion
    from tests.factories_notices import OpenLoanFactory, ReadyHoldFactory
    from tests.factories_sepa import queue_debit_returned, queue_prenotice

    today = timezone.localdate()
    version = StatementVersion.objects.create(
        version="2026-9", text_nl="Tekst", text_en="Text", published_at=timezone.now()
    )
    return {
        MessageType.HOLD_READY: lambda: notice_queue_hold_ready(
            hold=ReadyHoldFactory.create(member=recipient)
        ),
        MessageType.DUE_SOON: lambda: notice_queue_due_soon(
            loan=OpenLoanFactory.create(member=recipient, due_date=today + dt.timedelta(days=2)),
            days=2,
        ),
        MessageType.STATEMENT_CHANGED: lambda: notice_statement_changed(
            member=recipient, version=version
        ),
        MessageType.PASSWORD_RESET: lambda: notice_queue_password_reset_link(
            member=recipient, link="https://bibliotheek.example.nl/wachtwoord/x/"
        ),
        MessageType.FAMILY_REQUEST: lambda: family_access_request(
            grantee=third, card_number=recipient.card_number, last_name=recipient.last_name
        ),
        MessageType.EMAIL_CONFIRM: lambda: notice_queue_email_confirm(
            member=recipient,
            address="nieuw.adres@example.org",
            link="https://bibliotheek.example.nl/e-mail/x/",
        ),
        MessageType.EMAIL_CHANGED: lambda: notice_queue_email_changed(
            member=recipient, old_address="oud.adres@example.org"
        ),
        MessageType.LOAN_RECEIPT: lambda: _receipt(recipient),
        MessageType.SEPA_PRENOTICE: lambda: queue_prenotice(recipient),
        MessageType.DEBIT_RETURNED: lambda: queue_debit_returned(recipient),
        MessageType.REMINDER: lambda: _overdue(recipient, days=7),
        MessageType.INVOICE: lambda: _overdue(recipient, days=42),
        MessageType.MEMBERSHIP_ENDING: lambda: _membership_ending(recipient),
        MessageType.ILL_ARRIVED: lambda: notice_queue_ill_arrived(
            member=recipient,
            request_id=recipient.pk,
            title="Geleend van elders",
            partner_name="Bibliotheek Zuid",
            branch_name="Centrale",
            due_date=today + dt.timedelta(days=21),
        ),
        MessageType.ILL_DUE_CHANGED: lambda: notice_queue_ill_due_changed(
            member=recipient,
            request_id=recipient.pk,
            title="Geleend van elders",
            partner_name="Bibliotheek Zuid",
            due_date=today + dt.timedelta(days=7),
            previous_due_date=today + dt.timedelta(days=20),
            recalled=True,
        ),
        MessageType.ACCOUNT_ERASED: lambda: _return_all_and_erase(recipient),
    }


def _overdue(member: Member, *, days: int) -> None:
    """A loan ``days`` overdue, and the reminder schedule's daily run (herinnering 1 at 7 days,
    the invoice at 42)."""
    from kaft.notices.services.reminders import reminders_run
    from tests.factories_notices import OpenLoanFactory

    today = timezone.localdate()
    OpenLoanFactory.create(member=member, due_date=today - dt.timedelta(days=days))
    reminders_run(today=today)


def _receipt(member: Member) -> None:
    from kaft.notices.services.receipts import notice_queue_loan_receipt
    from tests.factories_notices import OpenLoanFactory

    Member.objects.filter(pk=member.pk).update(email_receipt=True)
    member.refresh_from_db()
    loan = OpenLoanFactory.create(member=member)
    notice_queue_loan_receipt(member=member, loans=[loan], branch=loan.branch)


def _membership_ending(member: Member) -> None:
    from kaft.billing.models import Mandate, MandateStatus
    from kaft.notices.services.membership import notices_queue_membership_ending

    # a member paying by direct debit is renewed, not told: this one's mandate has ended
    Mandate.objects.filter(member=member).update(status=MandateStatus.ENDED)
    Member.objects.filter(pk=member.pk).update(
        membership_end=timezone.localdate() + dt.timedelta(days=10)
    )
    assert notices_queue_membership_ending() == 1


def _return_all_and_erase(member: Member) -> None:
    from kaft.billing.models import Charge
    from kaft.billing.services.charges import charge_cancel
    from kaft.circulation.models import Loan, LoanStatus

    Loan.objects.filter(member=member).update(
        status=LoanStatus.RETURNED, returned_at=timezone.now()
    )
    for charge in Charge.objects.filter(member=member):  # the invoice's charges: all came back
        charge_cancel(charge=charge, reason="Teruggebracht")
    member_erase(member=member)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_stored_message_names_another_member(language: str) -> None:
    recipient = make_member(first_name="Roos", last_name="Ontvanger", preferred_language=language)
    third = make_member(
        first_name="Thirza",
        name_prefix="van",
        last_name="Derdenaam",
        card_number="21000000000333",
        email="thirza@example.org",
    )
    producers = _queue_every_type(recipient, third)
    assert set(producers) == set(MessageType), "every message type needs a case here"

    for message_type in MessageType:  # the erasure last: it empties the recipient's outbox
        if message_type != MessageType.ACCOUNT_ERASED:
            producers[message_type]()
    stored = {n.message_type: n.subject + n.body for n in Notice.objects.all()}
    producers[MessageType.ACCOUNT_ERASED]()
    stored |= {n.message_type: n.subject + n.body for n in Notice.objects.all()}

    assert set(stored) == set(MessageType)
    for kind, text in stored.items():
        for private in ("Thirza", "Derdenaam", "21000000000333", "thirza@example.org"):
            assert private not in text, (kind, private)


# --- the goodbye says why ---------------------------------------------------------------------


RETENTION_TEXT = {
    "nl": (
        "Uw lidmaatschap is op {ended} beëindigd, 400 dagen geleden. Het account van een "
        "beëindigd lidmaatschap bewaren we 365 dagen, zolang er niets geleend of verschuldigd "
        "is; die termijn is verstreken, daarom hebben we uw account op {today} verwijderd."
    ),
    "en": (
        "Your membership ended on {ended}, 400 days ago. We keep the account of an ended "
        "membership for 365 days, as long as nothing is on loan or owed; that period has "
        "passed, so we deleted your account on {today}."
    ),
}


@pytest.mark.parametrize(("language", "asked"), [("nl", "Zoals u vroeg"), ("en", "As you asked")])
def test_the_retention_job_says_why_it_erased_the_account(language: str, asked: str) -> None:
    today = timezone.localdate()
    ended = today - dt.timedelta(days=400)
    member = make_member(
        email="oudlid@example.org", preferred_language=language, membership_end=ended
    )

    retention_apply()

    member.refresh_from_db()
    assert member.erased_at is not None
    notice = Notice.objects.get(message_type=MessageType.ACCOUNT_ERASED)
    body = " ".join(notice.body.split())
    with translation.override(language):
        expected = RETENTION_TEXT[language].format(
            ended=date_format(ended, "j F Y"), today=date_format(today, "j F Y")
        )
    assert expected in body
    assert asked not in body


def test_asking_still_says_as_you_asked() -> None:
    member = make_member(email="vraag@example.org", preferred_language="en")

    member_erase(member=member)

    notice = Notice.objects.get(message_type=MessageType.ACCOUNT_ERASED)
    assert "As you asked, we deleted your account on" in " ".join(notice.body.split())
    assert "membership ended" not in notice.body


# --- after restoring a backup -----------------------------------------------------------------


def test_erase_again_after_a_restore_sends_no_second_goodbye_and_ignores_stale_loans() -> None:
    import io

    from django.core.management import call_command

    from tests.factories_rights import make_loan

    member = make_member(email="terug@example.org")
    make_loan(member)  # a loan the restored backup still shows open
    done = make_member()
    member_erase(member=done)
    Notice.objects.all().delete()
    out = io.StringIO()

    call_command("erase_again", str(member.pk), str(done.pk), "999999", stdout=out)

    assert out.getvalue().splitlines() == [
        f"{member.pk}\terased",
        f"{done.pk}\talready_erased",
        "999999\tno such member",
        "1 member(s) erased again",
    ]
    member.refresh_from_db()
    assert (member.email, member.erased_at is not None) == ("", True)
    assert Notice.objects.count() == 0


def test_family_requests_stored_before_the_change_are_rendered_again_without_the_name() -> None:
    from importlib import import_module

    from django.apps import apps as installed

    owner = make_member(preferred_language="en")
    grantee = make_member(first_name="Fenna")
    access = family_access_request(
        grantee=grantee, card_number=owner.card_number, last_name=owner.last_name
    )
    notice = Notice.objects.get(message_type=MessageType.FAMILY_REQUEST)
    fresh = notice.body
    Notice.objects.filter(pk=notice.pk).update(
        body="Dear reader,\n\nFenna asked to see your loans and reservations.\n"
    )
    migration = import_module("kaft.notices.migrations.0005_stored_messages_name_nobody")

    migration.rerender_family_requests(installed, None)

    notice.refresh_from_db()
    assert notice.body == fresh
    assert "Fenna" not in notice.body
    assert access.answer_by is not None
