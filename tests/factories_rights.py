"""A member with rows in every table of the register of personal data (export and erasure tests),
and a second member linked to them (family access, guardian, consent by a guardian)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.circulation.models import AgeBand, Hold, HoldStatus, Loan, LoanStatus
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
    User,
)
from kaft.notices.models import DeliveryAttempt, Notice, NoticeStatus
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
    StatementResponse,
    StatementSeen,
    StatementVersion,
)
from tests.factories import BranchFactory, MemberFactory, StaffFactory
from tests.factories_portal import HoldFactory, LoanFactory


@dataclass
class FullMember:
    member: Member
    other: Member
    staff: User
    branch: Branch
    open_loan: Loan
    returned_loan: Loan
    hold: Hold


def make_member(**kwargs: object) -> Member:
    return cast(Member, MemberFactory.create(**kwargs))


def make_staff(**kwargs: object) -> User:
    return cast(User, StaffFactory.create(**kwargs))


def make_loan(member: Member, **kwargs: object) -> Loan:
    return cast(Loan, LoanFactory.create(member=member, **kwargs))


def make_full_member(*, erasable: bool = False) -> FullMember:
    """A member (Sanne Bakker) with a row in every table the register lists; ``other`` (Joris
    Smit) shares family access, is her guardian and gave a consent for her.

    ``erasable``: her loan is returned too, so nothing stands in the way of erasure."""
    now = timezone.now()
    branch = cast(Branch, BranchFactory.create(code="centrum", name="Centrale Bibliotheek"))
    staff = make_staff(profile__branch=branch, profile__display_name="Balie Centrum")
    member = make_member(
        first_name="Sanne",
        last_name="Bakker",
        card_number="21000000000777",
        email="sanne.bakker@example.org",
        phone="0612345678",
        home_branch=branch,
    )
    other = make_member(
        first_name="Joris",
        last_name="Smitsma",
        card_number="21000000000888",
        email="joris.smitsma@example.org",
        home_branch=branch,
    )
    Address.objects.create(
        member=member,
        kind=AddressKind.HOME,
        street="Lindelaan",
        house_number="4",
        postcode="3511 AB",
        city="Utrecht",
    )
    MessagePreference.objects.create(
        member=member, message_type=MessageType.HOLD_READY, channel=Channel.EMAIL
    )
    MemberEvent.objects.create(member=member, action=MemberAction.REGISTERED, at=now)
    MemberNote.objects.create(
        member=member,
        text="Pas vervangen",
        created_by=staff,
        created_at=now,
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    access = FamilyAccess.objects.create(
        owner=member,
        grantee=other,
        status=FamilyAccessStatus.ACTIVE,
        requested_at=now,
        answer_by=now + dt.timedelta(days=14),
    )
    FamilyAccessEvent.objects.create(
        access=access, owner=member, actor=other, action=FamilyAction.VIEWED, at=now
    )
    GuardianLink.objects.create(
        child=member, guardian=other, checked=GuardianCheck.ID_DOCUMENT, recorded_at=now
    )
    IdentityChangeRequest.objects.create(
        member=member,
        first_name="Sanne",
        last_name="Bakker-de Wit",
        date_of_birth=dt.date(1985, 4, 12),
        requested_at=now,
        status=RequestStatus.REFUSED,
        reason="Geen legitimatie",
    )
    IdentityCheck.objects.create(
        member=member,
        staff=staff,
        branch=branch,
        method=IdentityCheckMethod.DOCUMENT,
        document_type=IdentityDocument.PASSPORT,
        passed=True,
        at=now,
    )
    ResetCode.objects.create(
        member=member, code_hash="x", created_at=now, expires_at=now + dt.timedelta(hours=1)
    )
    EmailChange.objects.create(
        member=member,
        new_email="nieuw.adres@example.org",
        token_hash="x",
        requested_at=now,
        expires_at=now + dt.timedelta(hours=1),
    )
    open_loan = make_loan(member, age_band=AgeBand.ADULT, item__record__title="De avonden")
    returned_loan = make_loan(
        member,
        status=LoanStatus.RETURNED,
        returned_at=now - dt.timedelta(days=1),
        age_band=AgeBand.ADULT,
        item__record__title="Max Havelaar",
    )
    if erasable:
        Loan.objects.filter(pk=open_loan.pk).update(status=LoanStatus.RETURNED, returned_at=now)
        open_loan.refresh_from_db()
    hold = cast(
        Hold,
        HoldFactory.create(member=member, pickup_branch=branch, status=HoldStatus.WAITING),
    )
    notice = Notice.objects.create(
        member=member,
        message_type=MessageType.HOLD_READY,
        dedup_key=f"test:{member.pk}",
        recipient=member.email,
        subject="Uw reservering ligt klaar",
        body="Ophalen bij de Centrale Bibliotheek",
        status=NoticeStatus.SENT,
        sent_at=now,
    )
    DeliveryAttempt.objects.create(notice=notice, at=now, ok=True)
    AccessLogEntry.objects.create(
        staff=staff,
        branch=branch,
        member=member,
        staff_role="desk",
        staff_name="Balie Centrum",
        part=DataPart.LOANS,
        at=now,
    )
    Consent.objects.create(member=member, purpose=ConsentPurpose.NEWSLETTER, given=True, since=now)
    ConsentEvent.objects.create(
        member=member,
        guardian=other,
        purpose=ConsentPurpose.NEWSLETTER,
        given=True,
        at=now,
        via=ConsentVia.GUARDIAN,
    )
    version = StatementVersion.objects.create(
        version="2026-1", text_nl="Tekst", text_en="Text", published_at=now
    )
    StatementSeen.objects.create(member=member, version=version, at=now)
    StatementResponse.objects.create(member=member, version=version, message="Prima", at=now)
    Disclosure.objects.create(
        member=member,
        recipient="E-boekenpartner",
        purpose="E-books lenen",
        legal_basis="consent",
        categories=["identity"],
        at=now,
    )
    Disclosure.objects.create(
        member=member,
        recipient="Geheime ontvanger",
        purpose="Onderzoek",
        legal_basis="legal_obligation",
        categories=["loans"],
        at=now,
        hidden_until=timezone.localdate() + dt.timedelta(days=60),
    )
    ErasureRequest.objects.create(member=member, requested_at=now, status=ErasureStatus.CANCELLED)
    return FullMember(
        member=member,
        other=other,
        staff=staff,
        branch=branch,
        open_loan=open_loan,
        returned_loan=returned_loan,
        hold=hold,
    )
