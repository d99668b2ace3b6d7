"""One subscription per person, one copy per address: a member's own address signed up on the
public page becomes the member's subscription (or, subscribed already, nothing new), a member
who subscribes ends the anonymous subscription of their address, and an issue's audience never
holds one address twice. The public page answers the same for every address all the while."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kaft.outreach.models import (
    IssueAudience,
    IssueStatus,
    NewsletterIssue,
    Subscription,
    SubscriptionStatus,
    SubscriptionVia,
)
from kaft.outreach.selectors.newsletter_audience import issue_audience
from kaft.outreach.services.newsletter_sending import issue_queue
from kaft.outreach.services.newsletter_subscriptions import (
    subscription_confirm,
    subscription_request_member,
)
from kaft.outreach.tests.newsletter_issue_factories import (
    address_subscriber,
    member_subscriber,
    ready_issue,
)
from kaft.outreach.tests.subscriptions_fixtures import (  # noqa: F401 - fixtures
    _fresh_limits,
    in_english,
    mailed_links,
    smtp_server,
)
from kaft.outreach.tests.subscriptions_support import token_of
from kaft.privacy.models import ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_given
from tests.factories import BranchFactory
from tests.factories_consent import make_member
from tests.smtp import SmtpSink

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_fresh_limits", "in_english")]

SIGNUP = "/nieuwsbrief/"


def _sign_up(address: str, client_address: str = "192.0.2.10") -> tuple[int, str, bytes]:
    """Sign ``address`` up on the public page: the answer and the page it leads to (without
    the CSRF token every new visitor gets)."""
    client = Client()
    response = client.post(SIGNUP, {"email": address}, REMOTE_ADDR=client_address)
    page = client.get(response["Location"])
    return (
        response.status_code,
        response["Location"],
        re.sub(rb"[A-Za-z0-9]{64}", b"", page.content),
    )


def _open(**filters: Any) -> list[Subscription]:
    return list(
        Subscription.objects.filter(
            status__in=[SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE], **filters
        )
    )


def test_a_members_address_on_the_public_page_becomes_the_members_subscription(
    mailed_links: list[str],  # noqa: F811
) -> None:
    member = make_member(email="Sanne.Jansen@Example.org")
    unknown = _sign_up("nobody@example.net")
    known = _sign_up("  sanne.jansen@EXAMPLE.org ", client_address="192.0.2.11")
    # The page answers the same: nothing tells that the address is a member's.
    assert known == unknown
    assert len(mailed_links) == 2

    confirmed = subscription_confirm(token=token_of(mailed_links[1]))

    # One subscription, the member's own, with the member's own newsletter consent.
    [subscription] = _open(pk=confirmed.pk)
    assert (subscription.member_id, subscription.email) == (member.pk, "")
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.via == SubscriptionVia.PUBLIC
    assert _open(member__isnull=True, email__iexact="sanne.jansen@example.org") == []
    assert _open(member=member) == [subscription]
    assert consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    event = ConsentEvent.objects.get(member=member, purpose=ConsentPurpose.NEWSLETTER)
    assert (event.given, event.via) == (True, ConsentVia.EMAIL_LINK)


def test_a_subscribed_members_address_on_the_public_page_makes_nothing_new(
    smtp_server: SmtpSink,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribed = member_subscriber(email="Lid@Example.org")
    before = list(Subscription.objects.values_list("pk", "member_id", "email", "status"))
    with django_capture_on_commit_callbacks(execute=True):
        unknown = _sign_up("nobody@example.net")
        known = _sign_up("lid@example.org", client_address="192.0.2.11")
    assert known == unknown

    # The mail to that address says it is subscribed already (in the subscription's language),
    # with its unsubscribe link.
    mails = {mail.rcpt_tos[0]: mail for mail in smtp_server.wait_for(2)}
    assert mails["Lid@Example.org"].subject == "U ontvangt de nieuwsbrief van Bibliotheek Kaft al"
    assert "/nieuwsbrief/bevestigen/" not in mails["Lid@Example.org"].body
    assert "/nieuwsbrief/afmelden/" in mails["Lid@Example.org"].body
    # No second subscription: only the unknown address got a pending one.
    after = list(Subscription.objects.values_list("pk", "member_id", "email", "status"))
    assert [row[1:] for row in after if row not in before] == [
        (None, "nobody@example.net", SubscriptionStatus.PENDING)
    ]
    assert _open(member=subscribed.member) == [subscribed]


def test_confirming_the_public_sign_up_confirms_the_members_pending_one(
    mailed_links: list[str],  # noqa: F811
) -> None:
    member = make_member(email="noor@example.org")
    pending = subscription_request_member(member=member, via=SubscriptionVia.PORTAL)
    _sign_up("Noor@example.org")
    anonymous = Subscription.objects.get(member__isnull=True)

    result = subscription_confirm(token=token_of(mailed_links[-1]))

    assert result.pk == pending.pk
    pending.refresh_from_db()
    anonymous.refresh_from_db()
    assert pending.status == SubscriptionStatus.ACTIVE and pending.confirmed_at is not None
    assert anonymous.status == SubscriptionStatus.ENDED
    assert _open() == [pending]
    assert consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)


def test_an_address_members_share_stays_anonymous(mailed_links: list[str]) -> None:  # noqa: F811
    first = make_member(email="gezin@example.org")
    second = make_member(email="Gezin@example.org")
    _sign_up("gezin@example.org")

    subscription = subscription_confirm(token=token_of(mailed_links[-1]))

    assert (subscription.member_id, subscription.email) == (None, "gezin@example.org")
    assert subscription.status == SubscriptionStatus.ACTIVE
    for member in (first, second):
        assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)


def test_a_child_members_address_stays_anonymous(mailed_links: list[str]) -> None:  # noqa: F811
    child = make_member(age=12, email="kind@example.org")
    _sign_up("kind@example.org")

    subscription = subscription_confirm(token=token_of(mailed_links[-1]))

    assert (subscription.member_id, subscription.status) == (None, SubscriptionStatus.ACTIVE)
    assert not consent_given(member=child, purpose=ConsentPurpose.NEWSLETTER)


def test_an_anonymous_subscriber_who_subscribes_as_member_is_subscribed_once(
    mailed_links: list[str],  # noqa: F811
) -> None:
    anonymous = address_subscriber("lezer@example.net")
    other = address_subscriber("iemand-anders@example.net")
    # Later the reader becomes a member, with the same address in other letters.
    member = make_member(email="Lezer@Example.NET")
    subscription_request_member(member=member, via=SubscriptionVia.PORTAL)
    # Until the member confirms, the anonymous subscription goes on.
    anonymous.refresh_from_db()
    assert anonymous.status == SubscriptionStatus.ACTIVE

    confirmed = subscription_confirm(token=token_of(mailed_links[-1]))

    anonymous.refresh_from_db()
    assert anonymous.status == SubscriptionStatus.ENDED and anonymous.ended_at is not None
    assert {s.pk for s in _open()} == {confirmed.pk, other.pk}
    assert confirmed.member_id == member.pk


def test_the_audience_holds_each_address_once() -> None:
    # Left over from before: a member subscribed and their address anonymously too.
    member_sub = member_subscriber(email="Dubbel@Example.org")
    anonymous_twin = address_subscriber("dubbel@example.org")
    # A household: two members with one address, each subscribed.
    household = [member_subscriber(email="thuis@example.org") for _ in range(2)]
    # And someone else.
    alone = address_subscriber("alleen@example.org")

    audience = list(issue_audience(ready_issue()))

    assert [s.pk for s in audience] == sorted([member_sub.pk, household[0].pk, alone.pk])
    assert anonymous_twin not in audience


def test_queueing_makes_one_delivery_per_address() -> None:
    member_sub = member_subscriber(email="Dubbel@Example.org")
    address_subscriber("dubbel@example.org")
    household = [member_subscriber(email="thuis@example.org") for _ in range(2)]
    issue = ready_issue()
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        status=IssueStatus.SCHEDULED, scheduled_for=timezone.now() - dt.timedelta(minutes=1)
    )

    assert issue_queue(issue_id=issue.pk, chunk=1) == 2

    assert sorted(issue.deliveries.values_list("subscription_id", flat=True)) == [
        member_sub.pk,
        household[0].pk,
    ]


def test_a_branch_audience_keeps_the_anonymous_twin_when_the_member_is_elsewhere() -> None:
    north, south = BranchFactory.create(code="noord"), BranchFactory.create(code="zuid")
    member_subscriber(email="dubbel@example.org", branch=north)
    twin = address_subscriber("dubbel@example.org", branch=south)
    issue = ready_issue()
    issue.audience, issue.audience_branch = IssueAudience.BRANCH, south
    issue.save()

    assert list(issue_audience(issue)) == [twin]
