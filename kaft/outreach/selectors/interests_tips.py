"""Tips in MijnBibliotheek, "Misschien ook iets voor u": titles from the catalogue for one member.

Tips come from two sources and nothing else (no searches, no pages viewed):

- the interests the member chose, which need the interests consent (purpose ``interests``,
  "Interests and recommendations"): titles with one of the catalogue subjects an interest stands
  for (:attr:`kaft.outreach.models.Interest.subjects`, and its audience if it has one);
- only for members who keep their loan history (purpose ``loan_history``, on top of the
  interests consent, which covers recommendations as such): titles by the same author as, or
  with a subject of, what they borrowed lately.

A tip is never a title the member has on loan now or has reserved (open loans, reservations
still waiting, on their way or ready). Titles returned, and reservations picked up, cancelled or
expired, are the member's loan history: they are left out only for members who keep their loan
history (``loan_history``), and for the others not even read. A tip is always a title with a copy in the public
catalogue that can be lent (not lost, withdrawn, damaged, reference, nor a copy another library
lent for one member: :mod:`kaft.circulation.selectors.availability`). Each tip says why it is
shown. :func:`member_tips` runs a fixed number of queries, whatever the member chose or borrowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import zip_longest

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from kaft.catalog.models import Item, Record
from kaft.circulation.models import ACTIVE_HOLD_STATUSES, Hold, Loan, LoanStatus
from kaft.circulation.selectors.availability import records_availability
from kaft.circulation.selectors.loans import UNHOLDABLE_TYPES, UNLOANABLE_STATUSES
from kaft.members.models import Member
from kaft.outreach.models import Interest, InterestKind
from kaft.outreach.selectors.interests import member_interests
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.services.consent import consent_given

MAX_TIPS = 12
# Candidates read per source, newest titles first: enough to spread the tips over interests.
POOL = 120
# Loans looked at for "because you borrowed": the most recent ones.
RECENT_LOANS = 10
_RECORD_FIELDS = ("id", "title", "subtitle", "contributors", "subjects", "audience", "year")


@dataclass(frozen=True)
class Tip:
    """One title, and why it is shown: an interest the member chose or a title they borrowed."""

    record: Record
    interest: Interest | None = None
    borrowed: Record | None = None
    available_at: list[str] = field(default_factory=list)  # branches with it on the shelf

    @property
    def reason(self) -> str:
        if self.interest is not None:
            if self.interest.kind in (InterestKind.GENRE, InterestKind.SUBJECT):
                return _("Because you like %(interest)s") % {"interest": self.interest.name}
            return _("Because you chose %(interest)s") % {"interest": self.interest.name}
        assert self.borrowed is not None
        return _("Because you borrowed %(title)s") % {"title": self.borrowed.title}


def _lines(text: str) -> set[str]:
    return {line.strip().casefold() for line in text.splitlines() if line.strip()}


def _has_line(column: str, value: str) -> Q:
    """``column`` (one value per line) holds ``value`` as a whole line, in any case."""
    return (
        Q(**{f"{column}__iexact": value})
        | Q(**{f"{column}__istartswith": f"{value}\n"})
        | Q(**{f"{column}__iendswith": f"\n{value}"})
        | Q(**{f"{column}__icontains": f"\n{value}\n"})
    )


def _candidates(member: Member, match: Q, *, history: bool) -> list[Record]:
    """Lendable titles matching ``match`` that the member has not on loan nor reserved now; with
    ``history`` (the member keeps their loan history) also none they ever borrowed or reserved.
    Without it the returned loans and past reservations are not read at all."""
    lendable = Item.objects.filter(record=OuterRef("pk")).exclude(
        Q(status__in=UNLOANABLE_STATUSES) | Q(item_type__in=UNHOLDABLE_TYPES)
    )
    loans = Loan.objects.filter(member=member)
    holds = Hold.objects.filter(member=member)
    if not history:
        loans = loans.filter(status=LoanStatus.OPEN)
        holds = holds.filter(status__in=ACTIVE_HOLD_STATUSES)
    return list(
        Record.objects.filter(match)
        .filter(Exists(lendable))
        .exclude(pk__in=loans.values("record_id"))
        .exclude(pk__in=holds.values("record_id"))
        .only(*_RECORD_FIELDS)
        .order_by("-pk")[:POOL]
    )


def _interest_matches(interest: Interest, record: Record) -> bool:
    if interest.audience and record.audience != interest.audience:
        return False
    return bool(_lines(record.subjects) & {s.casefold() for s in interest.subject_list})


def _from_interests(member: Member, interests: list[Interest], *, history: bool) -> list[Tip]:
    """Tips per interest, taking turns so that one interest does not fill the list."""
    usable = [interest for interest in interests if interest.subject_list]
    if not usable:
        return []
    match = Q()
    for interest in usable:
        subjects = Q()
        for subject in interest.subject_list:
            subjects |= _has_line("subjects", subject)
        match |= subjects & Q(audience=interest.audience) if interest.audience else subjects
    per_interest: dict[int, list[Record]] = {interest.pk: [] for interest in usable}
    for record in _candidates(member, match, history=history):
        for interest in usable:
            if _interest_matches(interest, record):
                per_interest[interest.pk].append(record)
                break
    by_pk = {interest.pk: interest for interest in usable}
    return _take_turns({by_pk[pk]: records for pk, records in per_interest.items()})


def _take_turns(groups: dict[Interest, list[Record]]) -> list[Tip]:
    tips: list[Tip] = []
    queues = [(interest, list(records)) for interest, records in groups.items() if records]
    while queues:
        for interest, records in queues:
            tips.append(Tip(record=records.pop(0), interest=interest))
        queues = [(interest, records) for interest, records in queues if records]
    return tips


def _from_history(member: Member) -> list[Tip]:
    """Tips like the titles the member borrowed lately: same author first, then same subject."""
    recent: list[Record] = []
    for loan in (
        Loan.objects.filter(member=member)
        .select_related("record")
        .only(*(f"record__{name}" for name in _RECORD_FIELDS), "checked_out_at")
        .order_by("-checked_out_at")[:RECENT_LOANS]
    ):
        if all(loan.record.pk != seen.pk for seen in recent):
            recent.append(loan.record)
    if not recent:
        return []
    match = Q()
    for record in recent:
        for author in record.contributor_list[:1]:
            match |= _has_line("contributors", author.strip())
        for subject in record.subject_list[:3]:
            match |= _has_line("subjects", subject.strip())
    by_author: list[Tip] = []
    by_subject: list[Tip] = []
    for candidate in _candidates(member, match, history=True):
        authors, subjects = _lines(candidate.contributors), _lines(candidate.subjects)
        author_of = next(
            (r for r in recent if _lines("\n".join(r.contributor_list[:1])) & authors), None
        )
        if author_of is not None:
            by_author.append(Tip(record=candidate, borrowed=author_of))
            continue
        subject_of = next(
            (r for r in recent if _lines("\n".join(r.subject_list[:3])) & subjects), None
        )
        if subject_of is not None:
            by_subject.append(Tip(record=candidate, borrowed=subject_of))
    return by_author + by_subject


def member_tips(member: Member, *, limit: int = MAX_TIPS) -> list[Tip]:
    """Up to ``limit`` tips for ``member`` (see the module's docstring); none without the
    interests consent. Interest tips and loan-history tips take turns. At most eight queries."""
    if not consent_given(member=member, purpose=ConsentPurpose.INTERESTS):
        return []
    history = consent_given(member=member, purpose=ConsentPurpose.LOAN_HISTORY)
    interests = [chosen.interest for chosen in member_interests(member)]
    from_interests = _from_interests(member, interests, history=history)
    from_history: list[Tip] = []
    if history:
        from_history = _from_history(member)
    tips: list[Tip] = []
    seen: set[int] = set()
    for pair in zip_longest(from_interests, from_history):
        for tip in pair:
            if tip is not None and tip.record.pk not in seen and len(tips) < limit:
                seen.add(tip.record.pk)
                tips.append(tip)
    availability = records_availability(tip.record.pk for tip in tips)
    return [
        Tip(
            record=tip.record,
            interest=tip.interest,
            borrowed=tip.borrowed,
            available_at=availability[tip.record.pk].available_at,
        )
        for tip in tips
    ]
