"""Who an issue goes to: the subscriptions in its audience that can be sent to right now.

In the audience and deliverable means: the subscription is active, its address has not bounced
hard (``undeliverable_at``), and there is an address: a member's own (not erased, with an e-mail
address and the newsletter consent given) or the address of someone who is no member. The
consent is asked again, exactly (a guardian's yes that lapsed at 16), when each delivery is sent
(kaft/outreach/services/newsletter_sending.py); here it narrows the queue in SQL. So are, for an
issue "by interest", the interests consent and the choice of the interest
(:func:`members_still_in_interest_audience`).

"By interest" counts only members who consented to their interests being kept (purpose
``interests``) and chose that interest (``MemberInterest``, kept by the interests part in
kaft/outreach/models/interests.py; were that model missing, the audience is refused).

One copy per address: a member whose own address was also signed up on the public page, or
members of one household sharing an address, get one copy of an issue (the member's
subscription first, then the oldest), addresses compared lower-cased.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Case, CharField, Exists, Min, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, Lower

from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.newsletter_issues import IssueErrorCode
from kaft.outreach.models import IssueAudience, NewsletterIssue, Subscription, SubscriptionStatus
from kaft.privacy.models import Consent, ConsentPurpose
from kaft.privacy.services.consent import member_ids_with_consent


def interests_available() -> bool:
    """Whether members can choose interests yet (the interests part has its model)."""
    return _interest_model() is not None


def _interest_model() -> type | None:
    # The interests part's member-to-interest model (``member``, ``interest`` with a ``code``).
    try:
        return apps.get_model("outreach", "MemberInterest")
    except LookupError:
        return None


def _consented(purpose: ConsentPurpose) -> Exists:
    return Exists(
        Consent.objects.filter(member_id=OuterRef("member_id"), purpose=purpose, given=True)
    )


def subscriptions_deliverable() -> QuerySet[Subscription]:
    """Active subscriptions with an address to send to (see the module's docstring)."""
    member_ok = (
        Q(member__isnull=False)
        & Q(member__erased_at__isnull=True)
        & ~Q(member__email="")
        & _consented(ConsentPurpose.NEWSLETTER)
    )
    return Subscription.objects.filter(
        Q(member__isnull=True) & ~Q(email="") | member_ok,
        status=SubscriptionStatus.ACTIVE,
        undeliverable_at__isnull=True,
    )


def audience_check(*, audience: str, branch_id: int | None, interest: str) -> None:
    """Refuse an audience that cannot be sent to (no branch chosen, interests not there yet)."""
    if audience == IssueAudience.BRANCH and branch_id is None:
        raise OutreachError(IssueErrorCode.BRANCH_MISSING)
    if audience == IssueAudience.INTEREST:
        model = _interest_model()
        if model is None:
            raise OutreachError(IssueErrorCode.INTEREST_NOT_AVAILABLE)
        interests = apps.get_model("outreach", "Interest")
        if not interest or not interests.objects.filter(code=interest, active=True).exists():
            raise OutreachError(IssueErrorCode.INTEREST_UNKNOWN, interest=interest)


def _address() -> Case:
    """Where a subscription's mail goes, as Kaft compares addresses: lower-cased."""
    return Case(
        When(member__isnull=False, then=Lower("member__email")),
        default=Lower("email"),
        output_field=CharField(),
    )


def _one_per_address(subscriptions: QuerySet[Subscription]) -> QuerySet[Subscription]:
    """``subscriptions`` with one per address: a member's before an anonymous one (a member's
    address signed up on the public page too), else the oldest (members sharing an address).
    One grouping of the audience, not a look-up per row: the queue reads it per chunk."""
    chosen = (
        subscriptions.annotate(address=_address())
        .order_by()
        .values("address")
        .annotate(
            chosen=Coalesce(
                Min(Case(When(member__isnull=False, then="pk"))),
                Min("pk"),
            )
        )
        .values("chosen")
    )
    return subscriptions.filter(pk__in=Subquery(chosen))


def issue_audience(issue: NewsletterIssue) -> QuerySet[Subscription]:
    """The subscriptions ``issue`` goes to if it were queued now (ordered by key for chunking),
    never two for one address (:func:`_one_per_address`)."""
    return _one_per_address(_audience_all(issue)).order_by("pk")


def issue_audience_for_queue(issue: NewsletterIssue) -> tuple[QuerySet[Subscription], list[int]]:
    """What the queue reads: the audience with its doubles still in (ordered by key), and the
    keys of those doubles, found once (one grouping of the whole audience). The queue reads the
    audience chunk by chunk and leaves the doubles out of each chunk: grouping the audience again
    for every chunk would read all of it once per chunk. Doubles are few (an address signed up
    both as member and on the public page, members sharing an address)."""
    audience = _audience_all(issue)
    doubles = list(
        audience.exclude(pk__in=_one_per_address(audience).values("pk"))
        .order_by()
        .values_list("pk", flat=True)
    )
    return audience.order_by("pk"), doubles


def _audience_all(issue: NewsletterIssue) -> QuerySet[Subscription]:
    """The audience of ``issue`` now, one address possibly more than once."""
    audience_check(
        audience=issue.audience,
        branch_id=issue.audience_branch_id,
        interest=issue.audience_interest,
    )
    subscriptions = subscriptions_deliverable()
    if issue.audience == IssueAudience.BRANCH and issue.audience_branch_id is not None:
        subscriptions = subscriptions.filter(branch_id=issue.audience_branch_id)
    elif issue.audience == IssueAudience.INTEREST:
        model = _interest_model()
        assert model is not None  # audience_check refused otherwise
        chose = model.objects.filter(  # type: ignore[attr-defined]
            member_id=OuterRef("member_id"), interest__code=issue.audience_interest
        )
        subscriptions = subscriptions.filter(
            Exists(chose), _consented(ConsentPurpose.INTERESTS), member__isnull=False
        )
    return subscriptions


def members_still_in_interest_audience(issue: NewsletterIssue, member_ids: list[int]) -> set[int]:
    """Of ``member_ids``, those still in the "by interest" audience of ``issue`` right now: the
    interests consent still counts (the exact rule, a guardian's yes lapsing at 16:
    :func:`member_ids_with_consent`) and they still chose the interest. Two queries, whatever
    the number of members (asked again just before each batch is sent)."""
    model = _interest_model()
    if model is None or not member_ids:
        return set()
    consented = member_ids_with_consent(ConsentPurpose.INTERESTS, member_ids)
    if not consented:
        return set()
    chose = model.objects.filter(  # type: ignore[attr-defined]
        member_id__in=sorted(consented), interest__code=issue.audience_interest
    ).values_list("member_id", flat=True)
    return set(chose)


def issue_audience_count(issue: NewsletterIssue) -> int:
    """How many subscriptions the issue would go to now (shown before sending)."""
    return issue_audience(issue).count()
