"""Sending a text message (SMS): the provider interface, and CM.com's gateway as its provider.

Kaft speaks to an SMS provider through :class:`SmsProvider`: one call, one message to one number,
returning the provider's reference or raising :class:`SmsError`. The outbox
(:func:`kaft.notices.services.outbox.notice_send`) records a failure as a delivery attempt and
tries again later, as it does for e-mail.

The one provider built in is CM.com's (a Dutch gateway, Breda) JSON "business messaging" API::

    POST https://gw.cmtelecom.com/v1.0/message          (KAFT_SMS_URL)
    Content-Type: application/json

    {"messages": {"authentication": {"producttoken": "<KAFT_SMS_TOKEN>"},
                  "msg": [{"allowedChannels": ["SMS"],
                           "from": "<KAFT_SMS_SENDER, at most 11 letters or digits>",
                           "to": [{"number": "0031612345678"}],
                           "body": {"type": "auto", "content": "<the text>"},
                           "minimumNumberOfMessageParts": 1,
                           "maximumNumberOfMessageParts": 2,
                           "reference": "kaft-<notice id>"}]}}

The gateway answers with a JSON object: ``errorCode`` 0 and, per message, ``status``
"Accepted" when it took the message; otherwise ``errorCode`` says why (101 authentication
failed, 102 balance too low, 103 product token wrong, 201 not every message was accepted, 202
request malformed, 203 message array wrong, 301-305 a field of the message is wrong (sender,
recipient, number, body), 401 spam, 402 blacklisted, 403 rejected, 500 the gateway's own error,
999 unknown) and ``details`` / a message's ``messageDetails`` says it in words; per message,
``messageErrorCode`` has the same codes. Numbers go to the gateway in the international form
with ``00`` (``0031612345678``), as the gateway documents them.

Nothing here keeps the number or the text: what is sent is the outbox's row.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from kaft.core.library import library

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20
SENDER_MAX = 11  # an alphanumeric sender: at most 11 characters, the SMS standard's limit

# The gateway's error codes, as its documentation names them.
CM_ERRORS: dict[int, str] = {
    101: "authentication failed",
    102: "balance insufficient",
    103: "product token incorrect",
    201: "not all messages were sent",
    202: "request malformed",
    203: "message array incorrect",
    301: "invalid sender",
    302: "invalid recipient",
    303: "invalid number",
    304: "invalid body",
    305: "invalid field",
    401: "spam",
    402: "blacklisted",
    403: "rejected",
    500: "gateway error",
    999: "unknown error",
}


class SmsError(Exception):
    """Sending failed; ``str()`` is what the delivery attempt records (never the number)."""

    def __init__(self, text: str, *, code: int | None = None) -> None:
        super().__init__(text)
        self.code = code


class SmsProvider(Protocol):
    def send(self, *, to: str, text: str, reference: str) -> str:
        """Hand one message for ``to`` (E.164) to the provider; returns its reference.

        Raises :class:`SmsError` when the provider did not take it."""
        ...


def sender_name(configured: str, library_name: str) -> str:
    """The sender the phone shows: ``configured``, else the library's name, as the letters and
    digits the SMS standard allows, at most 11."""
    text = configured or library_name
    kept = "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch == " "))
    return kept.strip()[:SENDER_MAX].strip() or "Bibliotheek"


def gateway_number(e164: str) -> str:
    """``+31612345678`` as the gateway wants it: ``0031612345678``."""
    return "00" + e164.lstrip("+")


@dataclass(frozen=True)
class CmGateway:
    """CM.com's JSON gateway (see the module's doc for the request and the answers)."""

    url: str
    token: str
    sender: str

    def request_body(self, *, to: str, text: str, reference: str) -> dict[str, Any]:
        return {
            "messages": {
                "authentication": {"producttoken": self.token},
                "msg": [
                    {
                        "allowedChannels": ["SMS"],
                        "from": self.sender,
                        "to": [{"number": gateway_number(to)}],
                        "body": {"type": "auto", "content": text},
                        "minimumNumberOfMessageParts": 1,
                        "maximumNumberOfMessageParts": 2,
                        "reference": reference,
                    }
                ],
            }
        }

    def send(self, *, to: str, text: str, reference: str) -> str:
        data = json.dumps(self.request_body(to=to, text=text, reference=reference)).encode()
        request = urllib.request.Request(
            self.url,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:  # 4xx/5xx: the body still says why
            status, raw = error.code, error.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"gateway not reached: {type(error).__name__}") from None
        return self._answer(status, raw, reference)

    @staticmethod
    def _answer(status: int, raw: bytes, reference: str) -> str:
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            raise SmsError(f"HTTP {status}: the gateway's answer is not JSON") from None
        if not isinstance(answer, dict):
            raise SmsError(f"HTTP {status}: unexpected answer")
        code = int(answer.get("errorCode") or 0)
        messages = answer.get("messages") or []
        first = messages[0] if messages and isinstance(messages[0], dict) else {}
        message_code = int(first.get("messageErrorCode") or 0)
        if status == 200 and code == 0 and message_code == 0 and first.get("status") == "Accepted":
            return str(first.get("reference") or reference)
        failing = message_code or code
        # The gateway's own words (``details``, ``messageDetails``) may repeat the number
        # ("Gsm '00316...' is not a number"): the attempt keeps the code and our words only.
        known = CM_ERRORS.get(failing, "")
        raise SmsError(
            f"HTTP {status}: gateway error {failing}" + (f" ({known})" if known else ""),
            code=failing or None,
        )


def sms_provider() -> SmsProvider | None:
    """The configured provider, or None when Kaft has none (KAFT_SMS_URL empty)."""
    url = settings.KAFT_SMS_URL
    if not url:
        return None
    return CmGateway(
        url=url,
        token=settings.KAFT_SMS_TOKEN,
        sender=sender_name(settings.KAFT_SMS_SENDER, library().name),
    )
