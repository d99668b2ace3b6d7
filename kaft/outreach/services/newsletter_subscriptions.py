"""Newsletter subscriptions: signing up (always double opt-in), confirming, unsubscribing, and
what a withdrawn consent or a new e-mail address does to them.

Who may sign up, and how::

    member (MijnBibliotheek, desk) ─┐                    ┌─ member: newsletter consent, via=email_link
                                    ├─▶ pending ─link─▶ active ─unsubscribe / consent withdrawn─▶ ended
    anyone (public page, address) ──┘   (mail with        └─ anyone else: statement version and
                                         the link)           confirmed_at on the subscription

- A sign-up makes (or renews) a ``pending`` subscription and mails a confirmation link. Only the
  SHA-256 of the link's token is kept; the link works ``KAFT_NEWSLETTER_CONFIRM_DAYS`` days. A
  staff member signing a member up at the desk only starts this: the member still confirms.
- The link's page confirms nothing by itself (mail scanners open links): its button POSTs, and
  only then :func:`subscription_confirm` records the consent with the privacy statement's version.
- The public page answers the same for every address (a known one, an unknown one, one already
  subscribed, a member's): the mail says what applies. A member's own address becomes the
  member's subscription when confirmed, never a second, anonymous one
  (:mod:`kaft.outreach.services.newsletter_subscription_members`). It is limited per client and per address
  (:data:`kaft.core.limits.NEWSLETTER_SIGNUP`, :data:`~kaft.core.limits.NEWSLETTER_EMAIL`).
- Unsubscribing (:func:`subscription_end`) takes effect at once: the sender checks the
  subscription again right before each message. A member's unsubscription withdraws the
  newsletter consent too, and withdrawing that consent anywhere (desk, portal, erasure) ends the
  subscription (:func:`subscription_end_on_withdrawal`, registered in ``OutreachConfig.ready``).
- A hard bounce marks the subscription ``undeliverable_at``
  (:mod:`kaft.outreach.services.newsletter_bounces`); a member's new e-mail address clears it
  (:func:`subscriptions_email_changed`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from kaft.catalog.models import Branch
from kaft.core.limits import NEWSLETTER_EMAIL, NEWSLETTER_SIGNUP, limit_count, limit_reached
from kaft.members.locks import member_for_update
from kaft.members.models import Member, MemberStatus, User
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.newsletter_subscriptions import SubscriptionErrorCode as Code
from kaft.outreach.models import NewsletterIssue, Subscription, SubscriptionStatus, SubscriptionVia
from kaft.outreach.services.newsletter_links import (  # noqa: F401 - part of this module's API
    newsletter_bounce_address,
    newsletter_list_headers,
    newsletter_unsubscribe_url,
)
from kaft.outreach.services.newsletter_subscription_members import (
    anonymous_end_for_member,
    member_of_address,
    member_takes_over,
)
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_given, consent_set, member_is_child
from kaft.privacy.services.consent_offer import purpose_offered
from kaft.privacy.services.statement import statement_current

OPEN = (SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE)

# consent_set's refusals, as the newsletter says them.
_PRIVACY_CODES = {
    PrivacyErrorCode.CONSENT_CHILD_NEEDS_GUARDIAN: Code.CHILD_NEEDS_GUARDIAN,
    PrivacyErrorCode.CONSENT_NOT_OFFERED: Code.NOT_OFFERED,
    PrivacyErrorCode.CONSENT_MEMBER_ERASED: Code.MEMBER_ERASED,
}


def confirm_days() -> int:
    """How many days a confirmation link works (``KAFT_NEWSLETTER_CONFIRM_DAYS``)."""
    return int(getattr(settings, "KAFT_NEWSLETTER_CONFIRM_DAYS", 7))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def confirm_link(token: str) -> str:
    """The confirmation page with the token (the configured public address, never a Host)."""
    return (
        settings.KAFT_SITE_URL
        + reverse("portal:newsletter_confirm")
        + "?"
        + urlencode({"t": token})
    )


def _new_token(subscription: Subscription, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    subscription.confirm_token_hash = token_hash(token)
    subscription.requested_at = now
    return token


def _mail_after_commit(subscription_id: int, link: str) -> None:
    from kaft.outreach.tasks_newsletter_subscriptions import send_subscription_mail

    transaction.on_commit(lambda: send_subscription_mail.delay(subscription_id, link))


# --- Signing up ---------------------------------------------------------------------------------


def subscription_request_member(
    *,
    member: Member,
    via: SubscriptionVia,
    staff: User | None = None,
    branch: Branch | None = None,
    now: dt.datetime | None = None,
) -> Subscription:
    """Start a member's double opt-in (MijnBibliotheek or the desk): a pending subscription and
    a confirmation link to the member's e-mail address. Asking again while pending sends a new
    link (the old one stops working).

    Refused: an erased member (``MEMBER_ERASED``), no e-mail address (``MEMBER_NO_EMAIL``), a
    member under 16 (``CHILD_NEEDS_GUARDIAN``: the yes would be a parent's, which this sign-up
    does not ask for), no newsletter offered (``NOT_OFFERED``), already subscribed
    (``ALREADY_SUBSCRIBED``). Locks the member, so two sign-ups at once make one subscription.
    ``staff`` is who did it at the desk (for the caller's record; the consent is the member's).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = member_for_update(member.pk)
        if locked.erased_at is not None or locked.status == MemberStatus.ERASED:
            raise OutreachError(Code.MEMBER_ERASED)
        if not locked.email:
            raise OutreachError(Code.MEMBER_NO_EMAIL)
        if member_is_child(locked):
            raise OutreachError(Code.CHILD_NEEDS_GUARDIAN)
        if not purpose_offered(ConsentPurpose.NEWSLETTER):
            raise OutreachError(Code.NOT_OFFERED)
        subscription = Subscription.objects.filter(member=locked, status__in=OPEN).first()
        if subscription is not None and subscription.status == SubscriptionStatus.ACTIVE:
            raise OutreachError(Code.ALREADY_SUBSCRIBED)
        if subscription is None:
            subscription = Subscription(
                member=locked,
                status=SubscriptionStatus.PENDING,
                branch=branch or locked.home_branch,
                language=locked.preferred_language or "nl",
            )
        subscription.via = via
        if branch is not None:
            subscription.branch = branch
        token = _new_token(subscription, now)
        subscription.save()
        _mail_after_commit(subscription.pk, confirm_link(token))
    return subscription


def subscription_request_address(
    *,
    email: str,
    client: str,
    branch: Branch | None = None,
    language: str = "nl",
    now: dt.datetime | None = None,
) -> None:
    """Someone signs up an e-mail address on the public page. Returns nothing, on purpose: the
    page answers the same whatever the address. A new address, or one still pending, gets a
    (new) confirmation link; an address already subscribed (anonymously, or a member's own
    address whose member is subscribed) gets a note saying so, with its unsubscribe link, and
    nothing changes. A member's own address otherwise gets the link like any other: confirming
    it subscribes the member (:func:`subscription_confirm`).

    Refused: an invalid address (``EMAIL_INVALID``), more sign-ups than the limits allow from
    ``client`` or for the address (``TOO_MANY``; counted before the transaction).
    """
    now = now or timezone.now()
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise OutreachError(Code.EMAIL_INVALID) from None
    if limit_reached(NEWSLETTER_SIGNUP, client) or limit_reached(NEWSLETTER_EMAIL, address):
        raise OutreachError(Code.TOO_MANY)
    limit_count(NEWSLETTER_SIGNUP, client)
    limit_count(NEWSLETTER_EMAIL, address)
    if not purpose_offered(ConsentPurpose.NEWSLETTER):
        raise OutreachError(Code.NOT_OFFERED)
    owner = member_of_address(address)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(member__isnull=True, email=address, status__in=OPEN)
            .first()
        )
        if subscription is None and owner is not None:
            # A member's own address: their subscription is this address's one.
            subscription = Subscription.objects.filter(
                member=owner, status=SubscriptionStatus.ACTIVE
            ).first()
        if subscription is not None and subscription.status == SubscriptionStatus.ACTIVE:
            _mail_after_commit(subscription.pk, "")  # "you are subscribed already"
            return
        if subscription is None:
            subscription = Subscription(
                email=address,
                status=SubscriptionStatus.PENDING,
                via=SubscriptionVia.PUBLIC,
            )
        subscription.branch = branch
        subscription.language = "en" if language.startswith("en") else "nl"
        token = _new_token(subscription, now)
        subscription.save()
        _mail_after_commit(subscription.pk, confirm_link(token))


# --- Confirming ---------------------------------------------------------------------------------


def subscription_for_token(token: str, now: dt.datetime | None = None) -> Subscription | None:
    """The pending subscription a confirmation link is for; None when the link is wrong, used,
    expired, or its subscription ended."""
    if not token:
        return None
    now = now or timezone.now()
    subscription = (
        Subscription.objects.select_related("member")
        .filter(confirm_token_hash=token_hash(token), status=SubscriptionStatus.PENDING)
        .first()
    )
    if subscription is None or subscription.requested_at + dt.timedelta(days=confirm_days()) <= now:
        return None
    return subscription


def subscription_confirm(*, token: str, now: dt.datetime | None = None) -> Subscription:
    """The link was followed and its button pressed: the subscription becomes active and the
    consent is recorded with the privacy statement's version: a member's as their newsletter
    consent (``via=email_link``), anyone else's on the subscription.

    One subscription per person (:mod:`~kaft.outreach.services.newsletter_subscription_members`):
    an address from the public page that is one member's own becomes that member's subscription
    and consent (their pending one is confirmed instead; their active one stays, and nothing new
    is made); a member's confirmation ends an anonymous subscription of their address.

    Refused with ``LINK_INVALID`` for a wrong, used or expired link; a member's consent refused
    by the privacy rules (turned under 16 meanwhile cannot happen, but an erased account or a
    newsletter no longer offered can) with the matching code. Single use: locks the row.
    """
    now = now or timezone.now()
    found = subscription_for_token(token, now)
    if found is None:
        raise OutreachError(Code.LINK_INVALID)
    member_id = found.member_id
    if member_id is None:
        owner = member_of_address(found.email)
        member_id = owner.pk if owner is not None else None
    with transaction.atomic():
        member = None
        if member_id is not None:
            member = member_for_update(member_id)  # consent_set locks the member too: same order
        subscription = Subscription.objects.select_for_update().get(pk=found.pk)
        if (
            subscription.status != SubscriptionStatus.PENDING
            or subscription.confirm_token_hash != token_hash(token)
        ):
            raise OutreachError(Code.LINK_INVALID)
        if member is not None and subscription.member_id is None:
            subscription = member_takes_over(anonymous=subscription, member=member, now=now)
            if subscription.status == SubscriptionStatus.ACTIVE:
                return subscription  # subscribed already: nothing new
        if member is not None:
            try:
                consent_set(
                    member=member,
                    purpose=ConsentPurpose.NEWSLETTER,
                    given=True,
                    via=ConsentVia.EMAIL_LINK,
                )
            except PrivacyError as error:
                code = _PRIVACY_CODES.get(PrivacyErrorCode(error.code), Code.LINK_INVALID)
                raise OutreachError(code) from None
            anonymous_end_for_member(member=member, now=now, keep=subscription.pk)
        else:
            subscription.statement_version = statement_current()
        subscription.status = SubscriptionStatus.ACTIVE
        subscription.confirmed_at = now
        subscription.confirm_token_hash = ""
        subscription.save(
            update_fields=[
                "member",
                "email",
                "status",
                "confirmed_at",
                "confirm_token_hash",
                "statement_version",
            ]
        )
    return subscription


# --- Unsubscribing ------------------------------------------------------------------------------


def _end(subscription: Subscription, now: dt.datetime) -> None:
    subscription.status = SubscriptionStatus.ENDED
    subscription.ended_at = now
    subscription.confirm_token_hash = ""
    subscription.save(update_fields=["status", "ended_at", "confirm_token_hash"])


def subscription_end(
    *,
    subscription: Subscription,
    via: ConsentVia,
    staff: User | None = None,
    issue_id: int | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """End ``subscription`` at once (the unsubscribe link, MijnBibliotheek, the desk). Returns
    whether it was still open; ending an ended one changes nothing (a second click is fine).

    A member's newsletter consent is withdrawn with it (``via``, ``staff``: how and by whom), so
    the consent page and the subscription always agree. ``issue_id``: the issue whose link was
    used, which counts one unsubscription. Locks the member (when there is one), then the row.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if subscription.member_id is not None:
            member_for_update(subscription.member_id)
        locked = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
        if locked is None or locked.status not in OPEN:
            return False
        was_active = locked.status == SubscriptionStatus.ACTIVE
        _end(locked, now)
        if issue_id and was_active:
            NewsletterIssue.objects.filter(pk=issue_id).update(
                unsubscribed_count=F("unsubscribed_count") + 1
            )
        member = locked.member
        if member is not None and consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER):
            consent_set(
                member=member,
                purpose=ConsentPurpose.NEWSLETTER,
                given=False,
                via=via,
                staff=staff,
            )
    subscription.refresh_from_db()
    return True


def subscription_end_member(
    *, member: Member, via: ConsentVia, staff: User | None = None, now: dt.datetime | None = None
) -> bool:
    """End the member's open subscription (MijnBibliotheek's button, the desk at the member's
    request). With none open but the newsletter consent still given, that consent is withdrawn:
    the member asked not to get the newsletter. ``NOT_SUBSCRIBED`` when there is neither."""
    subscription = Subscription.objects.filter(member=member, status__in=OPEN).first()
    if subscription is not None:
        return subscription_end(subscription=subscription, via=via, staff=staff, now=now)
    if consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER):
        consent_set(
            member=member, purpose=ConsentPurpose.NEWSLETTER, given=False, via=via, staff=staff
        )
        return True
    raise OutreachError(Code.NOT_SUBSCRIBED)


# --- What other parts of Kaft set off -----------------------------------------------------------


def subscription_end_on_withdrawal(member: Member, staff: User | None) -> None:
    """The member withdrew the newsletter consent somewhere (desk, portal, erasure): their open
    subscription ends in the same transaction, so no next send reaches them. Registered with
    :func:`kaft.privacy.services.consent_hooks.on_consent_withdrawn` in ``OutreachConfig.ready``.
    """
    now = timezone.now()
    for subscription in Subscription.objects.select_for_update().filter(
        member=member, status__in=OPEN
    ):
        _end(subscription, now)


def subscriptions_email_changed(member: Member) -> None:
    """The member's e-mail address changed: an earlier hard bounce was about the old address,
    so the subscription may be sent to again. Registered with
    :func:`kaft.members.services.email_hooks.on_email_changed` in ``OutreachConfig.ready``."""
    Subscription.objects.filter(Q(member=member) & Q(undeliverable_at__isnull=False)).update(
        undeliverable_at=None
    )
