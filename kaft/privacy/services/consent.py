"""Consents per purpose. Every use of personal data for a consent purpose asks here first.

CONTRACT (written by the lead; the consent helper implements the bodies, keeps the signatures).

Children under 16 cannot give consent themselves (UAVG art. 5): for them only a parent or
guardian with an open :class:`~kaft.members.models.GuardianLink` can say yes (``via`` is then
``guardian``). Withdrawing is always possible, for the child too.

From 16 on only the member decides. A parent or guardian can then no longer answer for them
(CONSENT_GUARDIAN_MEMBER_16, nothing written), and a yes a parent or guardian gave before
(``Consent.by_guardian``) lapses on the 16th birthday unless the member confirms it themselves.
The lapse is decided when the consent is read, not by a nightly job: the answer is exact from
the first moment of the birthday, in every reader (:func:`consent_given`,
:func:`members_with_consent`, :func:`member_ids_with_consent`, the member's overview), and
nothing has to run for it. (A job cannot do it in SQL either: the date of birth is encrypted, so
the age is only known in Python.) The member sees such a consent in Mijn toestemmingen as
waiting for their confirmation; confirming records their own yes (``by_guardian`` cleared).
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
from kaft.privacy.services.consent_hooks import consent_withdrawn_run
from kaft.privacy.services.consent_offer import purpose_offered
from kaft.privacy.services.statement import statement_current

# Below this age a member cannot consent themselves (UAVG art. 5).
CONSENT_AGE = 16


def consent_given(*, member: Member, purpose: ConsentPurpose, today: dt.date | None = None) -> bool:
    """True only when ``member``'s current answer for ``purpose`` is yes, and that yes still
    counts: one given by a parent or guardian lapses on the member's 16th birthday. One query."""
    consent = (
        Consent.objects.filter(member=member, purpose=purpose, given=True)
        .only("pk", "by_guardian")
        .first()
    )
    if consent is None:
        return False
    return not (consent.by_guardian and guardian_consent_lapsed(member, today=today))


def member_is_child(member: Member, *, today: dt.date | None = None) -> bool:
    """Whether ``member`` is younger than 16 today (so a parent or guardian consents)."""
    if member.date_of_birth is None:
        return False
    return member.age_on(today or timezone.localdate()) < CONSENT_AGE


def guardian_consent_lapsed(member: Member, *, today: dt.date | None = None) -> bool:
    """Whether a yes a parent or guardian gave for ``member`` no longer counts: from the 16th
    birthday on (or when the date of birth is unknown, so no one can tell a child)."""
    return not member_is_child(member, today=today)


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
    open link with the member and the member must be under 16 (PrivacyError
    CONSENT_GUARDIAN_NOT_LINKED, CONSENT_GUARDIAN_MEMBER_16; nothing written); the event is then
    recorded ``via=guardian``. ``via=guardian`` without a ``guardian`` is refused the same way
    (MEMBER_16 from 16 on, NOT_LINKED below): it would record a parent's answer as the member's. For a member under 16 a yes needs such a guardian (PrivacyError
    CONSENT_CHILD_NEEDS_GUARDIAN otherwise). The member's own yes on a consent a guardian gave
    confirms it: it is recorded, and it no longer lapses at 16. A yes for a purpose the
    library does not ask for now (:func:`purpose_offered`) is refused (CONSENT_NOT_OFFERED).
    """
    purpose = ConsentPurpose(purpose)
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.status == MemberStatus.ERASED:
            raise PrivacyError(PrivacyErrorCode.CONSENT_MEMBER_ERASED)
        if guardian is None and ConsentVia(via) == ConsentVia.GUARDIAN:
            # "Given by a parent or guardian" without saying who: not the member's own answer,
            # and no parent who can be checked. Never taken as the member's yes.
            if not member_is_child(locked):
                raise PrivacyError(PrivacyErrorCode.CONSENT_GUARDIAN_MEMBER_16)
            raise PrivacyError(PrivacyErrorCode.CONSENT_GUARDIAN_NOT_LINKED)
        if guardian is not None:
            if not guardian_linked(child=locked, guardian=guardian):
                raise PrivacyError(PrivacyErrorCode.CONSENT_GUARDIAN_NOT_LINKED)
            if not member_is_child(locked):
                raise PrivacyError(PrivacyErrorCode.CONSENT_GUARDIAN_MEMBER_16)
            via = ConsentVia.GUARDIAN
        elif given and member_is_child(locked):
            raise PrivacyError(PrivacyErrorCode.CONSENT_CHILD_NEEDS_GUARDIAN)
        if given and not purpose_offered(purpose):
            raise PrivacyError(PrivacyErrorCode.CONSENT_NOT_OFFERED)
        by_guardian = given and guardian is not None
        current = Consent.objects.filter(member=locked, purpose=purpose).first()
        if (
            current is not None
            and current.given == given
            and (not given or current.by_guardian == by_guardian)
        ):
            return current
        now = timezone.now()
        if current is None:
            current = Consent.objects.create(
                member=locked, purpose=purpose, given=given, since=now, by_guardian=by_guardian
            )
        else:
            current.given, current.since, current.by_guardian = given, now, by_guardian
            current.save(update_fields=["given", "since", "by_guardian"])
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
        if not given:
            consent_withdrawn_run(member=locked, purpose=purpose, staff=staff)
        return current


def members_with_consent(purpose: ConsentPurpose) -> QuerySet[Member]:
    """Members whose current answer for ``purpose`` is yes (for bulk use: newsletters, panels).

    Erased members are never included, whatever their rows say; nor members of 16 or older
    whose yes a parent or guardian gave (read now: one query for those, then the queryset).
    """
    today = timezone.localdate()
    lapsed = [
        member.pk
        for member in Member.objects.filter(
            consents__purpose=purpose, consents__given=True, consents__by_guardian=True
        ).only("pk", "date_of_birth")
        if guardian_consent_lapsed(member, today=today)
    ]
    return (
        Member.objects.filter(
            consents__purpose=purpose, consents__given=True, erased_at__isnull=True
        )
        .exclude(status=MemberStatus.ERASED)
        .exclude(pk__in=lapsed)
    )


def member_ids_with_consent(purpose: ConsentPurpose, member_ids: Iterable[int]) -> set[int]:
    """Of ``member_ids``, those with a yes for ``purpose`` that still counts (one query)."""
    today = timezone.localdate()
    rows = Consent.objects.filter(
        purpose=purpose,
        given=True,
        member_id__in=list(member_ids),
        member__erased_at__isnull=True,
    ).select_related("member")
    return {
        row.member_id
        for row in rows.only("member_id", "by_guardian", "member__date_of_birth")
        if not (row.by_guardian and guardian_consent_lapsed(row.member, today=today))
    }
