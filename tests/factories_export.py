"""A member with a value in every exported column of every table of the register (export
completeness test).

Starts from :func:`tests.factories_rights.make_full_member` (a row in every table) and fills what
its rows leave empty, and adds the rows that hang off the member's loans and reservations. The
test that uses it names any table without a row and any column left empty here, so a table or
column added to the register later is found and must be filled in below.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from axes.models import AccessLog
from django.utils import timezone

from kaft.billing.models import (
    Charge,
    ChargeEvent,
    ChargeEventKind,
    ChargeKind,
    Invoice,
    PaymentMethod,
)
from kaft.billing.services.charges import charge_create
from kaft.billing.services.payments import payment_take
from kaft.circulation.models import (
    AgeBand,
    Hold,
    HoldAction,
    HoldEvent,
    HoldStatus,
    Loan,
    LoanAction,
    LoanEvent,
    Transfer,
    TransferReason,
    TransferStatus,
)
from kaft.members.models import (
    EmailChange,
    FamilyAccess,
    FamilyAccessEvent,
    GuardianLink,
    IdentityChangeRequest,
    Member,
    MemberEvent,
    User,
    member_username,
)
from kaft.members.services.kiosk_pin import member_kiosk_pin_set
from kaft.notices.models import (
    DeliveryAttempt,
    LoanReminder,
    Notice,
    NoticeProblem,
    ReminderMessage,
    ReminderOutcome,
)
from kaft.privacy.models import (
    AgreementKind,
    ConsentEvent,
    Disclosure,
    ErasureRequest,
    LegalBasis,
    Partner,
    StatementResponse,
    StatementVersion,
)
from tests.factories import BranchFactory, ItemFactory
from tests.factories_rights import FullMember, make_full_member


def make_member_with_every_column() -> FullMember:
    """Sanne Bakker of :func:`make_full_member`, with every exported column filled in."""
    full = make_full_member()
    member, other, branch = full.member, full.other, full.branch
    now = timezone.now()
    today = timezone.localdate()
    elsewhere = BranchFactory.create(code="noord", name="Bibliotheek Noord")

    Member.objects.filter(pk=member.pk).update(
        name_prefix="van",
        membership_end=today + dt.timedelta(days=300),
        block_reason="Pas gemeld als verloren",
        email_receipt=True,
        # joined online, confirmed the address, completed at the desk with an identity card
        signed_up_online_at=now - dt.timedelta(days=40),
        email_verified_at=now - dt.timedelta(days=40),
        identity_checked_at=now - dt.timedelta(days=39),
        identity_document="id_card",
    )
    member_kiosk_pin_set(member=member, pin="8462", staff=None)  # exported as set, not the hash
    User.objects.filter(member=member).update(
        last_login=now - dt.timedelta(hours=3),
        first_name="Sanne-login",
        last_name="Bakker-login",
        email="login.sanne@example.org",
    )
    MemberEvent.objects.filter(member=member).update(
        note="Nieuw adres doorgegeven", former_email="vorig.adres.sanne@example.org"
    )
    FamilyAccess.objects.filter(owner=member).update(
        decided_at=now - dt.timedelta(days=2),
        ended_at=now - dt.timedelta(days=1),
        ended_by=other,
    )
    FamilyAccessEvent.objects.filter(owner=member).update(detail="Leenoverzicht bekeken")
    GuardianLink.objects.filter(child=member).update(
        check_note="Paspoort gezien", ended_at=now - dt.timedelta(hours=5)
    )
    IdentityChangeRequest.objects.filter(member=member).update(
        name_prefix="de", decided_at=now - dt.timedelta(hours=6), document_seen="rijbewijs"
    )

    LoanEvent.objects.create(
        loan=full.open_loan,
        action=LoanAction.CHECKOUT,
        at=full.open_loan.checked_out_at,
        branch=branch,
        staff=full.staff,
        via="desk",
    )
    returned = full.returned_loan
    Loan.objects.filter(pk=returned.pk).update(renewals=2, return_branch=elsewhere)
    LoanEvent.objects.create(
        loan=returned, action=LoanAction.RENEW, at=now - dt.timedelta(days=3), via="portal"
    )
    LoanEvent.objects.create(
        loan=returned,
        action=LoanAction.RETURN,
        at=now - dt.timedelta(days=1),
        branch=elsewhere,
        staff=full.staff,
        via="desk",
    )

    LoanReminder.objects.create(
        loan=full.open_loan,
        days_after_due=7,
        message=ReminderMessage.REMINDER,
        outcome=ReminderOutcome.SENT,
        done_on=today - dt.timedelta(days=2),
    )

    hold: Hold = full.hold
    copy = ItemFactory.create(record=hold.record, home_branch=elsewhere, current_branch=branch)
    Hold.objects.filter(pk=hold.pk).update(
        status=HoldStatus.READY,
        item=copy,
        ready_at=now - dt.timedelta(hours=8),
        pickup_deadline=today + dt.timedelta(days=6),
        closed_at=now - dt.timedelta(hours=1),
        age_band=AgeBand.ADULT,
    )
    HoldEvent.objects.create(
        hold=hold, action=HoldAction.TRAP, at=now - dt.timedelta(hours=9), item=copy
    )
    Transfer.objects.create(
        item=copy,
        from_branch=elsewhere,
        to_branch=branch,
        reason=TransferReason.HOLD,
        hold=hold,
        status=TransferStatus.RECEIVED,
        sent_at=now - dt.timedelta(hours=12),
        received_at=now - dt.timedelta(hours=8),
    )

    Notice.objects.filter(member=member).update(problem=NoticeProblem.TOO_MANY_ATTEMPTS, attempts=3)
    DeliveryAttempt.objects.filter(notice__member=member).update(
        ok=False, error="550 mailbox of sanne.bakker@example.org is full"
    )
    version = StatementVersion.objects.get(version="2026-1")
    ConsentEvent.objects.filter(member=member).update(statement_version=version)
    StatementResponse.objects.filter(member=member).update(handled_at=now - dt.timedelta(hours=2))
    partner = Partner.objects.create(
        name="E-boekenpartner BV",
        purpose="E-books lenen",
        legal_basis=LegalBasis.CONSENT,
        agreement_kind=AgreementKind.PROCESSOR,
    )
    Disclosure.objects.filter(member=member, hidden_until__isnull=True).update(
        partner=partner, hidden_until=today - dt.timedelta(days=1)
    )
    ErasureRequest.objects.filter(member=member).update(done_at=now - dt.timedelta(minutes=30))
    EmailChange.objects.filter(member=member).update(confirmed_at=now - dt.timedelta(minutes=40))
    _logins(full, now)
    _money(full, now)
    _direct_debit(full, now)
    _app_access(full, now)
    _interlibrary(full, now)
    _interests(full, now)
    _newsletter(full, now)
    _contests(full, now)
    _panel(full, now)
    member.refresh_from_db()
    return full


def _panel(full: FullMember, now: dt.datetime) -> None:
    """An invitation to a survey of the research panel, e-mailed and answered."""
    from kaft.outreach.models import Invitation, Survey, SurveyStatus

    survey = Survey.objects.create(
        title="Hoe bevalt de bibliotheek?",
        kind="built_in",
        status=SurveyStatus.OPEN,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        created_at=now - dt.timedelta(days=1),
    )
    Invitation.objects.create(
        survey=survey,
        member=full.member,
        invited_at=now - dt.timedelta(days=1),
        mailed_at=now - dt.timedelta(hours=20),
        answered_at=now - dt.timedelta(hours=2),
    )


def _contests(full: FullMember, now: dt.datetime) -> None:
    """An entry in a contest, from MijnBibliotheek, that won and was told."""
    from kaft.outreach.models import ContestField, Entry, EntryChannel
    from kaft.outreach.services.contests_entries import entry_create
    from tests.factories_contests import a_campaign

    fields = (ContestField.NAME, ContestField.EMAIL, ContestField.CARD_NUMBER, ContestField.ANSWER)
    member = full.member
    entry = entry_create(
        campaign=a_campaign(title="Boekenweekquiz", fields=fields),
        channel=EntryChannel.PORTAL,
        member=member,
        first_name=member.first_name,
        last_name=member.last_name,
        email=member.email,
        card_number=member.card_number,
        answer="De Tweeling",
        name_shown=True,
        language="nl",
    )
    Entry.objects.filter(pk=entry.pk).update(winner=True, told_at=now - dt.timedelta(hours=1))


def _newsletter(full: FullMember, now: dt.datetime) -> None:
    """The newsletter: an earlier subscription ended, the current one confirmed, an issue sent
    to it that bounced (so the address is marked not deliverable)."""
    from kaft.outreach.models import (
        Delivery,
        DeliveryStatus,
        NewsletterIssue,
        Subscription,
        SubscriptionStatus,
        SubscriptionVia,
    )

    member = full.member
    Subscription.objects.create(
        member=member,
        status=SubscriptionStatus.ENDED,
        via=SubscriptionVia.DESK,
        branch=member.home_branch,
        requested_at=now - dt.timedelta(days=20),
        confirmed_at=now - dt.timedelta(days=19),
        ended_at=now - dt.timedelta(days=10),
    )
    current = Subscription.objects.create(
        member=member,
        status=SubscriptionStatus.ACTIVE,
        via=SubscriptionVia.PORTAL,
        branch=member.home_branch,
        requested_at=now - dt.timedelta(days=5),
        confirmed_at=now - dt.timedelta(days=5),
        undeliverable_at=now - dt.timedelta(hours=3),
    )
    issue = NewsletterIssue.objects.create(subject="Nieuws in december", created_at=now)
    Delivery.objects.create(
        issue=issue,
        subscription=current,
        status=DeliveryStatus.BOUNCED,
        queued_at=now - dt.timedelta(hours=4),
        sent_at=now - dt.timedelta(hours=4),
        bounced_at=now - dt.timedelta(hours=3),
        attempts=1,
    )


def _interests(full: FullMember, now: dt.datetime) -> None:
    """An interest the member chose (Thrillers)."""
    from kaft.outreach.models import Interest, InterestKind, MemberInterest

    interest = Interest.objects.create(
        code="thrillers", name_nl="Thrillers", name_en="Thrillers", kind=InterestKind.GENRE
    )
    MemberInterest.objects.create(member=full.member, interest=interest, chosen_at=now)


def _interlibrary(full: FullMember, now: dt.datetime) -> None:
    """A book borrowed from another library for the member, back and completed."""
    from kaft.interlibrary.models import (
        IllAction,
        IllRole,
        IllStatus,
        InterlibraryEvent,
        InterlibraryRequest,
        LibraryPartner,
        OutboxStatus,
        OutgoingMessage,
    )

    partner = LibraryPartner.objects.create(
        name="Bibliotheek Zuid", isil="NL-ZuidOBA", endpoint_url="https://zuid.example.org/ill"
    )
    request = InterlibraryRequest.objects.create(
        role=IllRole.REQUESTING,
        status=IllStatus.LOAN_COMPLETED,
        partner=partner,
        branch=full.branch,
        member=full.member,
        requesting_id="NL-Export-1",
        title="De avonden",
        author="Reve, Gerard",
        isbn="9789023466512",
        description="Eerste druk graag",
        due_date=timezone.localdate() + dt.timedelta(days=10),
        fee=Decimal("2.50"),
        received_at=now - dt.timedelta(days=20),
        returned_at=now - dt.timedelta(days=3),
        note="Met dank terug ontvangen",
        created_at=now - dt.timedelta(days=30),
        closed_at=now - dt.timedelta(days=1),
    )
    InterlibraryEvent.objects.create(
        request=request,
        action=IllAction.CHECK_IN,
        status_before=IllStatus.LOANED,
        status_after=IllStatus.LOAN_COMPLETED,
        at=now - dt.timedelta(days=1),
        note="Onbeschadigd",
    )
    OutgoingMessage.objects.create(
        request=request,
        kind="requestingAgencyMessage:ShippedReturn",
        body="<ill:ISO18626Message/>",
        status=OutboxStatus.SENT,
        created_at=now - dt.timedelta(days=3),
        sent_at=now - dt.timedelta(days=3),
    )


def _app_access(full: FullMember, now: dt.datetime) -> None:
    """The member gave the library's app access at the consent page of the API."""
    from oauth2_provider.models import AccessToken, Application

    app = Application.objects.create(
        name="Bieb-app",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://app.example.org/terug",
    )
    AccessToken.objects.create(
        user=full.member.user,
        application=app,
        token="export-test-token",
        scope="me",
        resource=["https://bibliotheek.example.org/api/v1/"],
        expires=now + dt.timedelta(hours=1),
    )
    # and signed in to a partner service (OpenID Connect), which received the defaults
    from kaft.privacy.models import PartnerClient, PartnerSignIn
    from tests.factories_transparency import PartnerFactory

    service = Application.objects.create(
        name="Landelijke e-bookdienst",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://ebooks.example.org/terug",
    )
    client = PartnerClient.objects.create(
        application=service,
        partner=PartnerFactory.create(name="Landelijke e-bookdienst (inloggen)"),
        sector_identifier="ebooks.example.org",
    )
    PartnerSignIn.objects.create(
        member=full.member,
        client=client,
        first_at=now - dt.timedelta(days=3),
        last_at=now - dt.timedelta(hours=2),
        claims=["member_of", "age_band"],
    )


def _money(full: FullMember, now: dt.datetime) -> None:
    """A fine put on an invoice, partly paid at the desk, the rest waived."""
    member, branch = full.member, full.branch
    loan = Loan.objects.filter(member=member).first()
    invoice = Invoice.objects.create(
        member=member, issued_on=now.date(), due_on=now.date() + dt.timedelta(days=14)
    )
    charge = charge_create(
        member=member,
        kind=ChargeKind.OVERDUE_FINE,
        amount=Decimal("3.00"),
        now=now - dt.timedelta(days=2),
        item=loan.item if loan else ItemFactory.create(),
        loan_id=loan.pk if loan else None,
        branch=branch,
        note="Te laat ingeleverd",
        accruing=True,
        period_start=now.date() - dt.timedelta(days=30),
        period_end=now.date(),
    )
    Charge.objects.filter(pk=charge.pk).update(invoice=invoice)
    payment_take(
        member=member,
        amount=Decimal("1.00"),
        method=PaymentMethod.PIN,
        branch=branch,
        now=now - dt.timedelta(days=1),
    )
    ChargeEvent.objects.create(
        charge=charge,
        kind=ChargeEventKind.WAIVED,
        amount=Decimal("2.00"),
        owed_change=Decimal("-2.00"),
        at=now,
        method=PaymentMethod.CASH,
        reason="Coulance",
        branch=branch,
    )


def _direct_debit(full: FullMember, now: dt.datetime) -> None:
    """An ended mandate with its events, a membership fee collected in a run and returned."""
    from decimal import Decimal

    from kaft.billing.models import (
        Charge,
        ChargeKind,
        CollectionStatus,
        Mandate,
        MandateAction,
        MandateEvent,
        SepaCollection,
        SepaCollectionCharge,
        SepaReturn,
        SepaReturnFile,
        SepaRun,
    )

    member = full.member
    today = timezone.localdate()
    mandate = Mandate.objects.create(
        member=member,
        reference="KAFT-00000001-EXPORT01",
        signed_on=today - dt.timedelta(days=60),
        via="paper",
        iban="NL91ABNA0417164300",
        bic="ABNANL2A",
        status="ended",
        created_at=now - dt.timedelta(days=60),
        ended_at=now - dt.timedelta(days=1),
        last_collected_on=today - dt.timedelta(days=10),
        statement_version=StatementVersion.objects.get(version="2026-1"),
        staff=full.staff,
    )
    MandateEvent.objects.create(
        mandate=mandate,
        action=MandateAction.BANK_END,
        at=now - dt.timedelta(days=1),
        reason="AC04: de rekening is opgeheven",
    )
    run = SepaRun.objects.create(
        collection_date=today - dt.timedelta(days=10),
        format="pain.008.001.02",
        message_id="20261127-EXPORT",
        stored_as="sepa/runs/export.xml",
        created_at=now - dt.timedelta(days=12),
        count=1,
        total=Decimal("52.00"),
    )
    charge = Charge.objects.create(
        member=member, kind=ChargeKind.MEMBERSHIP, created_at=now - dt.timedelta(days=40)
    )
    collection = SepaCollection.objects.create(
        member=member,
        mandate=mandate,
        collection_date=run.collection_date,
        amount=Decimal("52.00"),
        end_to_end_id="KAFT-20261127-EXPORT0000000001",
        status=CollectionStatus.RETURNED,
        announced_at=now - dt.timedelta(days=30),
        sequence_type="FRST",
        run=run,
    )
    SepaCollectionCharge.objects.create(
        collection=collection, charge=charge, amount=Decimal("52.00")
    )
    read = SepaReturnFile.objects.create(
        message_id="PSR-EXPORT", kind="pain.002", imported_at=now - dt.timedelta(days=2)
    )
    SepaReturn.objects.create(
        file=read,
        collection=collection,
        member=member,
        end_to_end_id=collection.end_to_end_id,
        reason_code="AC04",
        amount=Decimal("52.00"),
        at=now - dt.timedelta(days=2),
        mandate_ended=True,
    )


# A login record of the member's own (the export shows it); the others are not theirs.
OWN_LOGIN_ADDRESS = "203.0.113.7"
OTHER_MEMBERS_LOGIN_ADDRESS = "198.51.100.23"
TYPED_ADDRESS_LOGIN_ADDRESS = "192.0.2.99"


def _logins(full: FullMember, now: dt.datetime) -> None:
    """django-axes login records: the member's own, under ``member-<id>``, with every column
    filled; another member's; and one under the member's e-mail address as typed (a household
    may share it), which must not reach the member's export."""
    for username, address in (
        (member_username(full.member.pk), OWN_LOGIN_ADDRESS),
        (member_username(full.other.pk), OTHER_MEMBERS_LOGIN_ADDRESS),
        (full.member.email, TYPED_ADDRESS_LOGIN_ADDRESS),
    ):
        log = AccessLog.objects.create(
            username=username,
            ip_address=address,
            user_agent=f"Mozilla/5.0 (Kaft test; {address})",
            http_accept="text/html,application/xhtml+xml",
            path_info="/mijn/inloggen/",
            logout_time=now - dt.timedelta(hours=4),
            session_hash="0f" * 32,
        )
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - dt.timedelta(hours=5))
