"""Reads of newsletter subscriptions for the doors."""

from __future__ import annotations

from django.db.models.functions import Lower

from kaft.members.models import Member
from kaft.outreach.models import Subscription, SubscriptionStatus
from kaft.outreach.services.newsletter_links import unsubscribe_code_read
from kaft.outreach.services.newsletter_subscription_members import (
    address_normalise,
    member_of_address,
)

OPEN = (SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE)


def subscription_of_member(member: Member) -> Subscription | None:
    """The member's subscription as MijnBibliotheek and the desk show it: the open one (pending
    or active), else the latest ended one, else None."""
    rows = Subscription.objects.filter(member=member).select_related("branch")
    open_one = rows.filter(status__in=OPEN).first()
    return open_one or rows.first()


def subscription_for_unsubscribe_code(code: str) -> tuple[Subscription, int | None] | None:
    """The subscription an unsubscribe link names, with the issue it came in; None for a code
    that is not genuine or a subscription that no longer exists."""
    read = unsubscribe_code_read(code)
    if read is None:
        return None
    subscription_id, issue_id = read
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return None
    return subscription, issue_id


def subscriptions_open_for_link(subscription: Subscription) -> list[Subscription]:
    """The open subscriptions (pending or active) an unsubscribe link of ``subscription`` stands
    for now. The named one while it is open. Once it has ended (the person unsubscribed and
    signed up again since), the same person's open one: a member's own; for an address, the
    open subscriptions without a member of that address (any case, as the services compare
    it), else the subscription of the member whose own address it is (a member's address is
    that member's subscription, :mod:`~kaft.outreach.services.newsletter_subscription_members`).
    Empty when nothing is open: the link's person receives no newsletter."""
    if subscription.status in OPEN:
        return [subscription]
    if subscription.member_id is not None:
        return list(Subscription.objects.filter(member_id=subscription.member_id, status__in=OPEN))
    address = address_normalise(subscription.email)
    if not address:
        return []
    anonymous: list[Subscription] = list(
        Subscription.objects.annotate(address=Lower("email"))
        .filter(member__isnull=True, address=address, status__in=OPEN)
        .order_by("pk")
    )
    if anonymous:
        return anonymous
    owner = member_of_address(address)
    if owner is None:
        return []
    return list(Subscription.objects.filter(member=owner, status__in=OPEN))
