"""The newsletter's unguessable addresses: the unsubscribe link in every message (with the
``List-Unsubscribe`` headers of RFC 8058) and the per-message bounce address (VERP).

Both carry an HMAC (SHA-256, key ``settings.KAFT_NEWSLETTER_SECRET``) of what they name, so no
one can make a link that ends someone else's subscription, or a bounce that marks someone
else's address undeliverable, by counting ids. Nothing is stored for them: the key checks them.
Changing the secret makes the links in mails already sent stop working (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.urls import reverse

from kaft.outreach.models import Subscription

# 128 bits of the MAC: unguessable, and short enough for a link someone may copy by hand.
_MAC_LENGTH = 32
_BOUNCE_MAC_LENGTH = 20
_BOUNCE_LOCAL = re.compile(rf"^bounce\+(\d{{1,18}})-([0-9a-f]{{{_BOUNCE_MAC_LENGTH}}})$")
_UNSUBSCRIBE_CODE = re.compile(rf"^(\d{{1,18}})\.(\d{{1,18}})\.([0-9a-f]{{{_MAC_LENGTH}}})$")


def _mac(message: str, length: int) -> str:
    key = str(settings.KAFT_NEWSLETTER_SECRET).encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:length]


def unsubscribe_code(subscription_id: int, issue_id: int | None = None) -> str:
    """The part of the unsubscribe link that names the subscription (and the issue it came in,
    for the issue's count of unsubscriptions), with its MAC."""
    issue = issue_id or 0
    mac = _mac(f"unsubscribe:{subscription_id}:{issue}", _MAC_LENGTH)
    return f"{subscription_id}.{issue}.{mac}"


def unsubscribe_code_read(code: str) -> tuple[int, int | None] | None:
    """``(subscription id, issue id or None)`` of a genuine code; None for anything else."""
    found = _UNSUBSCRIBE_CODE.match(code or "")
    if found is None:
        return None
    subscription_id, issue = int(found.group(1)), int(found.group(2))
    expected = _mac(f"unsubscribe:{subscription_id}:{issue}", _MAC_LENGTH)
    if not hmac.compare_digest(expected, found.group(3)):
        return None
    return subscription_id, (issue or None)


def newsletter_unsubscribe_url(subscription: Subscription, *, issue_id: int | None = None) -> str:
    """The link that ends ``subscription`` without logging in: a GET shows a page with a button,
    a POST (the button, or a mail program's one-click of RFC 8058) unsubscribes at once. Give
    ``issue_id`` in an issue's message so the issue counts the unsubscription."""
    path = reverse(
        "portal:newsletter_unsubscribe",
        kwargs={"code": unsubscribe_code(subscription.pk, issue_id)},
    )
    return settings.KAFT_SITE_URL + path


def newsletter_list_headers(
    subscription: Subscription, *, issue_id: int | None = None
) -> dict[str, str]:
    """The headers every newsletter message carries (RFC 2369 and RFC 8058): mail programs show
    an "unsubscribe" button that POSTs ``List-Unsubscribe=One-Click`` to the link."""
    url = newsletter_unsubscribe_url(subscription, issue_id=issue_id)
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def bounce_domain() -> str:
    """``KAFT_NEWSLETTER_BOUNCE_DOMAIN``, else the domain of ``DEFAULT_FROM_EMAIL``."""
    configured = str(getattr(settings, "KAFT_NEWSLETTER_BOUNCE_DOMAIN", "") or "").strip()
    if configured:
        return configured.lower()
    return str(settings.DEFAULT_FROM_EMAIL).rsplit("@", 1)[-1].strip(" >").lower()


def newsletter_bounce_address(delivery_id: int) -> str:
    """The envelope sender (Return-Path) of one delivery: a bounce to it names the delivery,
    and only Kaft can make one that names a delivery (``bounce+<id>-<mac>@<domain>``)."""
    mac = _mac(f"bounce:{delivery_id}", _BOUNCE_MAC_LENGTH)
    return f"bounce+{delivery_id}-{mac}@{bounce_domain()}"


def bounce_address_read(address: str) -> int | None:
    """The delivery id of a genuine bounce address (our domain, a matching MAC); else None."""
    address = (address or "").strip().strip("<>").lower()
    if address.startswith("mailto:"):
        address = address[len("mailto:") :]
    local, _at, domain = address.rpartition("@")
    if not local or domain != bounce_domain():
        return None
    found = _BOUNCE_LOCAL.match(local)
    if found is None:
        return None
    delivery_id = int(found.group(1))
    expected = _mac(f"bounce:{delivery_id}", _BOUNCE_MAC_LENGTH)
    if not hmac.compare_digest(expected, found.group(2)):
        return None
    return delivery_id
