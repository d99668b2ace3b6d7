"""The goodbye e-mail when a member is erased: a step notices registers with privacy's erasure
(:mod:`kaft.privacy.services.erasure_steps`), so privacy never imports notices.

The address is read while the member is still complete. The notice keeps only what is needed to
send it (address, subject, a text without name or card number), no link to the member, and a dedup
key that is a random token; once it has been sent, or given up on (an address that bounces), the
address and the text are emptied too (:mod:`kaft.notices.lifecycle`). A member erased again after
a restore (``repeat``) gets no second goodbye.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import partial

from django.db import transaction
from django.utils import timezone

from kaft.members.models import Channel, MessageType
from kaft.notices.models import Notice, NoticeStatus
from kaft.notices.render import message_language, render_message
from kaft.privacy.services.erasure_steps import ErasureReason, ErasureStep
from kaft.privacy.services.retention import retention_periods


def notice_queue_goodbye(facts: ErasureStep) -> int | None:
    """Queue the goodbye saying why the account was deleted; sent after commit."""
    member, now = facts.member, facts.now
    if facts.repeat or not member.email:
        return None
    context: dict[str, object] = {
        "erased_on": timezone.localdate(now),
        "reason": facts.reason.value,
    }
    if facts.reason is ErasureReason.RETENTION and member.membership_end is not None:
        context["membership_end"] = member.membership_end
        context["ended_days"] = (timezone.localdate(now) - member.membership_end).days
        context["period_days"] = retention_periods()["ended_membership"]
    message = render_message(
        MessageType.ACCOUNT_ERASED.value,
        language=message_language(member.preferred_language),
        context=context,
    )
    notice = Notice.objects.create(
        member=None,
        message_type=MessageType.ACCOUNT_ERASED,
        channel=Channel.EMAIL,
        dedup_key=f"account_erased:{secrets.token_hex(16)}",
        language=message.language,
        recipient=member.email,
        subject=message.subject,
        body=message.body,
        status=NoticeStatus.PENDING,
        next_attempt_at=now + dt.timedelta(minutes=2),
    )
    from kaft.notices.tasks import send_notice

    transaction.on_commit(partial(send_notice.delay, notice.pk))
    return notice.pk
