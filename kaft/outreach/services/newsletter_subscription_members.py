"""One subscription per person: an address signed up on the public page that is a member's own,
and a member who subscribes while their address was signed up anonymously.

An address is a member's when it belongs to exactly one member, compared as the login compares
it (:func:`kaft.members.auth.members_for_login`: stripped, lower-cased; an address given when
joining online counts once its link was followed), and that member is not erased and is 16 or
older (a younger member's yes is a parent's, which the public page does not ask for). Members of
one household may share an address: then it is nobody's in particular and stays anonymous; the
audience (:mod:`kaft.outreach.selectors.newsletter_audience`) still sends it one copy.

What happens, so that nobody is subscribed twice (and the public page still answers the same
for every address, see :func:`~kaft.outreach.services.newsletter_subscriptions.subscription_request_address`):

- public sign-up of a member's address whose member is subscribed already: the mail to that
  address says so, and nothing new is made;
- public sign-up of a member's address otherwise: the confirmation link goes to the address as
  for anyone; following it records the member's own newsletter consent and makes the
  subscription the member's (or confirms the member's pending one), not an anonymous one;
- a member confirms their own subscription: an anonymous subscription of the same address ends.

Locks: callers hold the member's lock first, then these rows (the order of
``subscription_confirm``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.db.models.functions import Lower

from kaft.members.auth import login_normalise, members_for_login
from kaft.members.models import Member, MemberStatus
from kaft.outreach.models import Subscription, SubscriptionStatus
from kaft.privacy.services.consent import member_is_child

OPEN = (SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE)


def address_normalise(address: str) -> str:
    """An e-mail address as Kaft compares it: stripped and lower-cased (as a login)."""
    return login_normalise(address) if "@" in (address or "") else ""


def member_of_address(address: str) -> Member | None:
    """The one member whose own address ``address`` is (see the module's docstring), or None."""
    normalised = address_normalise(address)
    if not normalised:
        return None
    found = list(
        members_for_login(normalised)
        .filter(erased_at__isnull=True)
        .exclude(status=MemberStatus.ERASED)[:2]
    )
    if len(found) != 1 or member_is_child(found[0]):
        return None
    return found[0]


def anonymous_open_for_update(address: str) -> QuerySet[Subscription]:
    """The open subscriptions without a member for ``address`` (any case), locked."""
    normalised = address_normalise(address)
    return (
        Subscription.objects.select_for_update()
        .annotate(address=Lower("email"))
        .filter(member__isnull=True, address=normalised, status__in=OPEN)
    )


def member_open_for_update(member: Member) -> Subscription | None:
    """The member's open subscription (at most one, a constraint), locked."""
    return Subscription.objects.select_for_update().filter(member=member, status__in=OPEN).first()


def _end(subscription: Subscription, now: dt.datetime) -> None:
    subscription.status = SubscriptionStatus.ENDED
    subscription.ended_at = now
    subscription.confirm_token_hash = ""
    subscription.save(update_fields=["status", "ended_at", "confirm_token_hash"])


def member_takes_over(*, anonymous: Subscription, member: Member, now: dt.datetime) -> Subscription:
    """The public sign-up ``anonymous`` of ``member``'s own address was confirmed: the
    subscription to go on with is the member's. Their open one if there is (the sign-up ends),
    else the sign-up itself becomes theirs (saved by the caller). Locks the member's row."""
    own = member_open_for_update(member)
    if own is None:
        anonymous.member = member
        anonymous.email = ""
        return anonymous
    _end(anonymous, now)
    return own


def anonymous_end_for_member(*, member: Member, now: dt.datetime, keep: int | None = None) -> int:
    """End the open anonymous subscriptions of ``member``'s own address (but ``keep``): the
    member's subscription takes their place. Returns how many ended."""
    if not member.email:
        return 0
    others = anonymous_open_for_update(member.email)
    if keep is not None:
        others = others.exclude(pk=keep)
    ended = 0
    for subscription in others:
        _end(subscription, now)
        ended += 1
    return ended
