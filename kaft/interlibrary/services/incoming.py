"""A message from a partner, as ``POST /api/iso18626`` hands it over: checked, applied, answered.

:func:`message_receive` is the whole decision; the door only passes the body and the secret
header and the client-certificate header (read through :func:`client_cert_from`) and returns
what this gives. In order:

1. the body must pass the ISO 18626 schema (else ``BadlyFormedMessage``);
2. the sending agency (the requesting agency of a ``request`` or ``requestingAgencyMessage``,
   the supplying agency of a ``supplyingAgencyMessage``) must be an active partner, and
3. it must prove who it is the way its register entry says (``auth_method``):

   - shared secret: the ``X-ISO18626-Secret`` header must equal the partner's secret (compared
     in constant time); a client certificate, if any, is not looked at;
   - client certificate: the reverse proxy terminated TLS, verified the client's certificate and
     passed it (URL-escaped PEM) in the header named by ``KAFT_ILL_CLIENT_CERT_HEADER``. That
     header is read only when the setting is set (else anyone could send one). The certificate
     must be readable, valid now, and its SHA-256 fingerprint equal the pinned one (constant
     time). A secret alone is not enough for such a partner.

   Else ``UnrecognisedDataValue`` on ``requestingAgencyAuthentication``, HTTP 403 — the same
   answer for an agency that is no partner at all, so the answer does not tell outsiders which
   libraries are our partners;
4. the request numbers must fit (at most 64 characters; never cut) and the addressed agency be
   one of our branches (by ISIL), else ``UnrecognisedDataValue`` naming the element;
5. the message is applied in one transaction; a request number we do not know, a status or
   action the lifecycle refuses, roll it back and answer ``UnrecognisedDataValue`` naming the
   element (``requestingAgencyRequestId``, ``status``, ``action``); an action Kaft does not
   support (``ShippedForward``, a ``Notification`` without a note) ``UnsupportedActionType``.

Any refusal changes nothing. The answer is the matching confirmation message (also checked
against the schema), with HTTP 200 when OK, 400 for a refused message, 403 when the secret or
certificate is wrong or missing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.interlibrary import certificates, iso18626
from kaft.interlibrary.errors import IllError, IllErrorCode
from kaft.interlibrary.locks import request_for_update
from kaft.interlibrary.models import IllRole, InterlibraryRequest, LibraryPartner, PartnerAuth
from kaft.interlibrary.services.requesting import request_on_supplier_message
from kaft.interlibrary.services.supplying import supply_on_request, supply_on_requester_message

# A request number we store (``InterlibraryRequest.requesting_id``/``supplying_id``).
MAX_ID_LENGTH = 64


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


class _Refused(Exception):
    def __init__(self, error_type: str, value: str, status: int = 400) -> None:
        self.error_type = error_type
        self.value = value
        self.status = status
        super().__init__(f"{error_type}: {value}")


def _answer(
    kind: str,
    header: iso18626.Header | None,
    received: dt.datetime,
    *,
    message: iso18626.Message | None = None,
    refused: _Refused | None = None,
) -> Answer:
    fields = message.fields if message is not None else {}
    body = iso18626.build_confirmation(
        kind=kind,
        header=header,
        received_at=received,
        error_type=refused.error_type if refused else "",
        error_value=refused.value if refused else "",
        reason=fields.get("reason", ""),
        action=fields.get("action", ""),
    )
    return Answer(refused.status if refused else 200, body)


def client_cert_from(headers: Mapping[str, str]) -> str | None:
    """The client certificate the reverse proxy passed in the request ``headers``, or None when
    ``KAFT_ILL_CLIENT_CERT_HEADER`` is not set: then no header is trusted, whatever it holds."""
    name = settings.KAFT_ILL_CLIENT_CERT_HEADER
    if not name:
        return None
    return headers.get(name, "")


def message_receive(*, body: bytes, secret: str, client_cert: str | None = None) -> Answer:
    """Check, apply and confirm one message. ``secret``: the ``X-ISO18626-Secret`` header;
    ``client_cert``: what :func:`client_cert_from` gave (None: client certificates are off)."""
    received = timezone.now()
    try:
        message = iso18626.message_parse(body)
    except iso18626.MessageInvalid as exc:
        kind, header = iso18626.header_guess(body)
        return _answer(kind, header, received, refused=_Refused(exc.error_type, exc.detail))
    if message.kind not in iso18626.CONFIRMATION_OF:  # a confirmation is no message to us
        unsupported = _Refused("UnsupportedActionType", message.kind)
        return _answer("request", message.header, received, refused=unsupported)
    try:
        with transaction.atomic():
            _apply(message, secret, client_cert, received)
    except _Refused as refused:
        return _answer(message.kind, message.header, received, message=message, refused=refused)
    except IllError as exc:
        if exc.code == IllErrorCode.ACTION_UNSUPPORTED:
            illegal = _Refused("UnsupportedActionType", message.fields.get("action", ""))
        else:  # the element whose value the lifecycle refused
            element = "status" if message.kind == "supplyingAgencyMessage" else "action"
            illegal = _Refused("UnrecognisedDataValue", element)
        return _answer(message.kind, message.header, received, message=message, refused=illegal)
    return _answer(message.kind, message.header, received, message=message)


def _authenticated(
    partner: LibraryPartner, secret: str, client_cert: str | None, at: dt.datetime
) -> bool:
    if partner.auth_method == PartnerAuth.CERTIFICATE:
        pinned = partner.cert_fingerprint
        if not client_cert or not certificates.FINGERPRINT.match(pinned):
            return False
        try:
            certificate = certificates.certificate_from_header(client_cert)
        except certificates.CertificateInvalid:
            return False
        if not certificates.certificate_current(certificate, at):
            return False
        return hmac.compare_digest(certificates.fingerprint_of(certificate), pinned)
    return bool(partner.secret) and hmac.compare_digest(
        str(partner.secret).encode("utf-8"), secret.encode("utf-8")
    )


def _apply(
    message: iso18626.Message, secret: str, client_cert: str | None, at: dt.datetime
) -> None:
    header = message.header
    assert header is not None
    from_supplier = message.kind == "supplyingAgencyMessage"
    their_isil = header.supplying_isil if from_supplier else header.requesting_isil
    our_isil = header.requesting_isil if from_supplier else header.supplying_isil
    partner = LibraryPartner.objects.filter(isil=their_isil, active=True).first()
    # An agency that is no partner of ours is answered as one that failed to authenticate: an
    # outsider cannot learn from the answer which ISILs are our partners.
    if partner is None or not _authenticated(partner, secret, client_cert, at):
        raise _Refused("UnrecognisedDataValue", "requestingAgencyAuthentication", status=403)
    for element, value in (
        ("requestingAgencyRequestId", header.requesting_request_id),
        ("supplyingAgencyRequestId", header.supplying_request_id),
    ):
        if len(value) > MAX_ID_LENGTH:  # never cut: a cut number would match another request
            raise _Refused("UnrecognisedDataValue", element)
    branch = Branch.objects.filter(isil=our_isil).first()
    if branch is None:
        agency = "requestingAgencyId" if from_supplier else "supplyingAgencyId"
        raise _Refused("UnrecognisedDataValue", agency)
    if message.kind == "request":
        supply_on_request(partner=partner, branch=branch, message=message)
        return
    role = IllRole.REQUESTING if from_supplier else IllRole.SUPPLYING
    found = (
        InterlibraryRequest.objects.filter(
            role=role, partner=partner, requesting_id=header.requesting_request_id
        )
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise _Refused("UnrecognisedDataValue", "requestingAgencyRequestId")
    request = request_for_update(found)
    if from_supplier:
        request_on_supplier_message(request=request, message=message)
    else:
        supply_on_requester_message(request=request, message=message)
