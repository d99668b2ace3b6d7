"""Writes to the outbox: queue a message once, send it once.

Queueing renders the message in the member's language and inserts it with a ``dedup_key``; the
key is unique, so the same message is never queued twice, however often or concurrently a task
runs (INSERT ... ON CONFLICT DO NOTHING, then read back). Sending is scheduled after commit.

Channels: e-mail, SMS and letter. An e-mail goes to the member's address, an SMS to their phone
number (E.164) through the SMS provider (:mod:`kaft.notices.sms`); both are sent by a task after
commit and retried the same way. A letter is not sent by a worker: it waits, pending, for the
desk's daily print run (:mod:`kaft.notices.services.letters`) and counts as sent once staff
confirm the run was printed. A message that cannot go by its channel (no e-mail address, no
usable phone number, no postal address, no SMS provider) still gets a notice row (so the desk
can see it), born ``failed`` with a ``problem`` saying why; nothing is sent.

Privacy: a message holds what the member needs to act on it (the title, the branch and its
address, the dates) and nothing else: no card number, no name, no other personal data. A
letter's name and postal address are not stored with it either: the print run reads them from
the live member rows when it prints. An SMS names no title unless the member chose that. It never
names another member either (who asked for family access, a parent): the stored copy would
outlive that member's erasure. MijnBibliotheek shows such names, from the live rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from email.utils import formataddr
from functools import partial
from itertools import groupby
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from kaft.circulation.models import Hold, HoldStatus, Loan
from kaft.core.library import library
from kaft.members.models import Channel, Member, MessageType
from kaft.members.phones import phone_is_mobile
from kaft.members.selectors.member import member_has_postal_address
from kaft.notices.errors import NoticeError, NoticeErrorCode
from kaft.notices.lifecycle import MAX_ATTEMPTS, NoticeAction, notice_apply
from kaft.notices.models import Notice, NoticeProblem, NoticeStatus
from kaft.notices.purposes import consent_needed
from kaft.notices.render import message_language, render_message
from kaft.notices.selectors import outbox as selectors
from kaft.notices.sms import SmsError, sms_provider
from kaft.privacy.services.consent import consent_given

logger = logging.getLogger(__name__)

# The safety net leaves a new notice to the task scheduled after commit for this long.
SAFETY_NET_GRACE = dt.timedelta(minutes=2)
# A notice 'sending' for longer than this was left behind by a worker that died.
SENDING_TIMEOUT = dt.timedelta(minutes=15)
DUE_SOON_CHUNK = 500


# --- queueing ---------------------------------------------------------------------------------


def notice_queue_hold_ready(*, hold: Hold, now: dt.datetime | None = None) -> Notice | None:
    """Queue "your reservation is ready for pickup" for a READY hold, once per time it became ready.

    The key holds ``ready_at``, so a hold that is trapped again later is announced again. Returns
    the notice (new or already queued), or None when the hold is not ready or has no member.
    Locks nothing: the unique ``dedup_key`` makes a second insert a no-op.
    """
    member = hold.member
    if hold.status != HoldStatus.READY or member is None or hold.ready_at is None:
        return None
    now = now or timezone.now()
    branch = hold.pickup_branch
    address = ", ".join(
        part for part in (branch.street, f"{branch.postcode} {branch.city}".strip()) if part
    )
    context = {
        "title": hold.record.title,
        "branch_name": branch.name,
        "branch_address": address,
        "deadline": hold.pickup_deadline,
        # The library puts pickup numbers on the holds shelf, not initials: the member needs it.
        "pickup_number": str(hold.pk) if settings.KAFT_PICKUP_LABEL == "number" else "",
    }
    draft = _draft(
        member=member,
        message_type=MessageType.HOLD_READY,
        channel=selectors.member_channel(member, MessageType.HOLD_READY),
        dedup_key=f"hold_ready:{hold.pk}:{int(hold.ready_at.timestamp())}",
        context=context,
        now=now,
    )
    with transaction.atomic():
        _outbox_insert([draft])
        return Notice.objects.get(dedup_key=draft.dedup_key)


def notice_queue_due_soon(
    *, loan: Loan, days: int, now: dt.datetime | None = None
) -> Notice | None:
    """Queue the "due in ``days`` days" message that covers ``loan``.

    One message per member per due date: it lists every open loan of the member due that day.
    A loan that joins that due date after the message was queued is not announced separately.
    Returns the notice (new or already queued), or None when the loan has no member.
    Locks nothing: the unique ``dedup_key`` makes a second insert a no-op.
    """
    if loan.member_id is None:
        return None
    now = now or timezone.now()
    loans = list(
        selectors.loans_due_on(loan.due_date)
        .filter(member_id=loan.member_id)
        .select_related("member", "record")
    )
    if not loans:
        return None
    member = loans[0].member
    assert member is not None
    channel = selectors.member_channel(member, MessageType.DUE_SOON)
    draft = _due_soon_draft(member, loans, loan.due_date, days, channel, now)
    with transaction.atomic():
        _outbox_insert([draft])
        return Notice.objects.get(dedup_key=draft.dedup_key)


def notices_queue_due_soon(
    *,
    today: dt.date | None = None,
    days: int | None = None,
    chunk_size: int = DUE_SOON_CHUNK,
    now: dt.datetime | None = None,
) -> int:
    """Queue a due-soon message for every member with open loans due within ``days`` days.

    The window runs from tomorrow to ``today + days`` (``days`` defaults to
    ``settings.KAFT_DUE_SOON_DAYS``), so a day on which the job did not run is caught up the
    next time it does; one message per member per due date, never twice (the dedup key). Works
    through the members in chunks; per chunk a constant number of queries (find, check keys,
    insert, read back). Returns how many new notices were queued. Locks nothing; safe to run
    twice or concurrently.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    days = settings.KAFT_DUE_SOON_DAYS if days is None else days
    first, last = today + dt.timedelta(days=1), today + dt.timedelta(days=days)
    queued = 0
    after = 0
    while True:
        loans = selectors.due_soon_chunk(
            first=first, last=last, after_member_id=after, size=chunk_size
        )
        if not loans:
            return queued
        drafts = []
        for (_member_id, due_date), group in groupby(
            loans, key=lambda loan: (loan.member_id, loan.due_date)
        ):
            member_loans = list(group)
            member = member_loans[0].member
            assert member is not None
            channel = Channel(getattr(member_loans[0], "due_soon_channel", None) or Channel.EMAIL)
            in_days = (due_date - today).days
            drafts.append(_due_soon_draft(member, member_loans, due_date, in_days, channel, now))
        with transaction.atomic():
            queued += len(_outbox_insert(drafts))
        after = loans[-1].member_id or after


def _due_soon_draft(
    member: Member,
    loans: Sequence[Loan],
    due_date: dt.date,
    days: int,
    channel: Channel,
    now: dt.datetime,
) -> Notice:
    return _draft(
        member=member,
        message_type=MessageType.DUE_SOON,
        channel=channel,
        dedup_key=f"due_soon:{member.pk}:{due_date.isoformat()}",
        context={
            "titles": sorted(loan.record.title for loan in loans),
            "due_date": due_date,
            "days": days,
        },
        now=now,
    )


def _draft(
    *,
    member: Member,
    message_type: MessageType,
    channel: Channel,
    dedup_key: str,
    context: dict[str, Any],
    now: dt.datetime,
    recipient: str | None = None,
) -> Notice:
    """An unsaved notice, rendered for its channel; born failed (with the problem) when it
    cannot be delivered.

    ``recipient`` None: the member's address on record (e-mail) or phone number (SMS); account
    messages about a change of address name the new or the old address themselves. A letter
    has no recipient: the print run reads the name and address when it prints."""
    channel = Channel(channel)
    address, problem = _recipient(member, channel, recipient)
    show_titles = member.sms_titles if channel == Channel.SMS else True
    message = render_message(
        message_type.value,
        language=message_language(member.preferred_language),
        context=context,
        channel=channel.value,
        show_titles=show_titles,
    )
    return Notice(
        member=member,
        message_type=message_type,
        channel=channel,
        dedup_key=dedup_key,
        language=message.language,
        recipient="" if problem else address,
        subject=message.subject,
        body=message.body,
        status=NoticeStatus.FAILED if problem else NoticeStatus.PENDING,
        problem=problem,
        # A letter waits for the print run, not for the safety net.
        next_attempt_at=None if channel == Channel.LETTER else now + SAFETY_NET_GRACE,
    )


def _recipient(member: Member, channel: Channel, given: str | None) -> tuple[str, str]:
    """Where the message goes (the address or number kept on the notice), and the problem when
    it cannot go by ``channel``."""
    if channel == Channel.LETTER:
        return "", "" if member_has_postal_address(member) else NoticeProblem.NO_ADDRESS
    if channel == Channel.SMS:
        number = member.phone if given is None else given
        if not number.startswith("+") or not phone_is_mobile(number):
            return "", NoticeProblem.NO_PHONE
        if sms_provider() is None:
            return "", NoticeProblem.CHANNEL_UNAVAILABLE
        return number, ""
    address = member.email if given is None else given
    return address, "" if address else NoticeProblem.NO_EMAIL


def _outbox_insert(drafts: list[Notice]) -> list[Notice]:
    """Insert the drafts whose key is new; schedule sending the pending ones after commit.

    ON CONFLICT DO NOTHING (``ignore_conflicts``) makes a concurrent insert of the same key a
    no-op instead of an error. Returns the notices this call inserted.
    """
    keys = [draft.dedup_key for draft in drafts]
    existing = set(Notice.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
    new = [draft for draft in drafts if draft.dedup_key not in existing]
    if not new:
        return []
    Notice.objects.bulk_create(new, ignore_conflicts=True)
    inserted = list(Notice.objects.filter(dedup_key__in=[draft.dedup_key for draft in new]))
    _schedule_send(
        [n.pk for n in inserted if n.status == NoticeStatus.PENDING and n.channel != Channel.LETTER]
    )
    return inserted


def _schedule_send(notice_ids: list[int]) -> None:
    from kaft.notices.tasks import send_notice

    for notice_id in notice_ids:
        transaction.on_commit(partial(send_notice.delay, notice_id))


# --- sending ----------------------------------------------------------------------------------


def notice_send(*, notice_id: int, now: dt.datetime | None = None) -> Notice | None:
    """Send one pending notice by e-mail or SMS, never twice (a letter waits for the print run).

    Claims the notice first with a conditional UPDATE (pending -> sending): of two workers only
    one wins, the other returns without sending. The mail server is called outside any
    transaction; then the attempt is recorded and the notice becomes sent, or pending again for
    a later attempt, or failed after ``MAX_ATTEMPTS``. Call it outside ``transaction.atomic``.

    A message that needs a consent (:mod:`kaft.notices.purposes`) is sent only if the member
    still gives it at this moment: after the claim, consent is asked again, and a withdrawn
    consent cancels the message (failed, problem ``no_consent``) without calling the mail
    server: first attempt, a later attempt and a retry by staff alike.
    Returns the notice as it is afterwards, or None when there is no such notice.
    """
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None or notice.status != NoticeStatus.PENDING:
        return notice
    if notice.channel == Channel.LETTER:
        return notice
    if not notice.recipient:
        problem = (
            NoticeProblem.NO_PHONE if notice.channel == Channel.SMS else NoticeProblem.NO_EMAIL
        )
        notice_apply(notice, NoticeAction.REFUSE, now=now or timezone.now(), problem=problem)
        return notice
    if not notice_apply(notice, NoticeAction.CLAIM, now=now or timezone.now()):
        return notice
    if not _consent_still_given(notice):
        notice_apply(
            notice, NoticeAction.CANCEL, now=now or timezone.now(), problem=NoticeProblem.NO_CONSENT
        )
        return notice
    error = _deliver_sms(notice) if notice.channel == Channel.SMS else _deliver_email(notice)
    if error is None:
        action = NoticeAction.DELIVER
    elif notice.attempts + 1 >= MAX_ATTEMPTS:
        action = NoticeAction.GIVE_UP
    else:
        action = NoticeAction.DEFER
    if not notice_apply(notice, action, now=now or timezone.now(), error=error or ""):
        logger.warning("notice %s was released while it was being sent", notice.pk)
    return notice


def _consent_still_given(notice: Notice) -> bool:
    """Whether the consent this notice's message type needs (if any) is given right now."""
    purpose = consent_needed(notice.message_type)
    if purpose is None:
        return True
    member = Member.objects.filter(pk=notice.member_id).first() if notice.member_id else None
    return member is not None and consent_given(member=member, purpose=purpose)


def _deliver_email(notice: Notice) -> str | None:
    """Hand the message to the configured mail backend; the error text when that fails."""
    message = EmailMessage(
        subject=notice.subject,
        body=notice.body,
        from_email=formataddr((library().name, settings.DEFAULT_FROM_EMAIL)),
        to=[notice.recipient],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": notice.language},
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # the mail server's error is recorded and retried, never raised
        # The log gets the kind of error only: the server's text may name the recipient.
        logger.warning("sending notice %s failed: %s", notice.pk, type(exc).__name__)
        return f"{type(exc).__name__}: {exc}"[:500]
    return None


def _deliver_sms(notice: Notice) -> str | None:
    """Hand the text to the SMS provider; the error text when that fails (a provider taken
    away since queueing is a failure too, retried in case it comes back)."""
    provider = sms_provider()
    if provider is None:
        return "no SMS provider is set up (KAFT_SMS_URL)"
    try:
        provider.send(to=notice.recipient, text=notice.body, reference=f"kaft-{notice.pk}")
    except SmsError as error:
        logger.warning("sending notice %s by SMS failed: %s", notice.pk, error)
        return str(error)[:500]
    return None


def notices_send_pending(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """The safety net: set aside notices stuck in 'sending', schedule the pending ones that are due.

    A notice a worker claimed and never finished may have reached the member: it becomes FAILED
    with ``DELIVERY_UNCERTAIN`` for staff to check and retry, never sent again by itself.

    Locks nothing: releasing is a conditional UPDATE, and ``notice_send`` claims before sending.
    Returns how many sends were scheduled (after commit).
    """
    now = now or timezone.now()
    with transaction.atomic():
        for notice in selectors.notices_stuck_sending(claimed_before=now - SENDING_TIMEOUT):
            notice_apply(notice, NoticeAction.RELEASE, now=now)
        notice_ids = selectors.notices_to_send(now=now, limit=limit)
        _schedule_send(notice_ids)
    return len(notice_ids)


def notice_retry(*, notice: Notice, now: dt.datetime | None = None) -> Notice:
    """Staff ask to send a notice again that failed after ``MAX_ATTEMPTS`` attempts, or whose
    delivery was uncertain (a worker stopped while sending) and that staff found not to have
    arrived.

    Raises NoticeError(NOT_RETRYABLE) for any other notice. Conditional UPDATE, no lock.
    """
    now = now or timezone.now()
    retryable = notice.status == NoticeStatus.FAILED and notice.problem in (
        NoticeProblem.TOO_MANY_ATTEMPTS,
        NoticeProblem.DELIVERY_UNCERTAIN,
    )
    with transaction.atomic():
        if not retryable or not notice_apply(notice, NoticeAction.RETRY, now=now):
            raise NoticeError(NoticeErrorCode.NOT_RETRYABLE)
        _schedule_send([notice.pk])
    return notice
