"""Account messages, always by e-mail (no channel choice): a password-reset link or code, the
link that confirms a new e-mail address (sent to that new address), and the notice to the old
address that the address was changed.

The message holds the link or the code and nothing else about the member. Links and codes stop
working after 24 hours or once used, so the copy kept in the outbox (90 days) opens nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from kaft.members.models import Channel, Member, MessageType
from kaft.notices.models import Notice
from kaft.notices.services.outbox import _draft, _outbox_insert


def _queue(
    member: Member,
    kind: str,
    context: dict[str, str],
    now: dt.datetime | None,
    message_type: MessageType = MessageType.PASSWORD_RESET,
    recipient: str | None = None,
) -> Notice:
    draft = _draft(
        member=member,
        message_type=message_type,
        channel=Channel.EMAIL,
        # Every request is its own message: a new link or code, never deduplicated away.
        dedup_key=f"{message_type.value}:{kind}:{member.pk}:{secrets.token_hex(8)}",
        context=context,
        now=now or timezone.now(),
        recipient=recipient,
    )
    with transaction.atomic():
        _outbox_insert([draft])
        return Notice.objects.get(dedup_key=draft.dedup_key)


def notice_queue_password_reset_link(
    *, member: Member, link: str, now: dt.datetime | None = None
) -> Notice:
    """Queue the e-mail with a link to set a new password (valid 24 hours)."""
    return _queue(member, "link", {"link": link, "code": ""}, now)


def notice_queue_password_reset_code(
    *, member: Member, code: str, now: dt.datetime | None = None
) -> Notice:
    """Queue the e-mail with the one-time code issued at the desk (valid 24 hours)."""
    return _queue(member, "code", {"link": "", "code": code}, now)


def notice_queue_email_confirm(
    *, member: Member, address: str, link: str, now: dt.datetime | None = None
) -> Notice:
    """Queue the link that confirms ``address`` as the member's new e-mail address; it goes to
    that new address, not to the one on record (valid 24 hours)."""
    return _queue(member, "link", {"link": link}, now, MessageType.EMAIL_CONFIRM, address)


def notice_queue_signup_welcome(
    *,
    member: Member,
    link: str,
    days: int,
    known_address: bool = False,
    now: dt.datetime | None = None,
) -> Notice:
    """Queue the welcome of someone who joined online: their card number, and the link that
    confirms their e-mail address (valid ``days`` days). ``known_address``: the address is
    already a member's; the message (not the page, which answers the same for every address)
    says that someone who is a member need not join again."""
    context = {
        "link": link,
        "card_number": member.card_number,
        "days": str(days),
        "known_address": "1" if known_address else "",
    }
    return _queue(member, "signup", context, now, MessageType.EMAIL_CONFIRM)


def notice_queue_email_changed(
    *, member: Member, old_address: str, now: dt.datetime | None = None
) -> Notice:
    """Tell the old address that the member's e-mail address was changed (it does not say to
    what), so an owner who did not do this can act."""
    return _queue(member, "old", {}, now, MessageType.EMAIL_CHANGED, old_address)
