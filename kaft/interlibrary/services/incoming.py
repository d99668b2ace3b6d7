"""A message from a partner, as ``POST /api/iso18626`` hands it over: checked, applied, answered.

:func:`message_receive` is the whole decision; the door only passes the body and the secret
header and returns what this gives. In order:

1. the body must pass the ISO 18626 schema (else ``BadlyFormedMessage``);
2. the sending agency (the requesting agency of a ``request`` or ``requestingAgencyMessage``,
   the supplying agency of a ``supplyingAgencyMessage``) must be an active partner
   (``UnrecognisedDataValue``: its agency id) and the addressed agency one of our branches
   (by ISIL);
3. the ``X-ISO18626-Secret`` header must equal the partner's shared secret (compared in constant
   time; else ``UnrecognisedDataValue`` on ``requestingAgencyAuthentication``);
4. the message is applied in one transaction; a request number we do not know, a status or
   action the lifecycle refuses, roll it back and answer ``UnrecognisedDataValue``.

Any refusal changes nothing. The answer is the matching confirmation message (also checked
against the schema), with HTTP 200 when OK, 400 for a refused message, 403 when the secret is
wrong or missing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac

from django.db import transaction
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.interlibrary import iso18626
from kaft.interlibrary.errors import IllError
from kaft.interlibrary.locks import request_for_update
from kaft.interlibrary.models import IllRole, InterlibraryRequest, LibraryPartner
from kaft.interlibrary.services.requesting import request_on_supplier_message
from kaft.interlibrary.services.supplying import supply_on_request, supply_on_requester_message


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


def message_receive(*, body: bytes, secret: str) -> Answer:
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
            _apply(message, secret)
    except _Refused as refused:
        return _answer(message.kind, message.header, received, message=message, refused=refused)
    except IllError as exc:
        illegal = _Refused("UnrecognisedDataValue", exc.message)
        return _answer(message.kind, message.header, received, message=message, refused=illegal)
    return _answer(message.kind, message.header, received, message=message)


def _apply(message: iso18626.Message, secret: str) -> None:
    header = message.header
    assert header is not None
    from_supplier = message.kind == "supplyingAgencyMessage"
    their_isil = header.supplying_isil if from_supplier else header.requesting_isil
    our_isil = header.requesting_isil if from_supplier else header.supplying_isil
    partner = LibraryPartner.objects.filter(isil=their_isil, active=True).first()
    if partner is None:
        agency = "supplyingAgencyId" if from_supplier else "requestingAgencyId"
        raise _Refused("UnrecognisedDataValue", agency)
    if not partner.secret or not hmac.compare_digest(
        partner.secret.encode("utf-8"), secret.encode("utf-8")
    ):
        raise _Refused("UnrecognisedDataValue", "requestingAgencyAuthentication", status=403)
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
