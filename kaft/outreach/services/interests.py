"""Writes for interests: a member chooses or removes interests; the library's list.

A member's interests exist only with the ``interests`` consent. Every write that adds one runs
under the member's lock (:func:`kaft.members.locks.member_for_update`) and asks the consent
there, the same lock :func:`kaft.privacy.services.consent.consent_set` takes: a withdrawal at the
same moment waits, and then :func:`interests_delete_on_withdrawal` deletes what was added.
Removing is always possible, consent or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kaft.catalog.models import Audience, Branch
from kaft.members.locks import member_for_update
from kaft.members.models import Member, User
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.interests import InterestErrorCode
from kaft.outreach.models import Interest, InterestKind, MemberInterest
from kaft.outreach.selectors.interests import interest_newsletter_waiting
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.services.consent import consent_given


def _require_consent(member: Member) -> None:
    if not consent_given(member=member, purpose=ConsentPurpose.INTERESTS):
        raise OutreachError(InterestErrorCode.NO_CONSENT)


def interest_choose(*, member: Member, interest: Interest) -> MemberInterest:
    """Add ``interest`` to the member's interests (choosing it again changes nothing).

    Refused without the interests consent (NO_CONSENT) and for an interest that is not offered
    (NOT_OFFERED); nothing is written then. Locks the member."""
    with transaction.atomic():
        locked = member_for_update(member.pk)
        _require_consent(locked)
        if not Interest.objects.filter(pk=interest.pk, active=True).exists():
            raise OutreachError(InterestErrorCode.NOT_OFFERED)
        chosen, _created = MemberInterest.objects.get_or_create(
            member=locked, interest=interest, defaults={"chosen_at": timezone.now()}
        )
        return chosen


def interest_remove(*, member: Member, interest: Interest) -> bool:
    """Remove ``interest`` from the member's interests; False when it was not chosen."""
    deleted, _rows = MemberInterest.objects.filter(member=member, interest=interest).delete()
    return deleted > 0


@dataclass(frozen=True)
class InterestsChange:
    added: int
    removed: int


def interests_set(*, member: Member, interests: Iterable[Interest]) -> InterestsChange:
    """Make the member's chosen interests exactly ``interests`` (the portal's form).

    Removing needs nothing; adding needs the consent (NO_CONSENT: nothing written, not even the
    removals, so the member sees the form as it was) and only offered interests (NOT_OFFERED).
    Interests the library no longer offers are not touched: the form does not show them."""
    wanted = {interest.pk for interest in interests}
    with transaction.atomic():
        locked = member_for_update(member.pk)
        current = set(
            MemberInterest.objects.filter(member=locked, interest__active=True).values_list(
                "interest_id", flat=True
            )
        )
        to_add, to_remove = wanted - current, current - wanted
        if to_add:
            _require_consent(locked)
            offered = set(
                Interest.objects.filter(pk__in=to_add, active=True).values_list("pk", flat=True)
            )
            if offered != to_add:
                raise OutreachError(InterestErrorCode.NOT_OFFERED)
        if to_remove:
            MemberInterest.objects.filter(member=locked, interest_id__in=to_remove).delete()
        now = timezone.now()
        MemberInterest.objects.bulk_create(
            [MemberInterest(member=locked, interest_id=pk, chosen_at=now) for pk in sorted(to_add)]
        )
        return InterestsChange(added=len(to_add), removed=len(to_remove))


def interests_delete_all(*, member: Member) -> int:
    """Delete every interest of the member, active or not; how many there were."""
    deleted, _rows = MemberInterest.objects.filter(member=member).delete()
    return deleted


def interests_delete_on_withdrawal(member: Member, staff: User | None) -> None:
    """The member withdrew the interests consent somewhere (portal, desk, erasure, a parent):
    every interest they chose is deleted in the same transaction. Registered with
    :func:`kaft.privacy.services.consent_hooks.on_consent_withdrawn` in ``OutreachConfig.ready``.
    """
    interests_delete_all(member=member)


# --- The library's list -------------------------------------------------------------------------

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")


def interest_create(
    *,
    code: str,
    name_nl: str,
    name_en: str,
    kind: InterestKind,
    subjects: str = "",
    audience: str = "",
    branch: Branch | None = None,
    order: int = 0,
) -> Interest:
    """Add an interest to the library's list (offered at once). Refused: a code that is not
    lower-case letters, digits and hyphens (CODE_INVALID) or already used (CODE_TAKEN), a name
    missing (NAME_MISSING), a branch for anything but an activity (BRANCH_ONLY_FOR_ACTIVITY)."""
    code = code.strip()
    if not _CODE.match(code):
        raise OutreachError(InterestErrorCode.CODE_INVALID)
    if not name_nl.strip() or not name_en.strip():
        raise OutreachError(InterestErrorCode.NAME_MISSING)
    if branch is not None and InterestKind(kind) != InterestKind.ACTIVITY:
        raise OutreachError(InterestErrorCode.BRANCH_ONLY_FOR_ACTIVITY)
    lines = "\n".join(line.strip() for line in subjects.splitlines() if line.strip())
    with transaction.atomic():
        if Interest.objects.filter(code=code).exists():
            raise OutreachError(InterestErrorCode.CODE_TAKEN, taken=code)
        return Interest.objects.create(
            code=code,
            name_nl=name_nl.strip(),
            name_en=name_en.strip(),
            kind=InterestKind(kind),
            subjects=lines,
            audience=audience,
            branch=branch,
            order=order,
        )


def interest_set_active(*, interest: Interest, active: bool) -> Interest:
    """Offer an interest again, or stop offering it: members no longer see it, tips and
    newsletters "by interest" no longer use it; the members' choices are kept, so offering it
    again brings them back.

    Stopping is refused (NEWSLETTER_WAITING, nothing changed) while a newsletter issue that
    goes to the members of this interest is scheduled or being sent: it could not be sent any
    more. Locks the interest's row, then reads the issues."""
    with transaction.atomic():
        locked = Interest.objects.select_for_update().get(pk=interest.pk)
        if not active:
            waiting = interest_newsletter_waiting(locked.code)
            if waiting is not None:
                raise OutreachError(
                    InterestErrorCode.NEWSLETTER_WAITING,
                    interest=locked.name,
                    subject=waiting.subject,
                )
        Interest.objects.filter(pk=locked.pk).update(active=active)
    interest.active = active
    return interest


# code, Dutch name, English name, kind, catalogue subjects (one per line), audience.
DEFAULT_INTERESTS: tuple[tuple[str, str, str, InterestKind, str, str], ...] = (
    ("romans", "Romans", "Novels", InterestKind.GENRE, "Romans\nFamilieromans\nStreekromans", ""),
    ("thrillers", "Thrillers", "Thrillers", InterestKind.GENRE, "Thrillers\nDetectives", ""),
    (
        "historische-romans",
        "Historische romans",
        "Historical novels",
        InterestKind.GENRE,
        "Historische romans\nOorlogsromans",
        "",
    ),
    ("fantasy", "Fantasy en sciencefiction", "Fantasy and science fiction", InterestKind.GENRE,
     "Fantasy\nSciencefiction", ""),
    ("poezie", "Poëzie en verhalen", "Poetry and stories", InterestKind.GENRE,
     "Poëzie\nVerhalen", ""),
    ("kookboeken", "Kookboeken", "Cookery", InterestKind.SUBJECT, "Koken\nKookboeken", ""),
    ("reizen", "Reizen", "Travel", InterestKind.SUBJECT, "Reizen\nReisgidsen", ""),
    ("geschiedenis", "Geschiedenis", "History", InterestKind.SUBJECT,
     "Geschiedenis\nTweede Wereldoorlog\nBiografieën", ""),
    ("natuur", "Natuur en tuin", "Nature and gardening", InterestKind.SUBJECT,
     "Natuur\nVogels\nDieren\nTuinieren\nKlimaat", ""),
    ("gezondheid", "Gezondheid", "Health", InterestKind.SUBJECT,
     "Gezondheid\nPsychologie\nSport", ""),
    ("kunst", "Kunst en cultuur", "Art and culture", InterestKind.SUBJECT,
     "Kunst\nMuziek\nFotografie\nArchitectuur", ""),
    ("peuters-kleuters", "Peuters en kleuters", "Toddlers and pre-schoolers",
     InterestKind.AGE_GROUP, "Prentenboeken\nVoorleesboeken", Audience.YOUTH),
    ("kinderen", "Kinderen 6-12", "Children 6-12", InterestKind.AGE_GROUP,
     "Kinderboeken\nStrips\nAvontuur\nSprookjes", Audience.YOUTH),
    ("jongeren", "Jongeren", "Young adults", InterestKind.AGE_GROUP,
     "Jeugdboeken\nVriendschap", Audience.YOUTH),
    ("taal-nt2", "Taal en lezen (NT2)", "Language and reading (Dutch as a second language)",
     InterestKind.SUBJECT, "Nederlands als tweede taal\nNT2\nTaal", ""),
    ("lezingen", "Lezingen", "Talks", InterestKind.ACTIVITY, "", ""),
    ("voorleesuurtjes", "Voorleesuurtjes", "Story hours", InterestKind.ACTIVITY,
     "Voorleesboeken", Audience.YOUTH),
    ("digitale-hulp", "Digitale hulp", "Digital help", InterestKind.ACTIVITY, "Computers", ""),
)  # fmt: skip


def interests_seed_defaults() -> int:
    """Add the suggested list of a Dutch public library; how many were added.

    Idempotent: an interest whose code exists is left as the library changed it."""
    existing = set(Interest.objects.values_list("code", flat=True))
    new = [
        Interest(
            code=code,
            name_nl=name_nl,
            name_en=name_en,
            kind=kind,
            subjects=subjects,
            audience=audience,
            order=(position + 1) * 10,
        )
        for position, (code, name_nl, name_en, kind, subjects, audience) in enumerate(
            DEFAULT_INTERESTS
        )
        if code not in existing
    ]
    Interest.objects.bulk_create(new)
    return len(new)
