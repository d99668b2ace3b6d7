"""Account messages: a password-reset link or code, always by e-mail (no channel choice).

The message holds the link or the code and nothing else about the member. Both stop working
after 24 hours or once used, so the copy kept in the outbox (90 days) opens nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from kaft.members.models import Channel, Member, MessageType
from kaft.notices.models import Notice
from kaft.notices.services import _draft, _outbox_insert


def _queue(member: Member, kind: str, context: dict[str, str], now: dt.datetime | None) -> Notice:
    draft = _draft(
        member=member,
        message_type=MessageType.PASSWORD_RESET,
        channel=Channel.EMAIL,
        # Every request is its own message: a new link or code, never deduplicated away.
        dedup_key=f"password_reset:{kind}:{member.pk}:{secrets.token_hex(8)}",
        context=context,
        now=now or timezone.now(),
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
