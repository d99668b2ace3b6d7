"""The two mails of signing up for the newsletter, sent straight to the mail server (they are no
newsletter and no notice of the membership; someone who is no member has no outbox):

- the confirmation link (a new sign-up, or a sign-up asked again while pending);
- for an address already subscribed (the public page answers the same for every address), a
  note that it is subscribed already, with the unsubscribe link.

Neither says more than the person just typed: no name, no card number. The link's token is in
this mail only; the database keeps its hash.
"""

from __future__ import annotations

import logging
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from kaft.core.library import library
from kaft.outreach.models import Subscription, SubscriptionStatus
from kaft.outreach.services.newsletter_links import newsletter_unsubscribe_url
from kaft.outreach.services.newsletter_subscriptions import confirm_days, token_hash

logger = logging.getLogger(__name__)


def subscription_address(subscription: Subscription) -> str:
    """Where this subscription's mail goes: the member's address now, or the address given."""
    if subscription.member_id is not None:
        return subscription.member.email if subscription.member else ""
    return subscription.email


def _token_of(link: str) -> str:
    return link.rsplit("t=", 1)[-1] if "t=" in link else ""


def subscription_mail_send(*, subscription_id: int, link: str) -> bool:
    """Send the confirmation ``link`` (or, with no link, the "subscribed already" note) for
    this subscription. Returns whether a mail went out. Idempotent enough for a retried task:
    nothing goes out once the subscription ended or the link was replaced by a newer one."""
    subscription = Subscription.objects.select_related("member").filter(pk=subscription_id).first()
    if subscription is None:
        return False
    address = subscription_address(subscription)
    if not address:
        return False
    if link:
        from urllib.parse import unquote

        token = unquote(_token_of(link))
        if (
            subscription.status != SubscriptionStatus.PENDING
            or subscription.confirm_token_hash != token_hash(token)
        ):
            return False
    elif subscription.status != SubscriptionStatus.ACTIVE:
        return False
    name = library().name
    with translation.override(subscription.language or "nl"):
        if link:
            subject = _("Confirm your subscription to the newsletter of %(library)s") % {
                "library": name
            }
            body = _(
                "Hello,\n\n"
                "Someone, probably you, asked to receive the newsletter of %(library)s at this "
                "e-mail address. To confirm, open this link and press the button on the page:\n\n"
                "%(link)s\n\n"
                "The link works for %(days)s days. If you did not ask for this, ignore this "
                "e-mail: without confirmation you will not receive anything, and the sign-up is "
                "deleted.\n\n"
                "You can unsubscribe at any time, through the link in every newsletter.\n\n"
                "%(library)s"
            ) % {"library": name, "link": link, "days": confirm_days()}
        else:
            subject = _("You already receive the newsletter of %(library)s") % {"library": name}
            body = _(
                "Hello,\n\n"
                "Someone, probably you, asked to receive the newsletter of %(library)s at this "
                "e-mail address. This address receives it already, so nothing has changed.\n\n"
                "Do you no longer want the newsletter? Unsubscribe here:\n\n"
                "%(link)s\n\n"
                "%(library)s"
            ) % {"library": name, "link": newsletter_unsubscribe_url(subscription)}
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=formataddr((name, settings.DEFAULT_FROM_EMAIL)),
        to=[address],
        headers={
            "Auto-Submitted": "auto-generated",
            "Content-Language": subscription.language or "nl",
        },
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # the person can ask again; the log gets no address
        logger.warning(
            "newsletter mail for subscription %s failed: %s", subscription.pk, type(exc).__name__
        )
        return False
    return True
