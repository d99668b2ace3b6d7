"""Messages to partner libraries: queued with the move that causes them, sent after commit.

:func:`message_queue` stores the message (validated against the schema when it was built) and
schedules :func:`~kaft.interlibrary.tasks.send_message` after the transaction commits.
:func:`message_send` POSTs it to the partner's ISO 18626 address with the shared secret in the
``X-ISO18626-Secret`` header and a timeout, and reads the confirmation (validated too):

- OK: the message is sent; its body is emptied (it may have held patron data); a confirmed
  ``request`` moves our request from ``New`` to ``RequestReceived``;
- ERROR from the partner: the message is failed (the partner refused it; sending it again would
  not help) and the error is kept for staff;
- no answer, a timeout or an answer that is no ISO 18626 confirmation: the message stays pending
  and is tried again by the beat job ``send_pending_messages`` (every few minutes), up to
  :data:`MAX_ATTEMPTS` times.

The HTTP call never runs inside a transaction: the row is read, the call made, then the result
written under the message's lock.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaft.interlibrary import iso18626
from kaft.interlibrary.lifecycle import request_apply
from kaft.interlibrary.locks import message_for_update, request_for_update
from kaft.interlibrary.models import (
    IllAction,
    IllRole,
    IllStatus,
    InterlibraryRequest,
    OutboxStatus,
    OutgoingMessage,
)

SECRET_HEADER = "X-ISO18626-Secret"
TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 12


def header_for(request: InterlibraryRequest) -> iso18626.Header:
    """The ISO 18626 header of ``request``'s messages: the agencies by ISIL (our branch's)."""
    assert request.partner is not None
    ours, theirs = request.branch.isil, request.partner.isil
    requesting = request.role == IllRole.REQUESTING
    return iso18626.Header(
        supplying_isil=theirs if requesting else ours,
        requesting_isil=ours if requesting else theirs,
        requesting_request_id=request.requesting_id,
        supplying_request_id=request.supplying_id,
    )


def message_queue(*, request: InterlibraryRequest, kind: str, body: bytes) -> OutgoingMessage:
    """Store ``body`` for ``request``'s partner and send it once this transaction commits."""
    message = OutgoingMessage.objects.create(
        request=request, kind=kind, body=body.decode("utf-8"), created_at=timezone.now()
    )

    def _send() -> None:
        from kaft.interlibrary.tasks import send_message

        send_message.delay(message.pk)

    transaction.on_commit(_send)
    return message


def _post(url: str, secret: str, body: bytes) -> bytes:
    call = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/xml; charset=utf-8", SECRET_HEADER: secret},
    )
    try:
        with urllib.request.urlopen(call, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            data: bytes = answer.read(iso18626.MAX_BYTES + 1)
            return data
    except urllib.error.HTTPError as exc:  # an error confirmation comes with a 4xx status
        data = exc.read(iso18626.MAX_BYTES + 1)
        return data


def message_send(message_id: int) -> str:
    """Send one pending message; the outbox status it has afterwards (``sent``, ``failed`` or
    ``pending`` when it is to be tried again)."""
    message = (
        OutgoingMessage.objects.select_related("request__partner").filter(pk=message_id).first()
    )
    if message is None or message.status != OutboxStatus.PENDING:
        return message.status if message is not None else OutboxStatus.FAILED
    partner = message.request.partner
    confirmation: iso18626.Message | None = None
    error = ""
    if partner is None or not partner.secret:
        error = "no partner or no shared secret"
    else:
        try:
            answer = _post(partner.endpoint_url, partner.secret, message.body.encode("utf-8"))
            confirmation = iso18626.message_parse(answer)
        except (OSError, ValueError) as exc:  # network, timeout, bad URL
            error = f"{type(exc).__name__}: {exc}"
        except iso18626.MessageInvalid as exc:
            error = f"answer is no ISO 18626 message: {exc.detail}"
    return _outcome(message.pk, confirmation, error)


@transaction.atomic
def _outcome(message_id: int, confirmation: iso18626.Message | None, error: str) -> str:
    message = message_for_update(message_id)
    if message is None or message.status != OutboxStatus.PENDING:
        return message.status if message is not None else OutboxStatus.FAILED
    message.attempts += 1
    fields: list[str] = ["attempts", "status", "last_error", "sent_at", "body"]
    if confirmation is None:
        message.last_error = error[:300]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
    elif not confirmation.ok:
        message.status = OutboxStatus.FAILED
        refused: Any = confirmation.fields
        message.last_error = f"{refused.get('error_type', '')}: {refused.get('error_value', '')}"[
            :300
        ]
    else:
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.body = ""  # sent: the patron data it may have held is not kept
        if message.kind == "request":
            _confirmed(message.request_id)
    message.save(update_fields=fields)
    return str(message.status)


def _confirmed(request_id: int) -> None:
    request = request_for_update(request_id)
    if request.role == IllRole.REQUESTING and request.status == IllStatus.NEW:
        request_apply(request=request, action=IllAction.SEND, at=timezone.now())


def messages_send_pending() -> int:
    """Try every pending message again (oldest first); how many were sent."""
    ids = list(
        OutgoingMessage.objects.filter(status=OutboxStatus.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:200]
    )
    return sum(1 for pk in ids if message_send(pk) == OutboxStatus.SENT)
