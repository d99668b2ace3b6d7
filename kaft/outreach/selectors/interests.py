"""Reads for interests: the list members choose from, a member's choices, and who chose what.

Who chose an interest is only ever read together with the consent, as it is at the moment of
reading (:func:`kaft.privacy.services.consent.members_with_consent`, which also drops a
parent's yes that lapsed at 16): an interest left behind by a failed deletion would still never
be used.
"""

from __future__ import annotations

from django.db.models import QuerySet

from kaft.members.models import Member
from kaft.outreach.models import (
    Interest,
    InterestKind,
    IssueAudience,
    IssueStatus,
    MemberInterest,
    NewsletterIssue,
)
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.services.consent import members_with_consent


def interests_offered() -> QuerySet[Interest]:
    """The interests members can choose now, in the library's order."""
    return (
        Interest.objects.filter(active=True).select_related("branch").order_by("order", "name_nl")
    )


def interest_newsletter_waiting(code: str) -> NewsletterIssue | None:
    """The first newsletter issue scheduled or being sent to the members of the interest
    ``code``, if any: while there is one, the interest must stay offered under that code."""
    return (
        NewsletterIssue.objects.filter(
            audience=IssueAudience.INTEREST,
            audience_interest=code,
            status__in=[IssueStatus.SCHEDULED, IssueStatus.SENDING],
        )
        .order_by("scheduled_for", "pk")
        .only("subject")
        .first()
    )


def interest_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every interest offered, for a form field (names in the page's
    language). Pass the function itself as ``choices`` so the list is read per form."""
    return [(interest.code, interest.name) for interest in interests_offered()]


def interests_offered_by_kind() -> list[tuple[str, list[Interest]]]:
    """The offered interests grouped by kind (kind's label, interests), kinds in a fixed order."""
    groups: dict[str, list[Interest]] = {kind.value: [] for kind in InterestKind}
    for interest in interests_offered():
        groups[interest.kind].append(interest)
    return [(str(InterestKind(kind).label), found) for kind, found in groups.items() if found]


def member_interests(member: Member) -> list[MemberInterest]:
    """The member's chosen interests that are offered now (what they see and what tips use)."""
    return list(
        MemberInterest.objects.filter(member=member, interest__active=True)
        .select_related("interest", "interest__branch")
        .order_by("interest__order", "interest__name_nl")
    )


def members_interested_in(interest_code: str) -> QuerySet[Member]:
    """Members who give the interests consent now and chose the interest ``interest_code``
    (offered now). Erased members never; a parent's yes that lapsed at 16 never."""
    chose = MemberInterest.objects.filter(
        interest__code=interest_code, interest__active=True
    ).values("member_id")
    return members_with_consent(ConsentPurpose.INTERESTS).filter(pk__in=chose).distinct()
