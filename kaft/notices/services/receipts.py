"""The receipt of a checkout at the desk, by e-mail, for a member who chose that.

A service message of the loans (:mod:`kaft.notices.purposes`: no consent needed), sent only
when the member's ``email_receipt`` says so; always by e-mail, never by SMS or letter. It
holds what a printed receipt holds, minus the card number: the branch, the day, the titles and
their due dates. Like every notice, the copy in the outbox follows the outbox's retention rule.

One receipt per set of loans: the key is made from the loans' ids, so ending a session twice
(or a retry) queues nothing new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.circulation.models import Loan
from kaft.members.models import Channel, Member, MessageType
from kaft.notices.models import Notice
from kaft.notices.services.outbox import _draft, _outbox_insert


def notice_queue_loan_receipt(
    *,
    member: Member,
    loans: Sequence[Loan],
    branch: Branch,
    now: dt.datetime | None = None,
) -> Notice | None:
    """Queue the e-mailed receipt of ``loans`` (lent at ``branch``) for ``member``.

    None when the member did not choose an e-mailed receipt or nothing was lent. Returns the
    notice (new or already queued); born failed (``no_email``) when the member has no address.
    Locks nothing: the unique ``dedup_key`` makes a second insert a no-op.
    """
    if not member.email_receipt or not loans:
        return None
    now = now or timezone.now()
    ids = ",".join(str(pk) for pk in sorted(loan.pk for loan in loans))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:24]
    lines = sorted((loan.due_date, loan.record.title) for loan in loans)
    draft = _draft(
        member=member,
        message_type=MessageType.LOAN_RECEIPT,
        channel=Channel.EMAIL,
        dedup_key=f"loan_receipt:{member.pk}:{digest}",
        context={
            "branch_name": branch.name,
            "day": timezone.localdate(now),
            "lines": [{"title": title, "due_date": due} for due, title in lines],
        },
        now=now,
    )
    with transaction.atomic():
        _outbox_insert([draft])
        return Notice.objects.get(dedup_key=draft.dedup_key)
