"""Rows for the retention tests: one per retention target, with its clock set to a given moment.

``boundary_dataset`` makes, for every target, one row just inside its period (kept) and one just
past it (gone), an hour (or a day, for dates) either side of the boundary.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models

from kaft.billing.models import Charge, ChargeKind, Invoice, Payment, PaymentMethod
from kaft.billing.services.charges import charge_create
from kaft.billing.services.payments import payment_take
from kaft.catalog.models import Branch
from kaft.circulation.models import AgeBand, Hold, HoldStatus, Loan, LoanStatus
from kaft.interlibrary.models import (
    IllRole,
    IllStatus,
    InterlibraryRequest,
    OutboxStatus,
    OutgoingMessage,
)
from kaft.members.models import (
    EmailChange,
    FamilyAccess,
    FamilyAccessEvent,
    FamilyAccessStatus,
    GuardianLink,
    IdentityChangeRequest,
    IdentityCheck,
    Member,
    MemberNote,
    RequestStatus,
    ResetCode,
    StaffRole,
    User,
)
from kaft.notices.models import DeliveryAttempt, Notice, NoticeStatus
from kaft.privacy.models import (
    AccessLogEntry,
    Disclosure,
    LegalRequest,
    StatementResponse,
    StatementVersion,
)
from kaft.privacy.services.retention import TARGETS, Moment, retention_periods
from tests.factories import BranchFactory, ItemFactory, MemberFactory, StaffFactory

_seq = itertools.count(1)
HOUR = dt.timedelta(hours=1)


class World:
    """The people and places the rows belong to."""

    def __init__(self) -> None:
        self.branch: Branch = BranchFactory.create()
        self.member: Member = MemberFactory.create(home_branch=self.branch)
        self.other: Member = MemberFactory.create(home_branch=self.branch)
        self.staff: User = StaffFactory.create(profile__branch=self.branch)
        self.officer: User = StaffFactory.create(
            profile__branch=self.branch, profile__role=StaffRole.PRIVACY_OFFICER
        )
        self.version = StatementVersion.objects.create(
            version=f"v{next(_seq)}", text_nl="Tekst", text_en="Text"
        )


def returned_loan(world: World, at: dt.datetime, member: Member | None = None) -> Loan:
    item = ItemFactory.create(home_branch=world.branch)
    member = member or world.member
    return Loan.objects.create(
        item=item,
        member=member,
        status=LoanStatus.RETURNED,
        checked_out_at=at - dt.timedelta(days=14),
        due_date=(at - dt.timedelta(days=14)).date() + dt.timedelta(days=21),
        returned_at=at,
        record=item.record,
        branch=world.branch,
        member_category=member.category,
        age_band=AgeBand.ADULT,
    )


def payment(world: World, at: dt.datetime) -> Payment:
    # The charge is recent: only the payment is at the edge.
    charge_create(member=world.member, kind=ChargeKind.DAMAGE, amount=Decimal("2.00"))
    return payment_take(
        member=world.member, amount=Decimal("2.00"), method=PaymentMethod.CASH, now=at
    )


def charge(world: World, at: dt.datetime) -> Charge:
    return charge_create(
        member=world.member, kind=ChargeKind.ADMINISTRATION, amount=Decimal("2.50"), now=at
    )


def invoice(world: World, day: dt.date) -> Invoice:
    return Invoice.objects.create(
        member=world.member, issued_on=day, due_on=day + dt.timedelta(days=14)
    )


def finished_hold(world: World, at: dt.datetime, member: Member | None = None) -> Hold:
    item = ItemFactory.create(home_branch=world.branch)
    return Hold.objects.create(
        record=item.record,
        member=member or world.member,
        pickup_branch=world.branch,
        status=HoldStatus.FULFILLED,
        placed_at=at - dt.timedelta(days=7),
        closed_at=at,
    )


def closed_interlibrary_request(world: World, at: dt.datetime) -> InterlibraryRequest:
    return InterlibraryRequest.objects.create(
        role=IllRole.REQUESTING,
        status=IllStatus.LOAN_COMPLETED,
        branch=world.branch,
        member=world.member,
        requesting_id=f"NL-Ret-{next(_seq)}",
        title="Geleend van elders",
        created_at=at - dt.timedelta(days=30),
        closed_at=at,
    )


def open_interlibrary_request(world: World, at: dt.datetime) -> InterlibraryRequest:
    """A request made at ``at`` that never closed (the lender went silent)."""
    return InterlibraryRequest.objects.create(
        role=IllRole.REQUESTING,
        status=IllStatus.LOANED,
        branch=world.branch,
        member=world.member,
        requesting_id=f"NL-Open-{next(_seq)}",
        title="Nooit teruggemeld",
        description="voor mijn werkstuk",
        created_at=at,
    )


def interlibrary_message(world: World, at: dt.datetime) -> OutgoingMessage:
    request = InterlibraryRequest.objects.create(
        role=IllRole.REQUESTING,
        branch=world.branch,
        member=world.member,
        requesting_id=f"NL-Msg-{next(_seq)}",
        created_at=at,
    )
    return OutgoingMessage.objects.create(
        request=request, kind="request", status=OutboxStatus.SENT, created_at=at
    )


def note(world: World, created_at: dt.datetime, expires_on: dt.date) -> MemberNote:
    return MemberNote.objects.create(
        member=world.member, text="Belt liever", created_at=created_at, expires_on=expires_on
    )


def access_entry(world: World, at: dt.datetime) -> AccessLogEntry:
    return AccessLogEntry.objects.create(member=world.member, part="loans", at=at)


def admin_entry(world: World, at: dt.datetime) -> LogEntry:
    return LogEntry.objects.create(
        user=world.staff,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=str(world.member.pk),
        object_repr=str(world.member),
        action_flag=CHANGE,
        change_message="",
        action_time=at,
    )


def notice(world: World, created_at: dt.datetime, status: str = NoticeStatus.SENT) -> Notice:
    n = next(_seq)
    made = Notice.objects.create(
        member=world.member,
        message_type="due_soon",
        dedup_key=f"retention:{n}",
        recipient=world.member.email,
        subject="Uw boeken",
        body="Denkt u aan uw boeken?",
        status=status,
    )
    Notice.objects.filter(pk=made.pk).update(created_at=created_at)
    return made


def delivery_attempt(world: World, created_at: dt.datetime) -> DeliveryAttempt:
    return DeliveryAttempt.objects.create(notice=notice(world, created_at), at=created_at, ok=True)


def family_access(world: World, **fields: Any) -> FamilyAccess:
    return FamilyAccess.objects.create(owner=world.member, grantee=world.other, **fields)


def family_event(world: World, at: dt.datetime) -> FamilyAccessEvent:
    access = FamilyAccess.objects.filter(
        owner=world.member, status=FamilyAccessStatus.ACTIVE
    ).first() or family_access(
        world,
        status=FamilyAccessStatus.ACTIVE,
        requested_at=at - dt.timedelta(days=800),
        answer_by=at - dt.timedelta(days=786),
    )
    return FamilyAccessEvent.objects.create(
        access=access, owner=world.member, actor=world.other, action="viewed", at=at
    )


def ended_family_access(world: World, at: dt.datetime) -> FamilyAccess:
    return family_access(
        world,
        status=FamilyAccessStatus.ENDED,
        requested_at=at - dt.timedelta(days=60),
        answer_by=at - dt.timedelta(days=46),
        decided_at=at - dt.timedelta(days=59),
        ended_at=at,
    )


def guardian_link(world: World, at: dt.datetime) -> GuardianLink:
    return GuardianLink.objects.create(
        child=world.member,
        guardian=world.other,
        checked="id_document",
        recorded_at=at - dt.timedelta(days=300),
        ended_at=at,
    )


def identity_request(world: World, at: dt.datetime) -> IdentityChangeRequest:
    return IdentityChangeRequest.objects.create(
        member=world.member,
        first_name="Sanne",
        last_name="Bakker",
        date_of_birth=dt.date(1985, 4, 12),
        requested_at=at - dt.timedelta(days=2),
        status=RequestStatus.APPROVED,
        decided_at=at,
    )


def identity_check(world: World, at: dt.datetime) -> IdentityCheck:
    return IdentityCheck.objects.create(member=world.member, method="document", passed=True, at=at)


def reset_code(world: World, at: dt.datetime) -> ResetCode:
    return ResetCode.objects.create(
        member=world.member, code_hash="x", created_at=at - dt.timedelta(days=1), expires_at=at
    )


def email_change(world: World, at: dt.datetime) -> EmailChange:
    return EmailChange.objects.create(
        member=world.member,
        new_email="nieuw@example.org",
        token_hash=f"hash-{EmailChange.objects.count()}",
        requested_at=at - dt.timedelta(days=1),
        expires_at=at,
    )


def statement_response(world: World, at: dt.datetime) -> StatementResponse:
    return StatementResponse.objects.create(
        member=world.member,
        version=world.version,
        message="Waarom?",
        at=at - dt.timedelta(days=3),
        handled_at=at,
    )


def disclosure(world: World, at: dt.datetime, hidden_until: dt.date | None = None) -> Disclosure:
    return Disclosure.objects.create(
        member=world.member,
        recipient="Stichting Leesplein",
        purpose="E-books",
        legal_basis="consent",
        categories=["identity"],
        at=at,
        hidden_until=hidden_until,
    )


def legal_request(world: World, at: dt.datetime) -> LegalRequest:
    return LegalRequest.objects.create(
        authority="Politie",
        reference=f"PL-{next(_seq)}",
        legal_basis="art. 126nd Sv",
        member=world.member,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 2, 1),
        registered_by=world.staff,
        registered_at=at - dt.timedelta(days=5),
        status="approved",
        decided_by=world.officer,
        decided_at=at,
    )


def _axes(model: type[models.Model]) -> Callable[[World, dt.datetime], models.Model]:
    def make(world: World, at: dt.datetime) -> models.Model:
        extra: dict[str, Any] = {}
        if model is AccessAttempt:
            extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
        row = model._default_manager.create(
            username=world.member.card_number,
            ip_address="192.0.2.7",
            user_agent=f"Firefox {next(_seq)}",
            http_accept="*/*",
            path_info="/inloggen/",
            **extra,
        )
        model._default_manager.filter(pk=row.pk).update(attempt_time=at)
        return row

    return make


def session(world: World, at: dt.datetime) -> Session:
    return Session.objects.create(
        session_key=f"s{next(_seq):031d}", session_data="x", expire_date=at
    )


def _app(world: World) -> Any:
    from oauth2_provider.models import Application

    return Application.objects.create(
        name=f"App {next(_seq)}",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://app.example.org/terug",
    )


def app_access_token(world: World, at: dt.datetime) -> Any:
    from oauth2_provider.models import AccessToken

    return AccessToken.objects.create(
        user=world.member.user, application=_app(world), token=f"t{next(_seq)}", expires=at
    )


def app_refresh_token(world: World, at: dt.datetime) -> Any:
    from oauth2_provider.models import RefreshToken

    row = RefreshToken.objects.create(
        user=world.member.user, application=_app(world), token=f"r{next(_seq)}"
    )
    RefreshToken.objects.filter(pk=row.pk).update(created=at)
    return row


def partner_sign_in(world: World, at: dt.datetime) -> Any:
    """The member signed in to a partner service (OpenID Connect), last at ``at``."""
    from oauth2_provider.models import Application

    from kaft.privacy.models import PartnerClient, PartnerSignIn
    from tests.factories_transparency import PartnerFactory

    n = next(_seq)
    client = PartnerClient.objects.create(
        application=Application.objects.create(
            name=f"Partnerdienst {n}",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=f"https://dienst{n}.example.org/terug",
        ),
        partner=PartnerFactory.create(),
        sector_identifier=f"dienst{n}.example.org",
    )
    return PartnerSignIn.objects.create(
        member=world.member, client=client, first_at=at, last_at=at, claims=["member_of"]
    )


def app_grant(world: World, at: dt.datetime) -> Any:
    from oauth2_provider.models import Grant

    return Grant.objects.create(
        user=world.member.user,
        application=_app(world),
        code=f"g{next(_seq)}",
        expires=at,
        redirect_uri="https://app.example.org/terug",
    )


def app_id_token(world: World, at: dt.datetime) -> Any:
    from oauth2_provider.models import IDToken

    return IDToken.objects.create(user=world.member.user, application=_app(world), expires=at)


def app_device_grant(world: World, at: dt.datetime) -> Any:
    from oauth2_provider.models import DeviceGrant

    return DeviceGrant.objects.create(
        user=world.member.user,
        device_code=f"d{next(_seq)}",
        user_code=f"u{next(_seq)}",
        client_id="device-client",
        expires=at,
    )


def member_ended(world: World, on: dt.date) -> Member:
    return MemberFactory.create(home_branch=world.branch, membership_end=on)


def signup_unconfirmed(world: World, at: dt.datetime) -> Member:
    """Joined online at ``at``; the link in the e-mail was never followed."""
    return MemberFactory.create(home_branch=world.branch, signed_up_online_at=at)


def signup_incomplete(world: World, at: dt.datetime) -> Member:
    """Joined online at ``at`` and confirmed the address; the desk never saw an ID document."""
    return MemberFactory.create(
        home_branch=world.branch, signed_up_online_at=at, email_verified_at=at
    )


def _collection(world: World, on: dt.date, run: Any = None) -> Any:
    from decimal import Decimal

    from kaft.billing.models import SepaCollection

    return SepaCollection.objects.create(
        member=world.member,
        collection_date=on,
        amount=Decimal("52.00"),
        end_to_end_id=f"KAFT-RET-{next(_seq):012d}",
        announced_at=dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC),
        run=run,
    )


def sepa_return(world: World, at: dt.datetime) -> Any:
    from decimal import Decimal

    from kaft.billing.models import SepaReturn, SepaReturnFile

    today = dt.date.today()
    read = SepaReturnFile.objects.create(
        message_id=f"PSR-{next(_seq)}", kind="pain.002", imported_at=dt.datetime.now(dt.UTC)
    )
    collection = _collection(world, today)
    return SepaReturn.objects.create(
        file=read,
        collection=collection,
        member=world.member,
        end_to_end_id=collection.end_to_end_id,
        reason_code="AM04",
        amount=Decimal("52.00"),
        at=at,
    )


def sepa_return_file(world: World, at: dt.datetime) -> Any:
    from kaft.billing.models import SepaReturnFile

    return SepaReturnFile.objects.create(
        message_id=f"PSR-{next(_seq)}", kind="camt.054", imported_at=at
    )


def ended_mandate(world: World, at: dt.datetime) -> Any:
    from kaft.billing.models import Mandate

    return Mandate.objects.create(
        member=world.member,
        reference=f"KAFT-RET-{next(_seq):08d}",
        signed_on=dt.date(2020, 1, 1),
        via="paper",
        iban="NL91ABNA0417164300",
        status="ended",
        created_at=at - dt.timedelta(days=400),
        ended_at=at,
    )


def sepa_collection(world: World, on: dt.date) -> Any:
    return _collection(world, on)


def sepa_run(world: World, on: dt.date) -> Any:
    from decimal import Decimal

    from kaft.billing.models import SepaRun

    return SepaRun.objects.create(
        collection_date=on,
        format="pain.008.001.02",
        message_id=f"RUN-{next(_seq)}",
        stored_as="",
        created_at=dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC),
        count=0,
        total=Decimal("0.00"),
    )


# key of the target → how to make a row whose (single) date clock is on the given day
def contest_entry(world: World, kept_until: dt.date) -> Any:
    """An entry of a contest that keeps its entries until ``kept_until`` (its own period)."""
    from kaft.outreach.models import Campaign, CampaignStatus, Entry

    campaign = Campaign.objects.create(
        title="Quiz",
        question="?",
        starts_on=kept_until - dt.timedelta(days=40),
        ends_on=kept_until - dt.timedelta(days=30),
        fields=["email"],
        prize="Boekenbon",
        keep_days=30,
        entries_kept_until=kept_until,
        status=CampaignStatus.DRAWN,
        created_at=dt.datetime.combine(kept_until, dt.time(12), tzinfo=dt.UTC),
    )
    return Entry.objects.create(
        campaign=campaign,
        channel="public",
        email=f"quiz{next(_seq)}@example.org",
        name_shown=False,
        created_at=campaign.created_at,
    )


def panel_invitation(world: World, closed_at: dt.datetime) -> Any:
    """An invitation to a survey of the research panel that closed at ``closed_at``."""
    from kaft.outreach.models import Invitation, Survey, SurveyStatus

    survey = Survey.objects.create(
        title="Biebpanel",
        kind="built_in",
        status=SurveyStatus.CLOSED,
        opens_on=(closed_at - dt.timedelta(days=20)).date(),
        closes_on=closed_at.date(),
        created_at=closed_at - dt.timedelta(days=21),
        closed_at=closed_at,
    )
    return Invitation.objects.create(
        survey=survey, member=world.member, invited_at=closed_at - dt.timedelta(days=20)
    )


def _newsletter_subscription(world: World, **fields: Any) -> Any:
    from kaft.outreach.models import Subscription, SubscriptionVia

    return Subscription.objects.create(
        email=f"nieuwsbrief{next(_seq)}@example.org", via=SubscriptionVia.PUBLIC, **fields
    )


def newsletter_delivery(world: World, queued_at: dt.datetime) -> Any:
    """One newsletter issue sent at ``queued_at`` to a subscription still active."""
    from kaft.outreach.models import Delivery, DeliveryStatus, NewsletterIssue

    subscription = _newsletter_subscription(
        world, status="active", requested_at=queued_at, confirmed_at=queued_at
    )
    issue = NewsletterIssue.objects.create(subject="Nieuws", created_at=queued_at)
    return Delivery.objects.create(
        issue=issue,
        subscription=subscription,
        status=DeliveryStatus.SENT,
        queued_at=queued_at,
        sent_at=queued_at,
    )


def newsletter_ended(world: World, ended_at: dt.datetime) -> Any:
    """A newsletter subscription of someone who is no member, ended at ``ended_at``."""
    return _newsletter_subscription(
        world,
        status="ended",
        requested_at=ended_at - dt.timedelta(days=100),
        confirmed_at=ended_at - dt.timedelta(days=99),
        ended_at=ended_at,
    )


def newsletter_unconfirmed(world: World, requested_at: dt.datetime) -> Any:
    """A newsletter sign-up whose link, sent at ``requested_at``, was never followed."""
    return _newsletter_subscription(
        world, status="pending", requested_at=requested_at, confirm_token_hash="0" * 64
    )


def rare_search_term(world: World, day: dt.date) -> Any:
    """A catalogue search on ``day`` for a term of its own: once, so rare in its month."""
    from kaft.outreach.models import SearchTermDay

    return SearchTermDay.objects.create(day=day, term=f"jan jansen {next(_seq)}", count=1)


DATE_MAKERS: dict[str, Callable[[World, dt.date], models.Model]] = {
    "contest_entries": contest_entry,
    "rare_search_terms": rare_search_term,
    "sepa_collections": sepa_collection,
    "sepa_runs": sepa_run,
    "invoices": invoice,
}

# key of the target → how to make a row whose (single) clock is at the given moment
DATETIME_MAKERS: dict[str, Callable[[World, dt.datetime], models.Model]] = {
    "loans": returned_loan,
    "holds": finished_hold,
    "interlibrary_requests": closed_interlibrary_request,
    "interlibrary_requests_open": open_interlibrary_request,
    "interlibrary_messages": interlibrary_message,
    "panel_invitations": panel_invitation,
    "access_log": access_entry,
    "admin_log": admin_entry,
    "delivery_attempts": delivery_attempt,
    "messages": notice,
    "family_log": family_event,
    "family_access": ended_family_access,
    "guardian_links": guardian_link,
    "identity_requests": identity_request,
    "identity_checks": identity_check,
    "reset_codes": reset_code,
    "email_changes": email_change,
    "statement_responses": statement_response,
    "disclosures": disclosure,
    "legal_requests": legal_request,
    "login_attempts_accessattempt": _axes(AccessAttempt),
    "login_attempts_accesslog": _axes(AccessLog),
    "login_attempts_accessfailurelog": _axes(AccessFailureLog),
    "sessions": session,
    "app_access_tokens": app_access_token,
    "app_refresh_tokens": app_refresh_token,
    "partner_sign_ins": partner_sign_in,
    "app_grants": app_grant,
    "app_id_tokens": app_id_token,
    "app_device_grants": app_device_grant,
    "payments": payment,
    "charges": charge,
    "sepa_returns": sepa_return,
    "sepa_return_files": sepa_return_file,
    "mandates": ended_mandate,
    "signups_unconfirmed": signup_unconfirmed,
    "signups_incomplete": signup_incomplete,
    "newsletter_deliveries": newsletter_delivery,
    "newsletter_ended": newsletter_ended,
    "newsletter_unconfirmed": newsletter_unconfirmed,
}


def boundary_dataset(world: World, now: dt.datetime) -> dict[str, tuple[list[Any], list[Any]]]:
    """Per target: (pks that must stay, pks that must go) when the job runs at ``now``."""
    periods = retention_periods()
    today = Moment(now).today
    rows: dict[str, tuple[list[Any], list[Any]]] = {}
    for target in TARGETS:
        days = target.days(periods)
        assert days is not None, target.key
        edge = now - dt.timedelta(days=days)
        if target.key in DATETIME_MAKERS:
            make = DATETIME_MAKERS[target.key]
            kept, gone = make(world, edge + HOUR), make(world, edge - HOUR)
            rows[target.key] = ([kept.pk], [gone.pk])
        elif target.key == "notes":
            kept = note(world, edge + HOUR, today)
            by_expiry = note(world, now, today - dt.timedelta(days=1))
            by_age = note(world, edge - HOUR, today + dt.timedelta(days=30))
            rows[target.key] = ([kept.pk], [by_expiry.pk, by_age.pk])
        elif target.key in DATE_MAKERS:
            last_day = today - dt.timedelta(days=days)
            make_on = DATE_MAKERS[target.key]
            kept_row, gone_row = (
                make_on(world, last_day),
                make_on(world, last_day - dt.timedelta(days=1)),
            )
            rows[target.key] = ([kept_row.pk], [gone_row.pk])
        elif target.key == "ended_memberships":
            last_day = today - dt.timedelta(days=days)
            kept_m = member_ended(world, last_day)
            gone_m = member_ended(world, last_day - dt.timedelta(days=1))
            rows[target.key] = ([kept_m.pk], [gone_m.pk])
        else:  # pragma: no cover - a new target needs a maker here
            raise AssertionError(f"no maker for {target.key}")
    # The extra conditions: a hidden disclosure counts from when the member may see it, a
    # message waiting to be sent is never deleted.
    hidden_days = periods["disclosures"]
    assert hidden_days is not None
    hidden = disclosure(
        world,
        now - dt.timedelta(days=hidden_days * 3),
        hidden_until=today - dt.timedelta(days=hidden_days),
    )
    rows["disclosures"][0].append(hidden.pk)
    # messages of the delivery attempts go with them
    for which in (0, 1):
        for attempt_pk in rows["delivery_attempts"][which]:
            rows["messages"][which].append(DeliveryAttempt.objects.get(pk=attempt_pk).notice_id)
    waiting = notice(world, now - dt.timedelta(days=1000), status=NoticeStatus.PENDING)
    rows["messages"][0].append(waiting.pk)
    return rows


def now_fixed() -> dt.datetime:
    return dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
