"""A member with a row in every table of the privacy register, each carrying canary strings.

``member_world(member, tag)`` fills every table that holds member data for ``member`` (and the
people around them: a family member on each side, a parent, staff) with texts that contain
``kanarie-<tag>-``; a page or file that shows any of them shows that member's data.
``tables_without_rows`` names the registered tables the world left empty, so a new table in the
register must get a row here before the isolation test passes. (Loan and reservation events are
written too, although the register reaches them through their loan or reservation.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kaft.billing.models import Charge, ChargeKind, Invoice, PaymentMethod
from kaft.billing.services.charges import charge_create
from kaft.billing.services.payments import payment_take
from kaft.circulation.models import (
    HoldAction,
    HoldEvent,
    HoldStatus,
    LoanAction,
    LoanEvent,
    LoanStatus,
    Transfer,
    TransferReason,
    TransferStatus,
)
from kaft.members.models import (
    Address,
    AddressKind,
    Channel,
    EmailChange,
    FamilyAccess,
    FamilyAccessEvent,
    FamilyAccessStatus,
    FamilyAction,
    GuardianCheck,
    GuardianLink,
    IdentityChangeRequest,
    IdentityCheck,
    IdentityCheckMethod,
    IdentityDocument,
    Member,
    MemberAction,
    MemberEvent,
    MemberNote,
    MessagePreference,
    MessageType,
    RequestStatus,
    ResetCode,
)
from kaft.notices.models import DeliveryAttempt, LoanReminder, Notice, NoticeStatus
from kaft.privacy import registry
from kaft.privacy.models import (
    AccessLogEntry,
    Consent,
    ConsentEvent,
    ConsentPurpose,
    ConsentVia,
    DataPart,
    Disclosure,
    ErasureRequest,
    ErasureStatus,
    LegalRequest,
    LegalRequestStatus,
    StatementResponse,
    StatementSeen,
    StatementVersion,
)
from tests.factories import ItemFactory, MemberFactory, StaffFactory
from tests.factories_portal import HoldFactory, LoanFactory


def canary_marker(tag: str) -> str:
    return f"kanarie-{tag}-"


def _version() -> StatementVersion:
    version = StatementVersion.objects.filter(version="kanarie").first()
    if version is None:
        version = StatementVersion.objects.create(
            version="kanarie", text_nl="Tekst", text_en="Text", published_at=timezone.now()
        )
    return version


def member_world(member: Member, tag: str) -> None:
    """Give ``member`` a row in every registered table, with ``kanarie-<tag>-...`` texts."""
    c = canary_marker(tag)
    now = timezone.now()
    today = timezone.localdate()
    Member.objects.filter(pk=member.pk).update(
        first_name=f"{c}voornaam",
        last_name=f"{c}achternaam",
        email=f"{c}lid@example.org",
        phone=f"{c}tel"[:20],
    )
    assert member.user is not None
    type(member.user).objects.filter(pk=member.user_id).update(
        first_name=f"{c}login-voornaam", last_name=f"{c}login-achternaam"
    )
    member.refresh_from_db()
    staff = StaffFactory.create(profile__display_name=f"{c}medewerker"[:80])
    other_staff = StaffFactory.create()
    grantee = MemberFactory.create(first_name=f"{c}gezinslid", email=f"{c}gezin@example.org")
    owner = MemberFactory.create(first_name=f"{c}eigenaar", email=f"{c}eigenaar@example.org")
    parent = MemberFactory.create(first_name=f"{c}ouder", email=f"{c}ouder@example.org")

    Address.objects.create(
        member=member,
        kind=AddressKind.HOME,
        street=f"{c}straat",
        house_number="1",
        postcode="1234 AB",
        city=f"{c}stad",
    )
    MessagePreference.objects.create(
        member=member, message_type=MessageType.HOLD_READY, channel=Channel.EMAIL
    )
    MemberEvent.objects.create(
        member=member, action=MemberAction.BLOCKED, at=now, staff=staff, note=f"{c}blokkade"
    )
    MemberNote.objects.create(
        member=member,
        text=f"{c}aantekening",
        created_by=staff,
        created_at=now,
        expires_on=today + dt.timedelta(days=10),
    )
    given = FamilyAccess.objects.create(
        owner=member,
        grantee=grantee,
        status=FamilyAccessStatus.ACTIVE,
        requested_at=now,
        answer_by=now + dt.timedelta(days=14),
    )
    FamilyAccessEvent.objects.create(
        access=given,
        owner=member,
        actor=grantee,
        action=FamilyAction.RENEWED,
        detail=f"{c}gezinsactie",
        at=now,
    )
    FamilyAccess.objects.create(
        owner=owner,
        grantee=member,
        status=FamilyAccessStatus.REQUESTED,
        requested_at=now,
        answer_by=now + dt.timedelta(days=14),
    )
    GuardianLink.objects.create(
        child=member,
        guardian=parent,
        checked=GuardianCheck.OTHER,
        check_note=f"{c}voogdcheck",
        recorded_at=now,
    )
    IdentityChangeRequest.objects.create(
        member=member,
        first_name=f"{c}nieuwe-voornaam",
        last_name=f"{c}nieuwe-achternaam",
        date_of_birth=dt.date(1985, 4, 12),
        requested_at=now,
        status=RequestStatus.REFUSED,
        reason=f"{c}weigering",
    )
    IdentityCheck.objects.create(
        member=member,
        staff=staff,
        method=IdentityCheckMethod.DOCUMENT,
        document_type=IdentityDocument.PASSPORT,
        passed=True,
        at=now,
    )
    EmailChange.objects.create(
        member=member,
        new_email=f"{c}nieuw-adres@example.org",
        token_hash=f"{c}link"[:64],
        requested_at=now,
        expires_at=now + dt.timedelta(days=1),
    )
    ResetCode.objects.create(
        member=member, code_hash=f"{c}code", created_at=now, expires_at=now + dt.timedelta(hours=1)
    )
    loan = LoanFactory.create(member=member, item__record__title=f"{c}titel-lening")
    returned = LoanFactory.create(
        member=member,
        status=LoanStatus.RETURNED,
        returned_at=now - dt.timedelta(days=1),
        item__record__title=f"{c}titel-geschiedenis",
    )
    for action, at, of in (
        (LoanAction.CHECKOUT, now, loan),
        (LoanAction.RENEW, now, loan),
        (LoanAction.RETURN, now, returned),
    ):
        LoanEvent.objects.create(loan=of, action=action, at=at, branch=of.branch, via="portal")
    # Money: a late fee on the open loan, partly paid, another charge on an invoice.
    fine = charge_create(
        member=member,
        kind=ChargeKind.OVERDUE_FINE,
        amount=Decimal("1.35"),
        now=now,
        item=loan.item,
        loan_id=loan.pk,
        note=f"{c}boete",
        accruing=True,
    )
    invoiced = charge_create(
        member=member, kind=ChargeKind.ADMINISTRATION, amount=Decimal("2.50"), now=now,
        note=f"{c}kosten",
    )  # fmt: skip
    invoice = Invoice.objects.create(member=member, issued_on=today, due_on=today)
    Charge.objects.filter(pk=invoiced.pk).update(invoice=invoice)
    payment_take(member=member, amount=Decimal("1.00"), method=PaymentMethod.CASH, charges=[fine])
    LoanReminder.objects.create(
        loan=loan, days_after_due=7, message="reminder", outcome="sent", done_on=now.date()
    )
    hold = HoldFactory.create(
        member=member,
        pickup_branch=member.home_branch,
        record__title=f"{c}titel-reservering",
    )
    HoldEvent.objects.create(hold=hold, action=HoldAction.PLACE, at=now)
    Transfer.objects.create(
        item=ItemFactory.create(record=hold.record),
        from_branch=hold.pickup_branch,
        to_branch=hold.pickup_branch,
        reason=TransferReason.HOLD,
        hold=hold,
        status=TransferStatus.IN_TRANSIT,
        sent_at=now,
    )
    HoldFactory.create(
        member=member,
        pickup_branch=member.home_branch,
        status=HoldStatus.CANCELLED,
        closed_at=now,
        record__title=f"{c}titel-oude-reservering",
    )
    notice = Notice.objects.create(
        member=member,
        message_type=MessageType.HOLD_READY,
        dedup_key=f"{c}bericht",
        recipient=f"{c}lid@example.org",
        subject=f"{c}onderwerp",
        body=f"{c}berichttekst",
        status=NoticeStatus.SENT,
        sent_at=now,
    )
    DeliveryAttempt.objects.create(notice=notice, at=now, ok=False, error=f"{c}fout")
    AccessLogEntry.objects.create(
        staff=staff,
        member=member,
        staff_role="desk",
        staff_name=f"{c}inzage"[:80],
        part=DataPart.LOANS,
        at=now,
    )
    Consent.objects.create(member=member, purpose=ConsentPurpose.NEWSLETTER, given=True, since=now)
    ConsentEvent.objects.create(
        member=member,
        guardian=parent,
        purpose=ConsentPurpose.NEWSLETTER,
        given=True,
        at=now,
        via=ConsentVia.GUARDIAN,
    )
    version = _version()
    StatementSeen.objects.create(member=member, version=version, at=now)
    StatementResponse.objects.create(member=member, version=version, message=f"{c}reactie", at=now)
    Disclosure.objects.create(
        member=member,
        recipient=f"{c}ontvanger",
        purpose=f"{c}doel",
        legal_basis="consent",
        categories=["identity"],
        at=now,
    )
    LegalRequest.objects.create(
        authority=f"{c}instantie",
        reference=f"{c}kenmerk",
        legal_basis="art. 126nd Sv",
        member=member,
        categories=["loans"],
        period_start=today - dt.timedelta(days=30),
        period_end=today,
        registered_by=staff,
        registered_at=now,
        status=LegalRequestStatus.APPROVED,
        decided_by=other_staff,
        decided_at=now,
        decision_reason=f"{c}besluit",
        produced={"loans": [{"title": f"{c}verstrekt"}]},
    )
    ErasureRequest.objects.create(member=member, requested_at=now, status=ErasureStatus.CANCELLED)
    _money_world(member, c, staff)
    _direct_debit_rows(member, c, staff)
    _app_rows(member, c)
    _interlibrary_rows(member, c)
    _contest_rows(member, c)
    _interest_rows(member, c)
    _panel_rows(member, c)
    _newsletter_rows(member, c)


def _newsletter_rows(member: Member, c: str) -> None:
    """The member's newsletter subscription, and one issue delivered to it (the issue's subject
    is the library's, nobody's)."""
    from kaft.outreach.models import (
        Delivery,
        DeliveryStatus,
        NewsletterIssue,
        Subscription,
        SubscriptionStatus,
        SubscriptionVia,
    )

    now = timezone.now()
    subscription = Subscription.objects.create(
        member=member,
        status=SubscriptionStatus.ACTIVE,
        via=SubscriptionVia.PORTAL,
        requested_at=now,
        confirmed_at=now,
    )
    issue = NewsletterIssue.objects.create(subject="Nieuwsbrief", created_at=now)
    Delivery.objects.create(
        issue=issue, subscription=subscription, status=DeliveryStatus.SENT, queued_at=now
    )


def _panel_rows(member: Member, c: str) -> None:
    """An invitation to a survey of the research panel, open now, that only this member got."""
    from kaft.outreach.models import Invitation, Survey, SurveyStatus

    today = timezone.localdate()
    survey = Survey.objects.create(
        title=f"{c}enquete",
        kind="built_in",
        status=SurveyStatus.OPEN,
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        created_at=timezone.now(),
    )
    Invitation.objects.create(survey=survey, member=member, invited_at=timezone.now())


def _interest_rows(member: Member, c: str) -> None:
    """An interest the member chose (one the library no longer offers, so that only the
    member's own pages and export can show its name)."""
    from kaft.outreach.models import Interest, InterestKind, MemberInterest

    interest = Interest.objects.create(
        code=f"{c}interesse"[:50],
        name_nl=f"{c}interesse",
        name_en=f"{c}interest",
        kind=InterestKind.SUBJECT,
        active=False,
    )
    MemberInterest.objects.create(member=member, interest=interest, chosen_at=timezone.now())


def _contest_rows(member: Member, c: str) -> None:
    """An entry in an open contest, from MijnBibliotheek (the contest's title is nobody's)."""
    from kaft.outreach.models import ContestField, EntryChannel
    from kaft.outreach.services.contests_entries import entry_create
    from tests.factories_contests import a_campaign

    fields = (ContestField.NAME, ContestField.EMAIL, ContestField.CARD_NUMBER, ContestField.ANSWER)
    entry_create(
        campaign=a_campaign(title="Prijsvraag", fields=fields),
        channel=EntryChannel.PORTAL,
        member=member,
        first_name=f"{c}voornaam",
        last_name=f"{c}achternaam",
        email=f"{c}prijsvraag@example.org",
        card_number=member.card_number,
        answer=f"{c}antwoord",
        name_shown=True,
    )


def _interlibrary_rows(member: Member, c: str) -> None:
    """A book asked of another library for the member: the request, a step, a message."""
    from kaft.interlibrary.models import (
        IllAction,
        IllRole,
        IllStatus,
        InterlibraryEvent,
        InterlibraryRequest,
        OutgoingMessage,
    )

    now = timezone.now()
    request = InterlibraryRequest.objects.create(
        role=IllRole.REQUESTING,
        status=IllStatus.REQUEST_RECEIVED,
        branch=member.home_branch,
        member=member,
        requesting_id=f"{c}ibl",
        title=f"{c}ibl-titel",
        description=f"{c}ibl-omschrijving",
        created_at=now,
    )
    InterlibraryEvent.objects.create(
        request=request,
        action=IllAction.SEND,
        status_before=IllStatus.NEW,
        status_after=IllStatus.REQUEST_RECEIVED,
        at=now,
        note=f"{c}ibl-stap",
    )
    OutgoingMessage.objects.create(
        request=request, kind="request", body=f"{c}ibl-bericht", created_at=now
    )


def _app_rows(member: Member, c: str) -> None:
    """An app the member gave access at the API's consent page: its token, renewal and code."""
    from oauth2_provider.models import (
        AccessToken,
        Application,
        DeviceGrant,
        Grant,
        IDToken,
        RefreshToken,
    )

    later = timezone.now() + dt.timedelta(hours=1)
    app = Application.objects.create(
        name=f"{c}app",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://app.example.org/terug",
    )
    user = member.user
    access = AccessToken.objects.create(
        user=user, application=app, token=f"{c}token", scope="me", expires=later
    )
    RefreshToken.objects.create(
        user=user, application=app, token=f"{c}refresh", access_token=access
    )
    Grant.objects.create(
        user=user, application=app, code=f"{c}code", expires=later, redirect_uri=app.redirect_uris
    )
    IDToken.objects.create(user=user, application=app, expires=later)
    DeviceGrant.objects.create(
        user=user,
        device_code=f"{c}device",
        user_code=f"{c}u",
        client_id=app.client_id,
        expires=later,
    )
    # and a partner service the member signed in to (OpenID Connect)
    from kaft.privacy.models import Partner, PartnerClient, PartnerSignIn

    service = Application.objects.create(
        name=f"{c}dienst",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://dienst.example.org/terug",
    )
    partner = Partner.objects.create(
        name=f"{c}partnerdienst",
        purpose=f"{c}doel",
        legal_basis="contract",
        agreement_kind="processor",
        categories=["membership"],
    )
    client = PartnerClient.objects.create(
        application=service, partner=partner, sector_identifier=f"{c}.example.org"
    )
    now = timezone.now()
    PartnerSignIn.objects.create(
        member=member, client=client, first_at=now, last_at=now, claims=["member_of"]
    )


def _money_world(member: Member, c: str, staff: Any) -> None:
    """Charges (one on an invoice, one with the copy's title), a payment and a waiver."""

    from kaft.billing.services.charges import charge_waive

    today = timezone.localdate()
    invoice = Invoice.objects.create(
        member=member, issued_on=today, due_on=today + dt.timedelta(days=14)
    )
    damaged = ItemFactory.create(record__title=f"{c}titel-schade")
    charge = charge_create(
        member=member,
        kind=ChargeKind.DAMAGE,
        amount=Decimal("3.00"),
        item=damaged,
        note=f"{c}kostennotitie",
    )
    invoiced = charge_create(member=member, kind=ChargeKind.ADMINISTRATION, amount=Decimal("2.50"))
    invoiced.invoice = invoice
    invoiced.save(update_fields=["invoice"])
    payment_take(member=member, amount=Decimal("1.00"), method=PaymentMethod.CASH, charges=[charge])
    staff.user_permissions.add(*_waive_permission())
    charge_waive(charge=charge, staff=staff, reason=f"{c}kwijtschelding", amount=Decimal("1.00"))


def _waive_permission() -> list[Any]:
    from django.contrib.auth.models import Permission

    return list(Permission.objects.filter(codename="waive_charge"))


def _direct_debit_rows(member: Member, c: str, staff: Any) -> None:
    """A mandate, a direct debit of a membership fee in a run, and its return."""
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

    now = timezone.now()
    today = timezone.localdate()
    mandate = Mandate.objects.create(
        member=member,
        reference=f"{c}machtiging"[:35],
        signed_on=today,
        via="paper",
        iban="NL91ABNA0417164300",
        created_at=now,
        staff=staff,
    )
    MandateEvent.objects.create(
        mandate=mandate, action=MandateAction.SIGN, at=now, reason=f"{c}reden"[:200]
    )
    run = SepaRun.objects.create(
        collection_date=today,
        format="pain.008.001.02",
        message_id=f"{c}run"[:35],
        stored_as=f"sepa/runs/{c}.xml",
        created_at=now,
        count=1,
        total=Decimal("52.00"),
    )
    charge = Charge.objects.create(
        member=member, kind=ChargeKind.MEMBERSHIP, created_at=now, note=f"{c}contributie"
    )
    collection = SepaCollection.objects.create(
        member=member,
        mandate=mandate,
        collection_date=today,
        amount=Decimal("52.00"),
        end_to_end_id=f"{c}incasso"[:35],
        status=CollectionStatus.RETURNED,
        announced_at=now,
        sequence_type="FRST",
        run=run,
    )
    SepaCollectionCharge.objects.create(
        collection=collection, charge=charge, amount=Decimal("52.00")
    )
    read = SepaReturnFile.objects.create(
        message_id=f"{c}storno"[:35], kind="pain.002", imported_at=now, returned=1
    )
    SepaReturn.objects.create(
        file=read,
        collection=collection,
        member=member,
        end_to_end_id=collection.end_to_end_id,
        reason_code="AM04",
        amount=Decimal("52.00"),
        at=now,
    )


def tables_without_rows(member: Member) -> list[str]:
    """The registered tables that hold member data and have no row of ``member``."""
    empty = []
    for entry in registry.entries():
        if not entry.member_paths:
            continue  # tables no row of which can be tied to a member (login attempts, sessions)
        match = Q()
        for path in entry.member_paths:
            match |= Q(**{path: member.pk})
        if not entry.model_class._default_manager.filter(match).exists():
            empty.append(entry.model)
    return empty


def found_canaries(text: str, tag: str) -> list[str]:
    """The canary words of ``tag`` in ``text`` (each up to the next space or markup)."""
    marker = canary_marker(tag)
    found: list[Any] = []
    start = text.find(marker)
    while start != -1:
        end = start + len(marker)
        while end < len(text) and (text[end].isalnum() or text[end] in "-_@."):
            end += 1
        found.append(text[start:end])
        start = text.find(marker, end)
    return sorted(set(found))
