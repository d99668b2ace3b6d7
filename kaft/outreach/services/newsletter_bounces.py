"""Bounces of newsletter messages: a hard bounce marks the address as not deliverable.

Each delivery goes out with its own envelope sender (VERP),
``bounce+<delivery id>-<mac>@<KAFT_NEWSLETTER_BOUNCE_DOMAIN>``
(:func:`kaft.outreach.services.newsletter_links.newsletter_bounce_address`), so a bounce names the
delivery it is about without Kaft reading the failed recipient's address from the report. The
mail provider posts each bounce to the webhook ``POST /api/newsletter/bounces`` (kaft/api),
either as JSON ``{"recipient": "<bounce address>", "type": "hard" | "soft"}`` or as the delivery
status notification itself (RFC 3464, read by :func:`bounces_from_dsn`).

A hard bounce (a permanent failure, status 5.x.x) of a delivery: the delivery becomes
``bounced``, its subscription ``undeliverable_at`` (nothing more is sent to it until the
address changes), and the issue counts one bounce, once. A soft bounce (temporary, 4.x.x) is
ignored: the mail server retries by itself. An address Kaft did not make (a forged id, a wrong
MAC, another domain) changes nothing.
"""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.message import Message

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kaft.outreach.models import Delivery, DeliveryStatus, NewsletterIssue, Subscription
from kaft.outreach.services.newsletter_links import bounce_address_read


def bounce_record(*, recipient: str, hard: bool, now: dt.datetime | None = None) -> bool:
    """Apply one bounce to the delivery ``recipient`` (a bounce address) names. Returns whether
    anything changed: False for a soft bounce, an address that is not genuine, an unknown
    delivery, or a delivery already marked bounced (a provider may post twice)."""
    if not hard:
        return False
    delivery_id = bounce_address_read(recipient)
    if delivery_id is None:
        return False
    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status == DeliveryStatus.BOUNCED:
            return False
        delivery.status = DeliveryStatus.BOUNCED
        delivery.bounced_at = now
        delivery.save(update_fields=["status", "bounced_at"])
        Subscription.objects.filter(
            pk=delivery.subscription_id, undeliverable_at__isnull=True
        ).update(undeliverable_at=now)
        NewsletterIssue.objects.filter(pk=delivery.issue_id).update(
            bounced_count=F("bounced_count") + 1
        )
    return True


def _dsn_fields(part: Message) -> list[dict[str, str]]:
    """The per-recipient field groups of a message/delivery-status part (lower-case names)."""
    groups: list[dict[str, str]] = []
    payload = part.get_payload()
    blocks: list[Message] = (
        [block for block in payload if isinstance(block, Message)]
        if isinstance(payload, list)
        else []
    )
    if not blocks:  # some parsers leave the status as text: split it into blocks ourselves
        text = payload if isinstance(payload, str) else ""
        blocks = [
            message_from_bytes(block.strip().encode() + b"\n", policy=policy.compat32)
            for block in text.replace("\r\n", "\n").split("\n\n")
            if block.strip()
        ]
    for block in blocks:
        groups.append({key.lower(): str(value).strip() for key, value in block.items()})
    return groups


def bounces_from_dsn(raw: bytes) -> list[tuple[str, bool]]:
    """``(bounce address, hard)`` for each failed recipient of a delivery status notification
    (RFC 3464). The bounce address is where the report was sent (our VERP address: ``To``, or
    the envelope's ``X-Original-To`` / ``Delivered-To``); "hard" is ``Action: failed`` with a
    5.x.x status. Anything that is not such a report gives an empty list."""
    message = message_from_bytes(raw, policy=policy.compat32)
    to = message.get("X-Original-To") or message.get("Delivered-To") or message.get("To") or ""
    from email.utils import getaddresses

    addresses = [address for _name, address in getaddresses([str(to)]) if address]
    if not addresses:
        return []
    found: list[tuple[str, bool]] = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for group in _dsn_fields(part)[1:]:  # the first group is about the message
            action = group.get("action", "").lower()
            status = group.get("status", "")
            if action == "failed" or action == "delayed":
                found.append((addresses[0], action == "failed" and status.startswith("5")))
    return found
