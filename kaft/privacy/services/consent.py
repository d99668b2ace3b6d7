"""Consents per purpose. Every use of personal data for a consent purpose asks here first.

CONTRACT (written by the lead; the consent helper implements the bodies, keeps the signatures).

Children under 16 cannot give consent themselves (UAVG art. 5): for them only a parent or
guardian with an open :class:`~kaft.members.models.GuardianLink` can say yes (``via`` is then
``guardian``). Withdrawing is always possible, for the child too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kaft.members.models import GuardianLink, Member, MemberStatus, User
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import Consent, ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.services.statement import statement_current

# Below this age a member cannot consent themselves (UAVG art. 5).
CONSENT_AGE = 16


def consent_given(*, member: Member, purpose: ConsentPurpose) -> bool:
    """True only when ``member``'s current answer for ``purpose`` is yes."""
    return Consent.objects.filter(member=member, purpose=purpose, given=True).exists()


def member_is_child(member: Member, *, today: dt.date | None = None) -> bool:
    """Whether ``member`` is younger than 16 today (so a parent or guardian consents)."""
    if member.date_of_birth is None:
        return False
    return member.age_on(today or timezone.localdate()) < CONSENT_AGE


def guardian_linked(*, child: Member, guardian: Member) -> bool:
    """Whether ``guardian`` has an open parent-or-guardian link with ``child``."""
    return GuardianLink.objects.filter(
        child=child, guardian=guardian, ended_at__isnull=True
    ).exists()


def consent_set(
    *,
    member: Member,
    purpose: ConsentPurpose,
    given: bool,
    via: ConsentVia,
    staff: User | None = None,
    guardian: Member | None = None,
) -> Consent:
    """Give or withdraw one consent: current state + a history event with the statement version.

    Locks the member (``select_for_update``) so two answers at once are applied one after the
    other. Setting the state the member already has writes nothing. A ``guardian`` must have an
    open link with the member; the event is then recorded ``via=guardian``. For a member under 16
    a yes needs such a guardian (PrivacyError CONSENT_CHILD_NEEDS_GUARDIAN otherwise).
    """
    purpose = ConsentPurpose(purpose)
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.status == MemberStatus.ERASED:
            raise PrivacyError(PrivacyErrorCode.CONSENT_MEMBER_ERASED)
        if guardian is not None:
            if not guardian_linked(child=locked, guardian=guardian):
                raise PrivacyError(PrivacyErrorCode.CONSENT_GUARDIAN_NOT_LINKED)
            via = ConsentVia.GUARDIAN
        elif given and member_is_child(locked):
            raise PrivacyError(PrivacyErrorCode.CONSENT_CHILD_NEEDS_GUARDIAN)
        current = Consent.objects.filter(member=locked, purpose=purpose).first()
        if current is not None and current.given == given:
            return current
        now = timezone.now()
        if current is None:
            current = Consent.objects.create(member=locked, purpose=purpose, given=given, since=now)
        else:
            current.given, current.since = given, now
            current.save(update_fields=["given", "since"])
        ConsentEvent.objects.create(
            member=locked,
            purpose=purpose,
            given=given,
            at=now,
            via=ConsentVia(via),
            statement_version=statement_current(),
            staff=staff,
            guardian=guardian,
        )
        return current


def members_with_consent(purpose: ConsentPurpose) -> QuerySet[Member]:
    """Members whose current answer for ``purpose`` is yes (for bulk use: newsletters, panels).

    Erased members are never included, whatever their rows say.
    """
    return Member.objects.filter(
        consents__purpose=purpose, consents__given=True, erased_at__isnull=True
    ).exclude(status=MemberStatus.ERASED)


def member_ids_with_consent(purpose: ConsentPurpose, member_ids: Iterable[int]) -> set[int]:
    """Of ``member_ids``, those with a yes for ``purpose`` (one query)."""
    return set(
        Consent.objects.filter(
            purpose=purpose,
            given=True,
            member_id__in=list(member_ids),
            member__erased_at__isnull=True,
        ).values_list("member_id", flat=True)
    )
