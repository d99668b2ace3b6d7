"""The message to a member that someone asked for access to their account."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kaft.members.models import Channel, FamilyAccess, MessageType
from kaft.notices.models import Notice
from kaft.notices.services.outbox import _draft, _outbox_insert


def notice_queue_family_request(*, access: FamilyAccess, now: dt.datetime | None = None) -> Notice:
    """Queue (once per request) the message to the owner that ``access`` was asked for.

    It says until when the owner can answer, and does not name the asker: a stored message
    never names another member (it would outlive that member's erasure in the owner's outbox
    copy); MijnBibliotheek shows who asked. Always by e-mail (no channel choice for account
    messages); born failed when there is no address. Locks nothing: the unique ``dedup_key``
    makes a second insert a no-op.
    """
    now = now or timezone.now()
    owner = access.owner
    draft = _draft(
        member=owner,
        message_type=MessageType.FAMILY_REQUEST,
        channel=Channel.EMAIL,
        dedup_key=f"family_request:{access.pk}",
        context={"answer_by": timezone.localtime(access.answer_by).date()},
        now=now,
    )
    with transaction.atomic():
        _outbox_insert([draft])
        return Notice.objects.get(dedup_key=draft.dedup_key)
