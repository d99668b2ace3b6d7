"""Messages to partner libraries: queued with the move that causes them, sent after commit.

:func:`message_queue` stores the message (validated against the schema when it was built) and
schedules :func:`~kaft.interlibrary.tasks.send_message` after the transaction commits.
:func:`message_send` POSTs it to the partner's ISO 18626 address with a timeout, authenticated
as the partner's register entry says: the shared secret in the ``X-ISO18626-Secret`` header, or
(a partner set to client certificates) over TLS presenting Kaft's own client certificate
(``KAFT_ILL_CLIENT_CERT``/``KAFT_ILL_CLIENT_KEY``, the partner's server verified against
``KAFT_ILL_CA_FILE`` or the system's CAs) and no secret. It reads the confirmation (validated
too):

- OK: the message is sent; its body is emptied (it may have held patron data); a confirmed
  ``request`` moves our request from ``New`` to ``RequestReceived``. Only the confirmation of
  the kind sent, for the same request number, counts;
- ERROR from the partner: the message is failed (the partner refused it; sending it again would
  not help), its body emptied, and the error is kept for staff;
- no answer, a timeout, a failed TLS handshake, no secret or (for a certificate partner) no
  client certificate of ours configured, or an answer that is no ISO 18626 confirmation: the
  message stays pending with the reason in ``last_error`` and is tried again by the beat job
  ``send_pending_messages`` (every few minutes), up to :data:`MAX_ATTEMPTS` times (then failed,
  its body emptied). A redirect is never followed: it would take the secret and the message
  elsewhere.

The HTTP call never runs inside a transaction: the row is read, the call made, then the result
written under the message's lock.
"""

from __future__ import annotations

import http.client
import ssl
import urllib.error
import urllib.request
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaft.interlibrary import certificates, iso18626
from kaft.interlibrary.lifecycle import request_apply
from kaft.interlibrary.locks import message_for_update, request_for_update
from kaft.interlibrary.models import (
    IllAction,
    IllRole,
    IllStatus,
    InterlibraryRequest,
    OutboxStatus,
    OutgoingMessage,
    PartnerAuth,
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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A partner's address answers itself: a redirect is not followed (it would carry the shared
    secret and the message to wherever it points); it reaches us as an HTTP error, no
    confirmation, and the message stays pending."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post(url: str, secret: str, body: bytes, context: ssl.SSLContext | None = None) -> bytes:
    """POST ``body``; the secret header only when ``secret`` is given, TLS with ``context`` (a
    client certificate) when given."""
    headers = {"Content-Type": "application/xml; charset=utf-8"}
    if secret:
        headers[SECRET_HEADER] = secret
    call = urllib.request.Request(url, data=body, method="POST", headers=headers)
    handlers: list[urllib.request.BaseHandler] = [_NoRedirects()]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    try:
        with urllib.request.build_opener(*handlers).open(call, timeout=TIMEOUT_SECONDS) as answer:
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
    certificate = partner is not None and partner.auth_method == PartnerAuth.CERTIFICATE
    if partner is None or (not certificate and not partner.secret):
        error = "no partner or no shared secret"
    elif certificate and not partner.endpoint_url.startswith("https://"):
        error = "a client certificate needs an https:// address"
    else:
        try:
            body = message.body.encode("utf-8")
            if certificate:
                answer = _post(partner.endpoint_url, "", body, certificates.client_context())
            else:
                answer = _post(partner.endpoint_url, str(partner.secret), body)
            confirmation = iso18626.message_parse(answer)
            mismatch = _not_its_confirmation(message, confirmation)
            if mismatch:
                confirmation, error = None, mismatch
        except certificates.ClientCertificateMissing:
            error = "no client certificate of ours (set KAFT_ILL_CLIENT_CERT and _KEY)"
        except (OSError, ValueError, http.client.HTTPException) as exc:  # network, TLS, URL
            error = f"{type(exc).__name__}: {exc}"
        except iso18626.MessageInvalid as exc:
            error = f"answer is no ISO 18626 message: {exc.detail}"
    return message_outcome(message.pk, confirmation, error)


def _not_its_confirmation(message: OutgoingMessage, confirmation: iso18626.Message) -> str:
    """Why ``confirmation`` does not confirm ``message`` ("" when it does): it must be the
    confirmation of the kind sent, for the same request number."""
    sent_kind = message.kind.split(":", 1)[0]
    expected = iso18626.CONFIRMATION_OF.get(sent_kind, "")
    if confirmation.kind != expected:
        return f"answer is a {confirmation.kind or 'nothing'}, not a {expected}"
    header = confirmation.header
    if header is not None and header.requesting_request_id not in (
        "",
        message.request.requesting_id,
    ):
        return "answer confirms another request"
    return ""


@transaction.atomic
def message_outcome(message_id: int, confirmation: iso18626.Message | None, error: str) -> str:
    """Record what became of one try to send message ``message_id``: the partner's
    ``confirmation`` (OK: sent, body emptied; ERROR: failed), or none and the ``error`` (pending,
    failed after :data:`MAX_ATTEMPTS`). Locks the message. The status it has afterwards."""
    message = message_for_update(message_id)
    if message is None or message.status != OutboxStatus.PENDING:
        return message.status if message is not None else OutboxStatus.FAILED
    message.attempts += 1
    fields: list[str] = ["attempts", "status", "last_error", "sent_at", "body"]
    if confirmation is None:
        message.last_error = error[:300]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
            message.body = ""  # never sent: the patron data it may hold is not kept
    elif not confirmation.ok:
        message.status = OutboxStatus.FAILED
        message.body = ""  # refused by the partner: not sent again, so not kept
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
