"""ISO 18626 messages: built and read with lxml, every one checked against the official schema
(``schema/ISO-18626-v1_2.xsd``, version 1.2) on the way out and on the way in.

Building: one function per message kind returns the bytes of a whole ``ISO18626Message``; each
validates what it built and raises :class:`MessageInvalid` rather than send a message the schema
refuses. Reading: :func:`message_parse` takes the bytes a partner sent and returns a
:class:`Message` (the kind, the header and the fields Kaft uses) or raises
:class:`MessageInvalid` with the ISO 18626 error type to answer with. The parser reads no DTD,
resolves no entity and opens no network address.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from lxml import etree

NS = "http://illtransactions.org/2013/iso18626"
VERSION = "1.2"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "ISO-18626-v1_2.xsd"
MAX_BYTES = 256 * 1024

KINDS = (
    "request",
    "requestConfirmation",
    "supplyingAgencyMessage",
    "supplyingAgencyMessageConfirmation",
    "requestingAgencyMessage",
    "requestingAgencyMessageConfirmation",
)
CONFIRMATION_OF = {
    "request": "requestConfirmation",
    "supplyingAgencyMessage": "supplyingAgencyMessageConfirmation",
    "requestingAgencyMessage": "requestingAgencyMessageConfirmation",
}
ACTIONS = ("StatusRequest", "Received", "Cancel", "Renew", "ShippedReturn", "Notification")
REASONS = (
    "RequestResponse",
    "StatusRequestResponse",
    "RenewResponse",
    "CancelResponse",
    "StatusChange",
    "Notification",
)


class MessageInvalid(Exception):
    """A message the schema refuses. ``error_type`` is the ISO 18626 errorType to answer with."""

    def __init__(self, error_type: str, detail: str, kind: str = "") -> None:
        self.error_type = error_type
        self.detail = detail[:300]
        self.kind = kind
        super().__init__(f"{error_type}: {self.detail}")


@functools.cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
    )


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _el(parent: Any, name: str, text: str | None = None) -> Any:
    element = etree.SubElement(parent, _q(name))
    if text is not None:
        element.text = text
    return element


def stamp(at: dt.datetime | None = None) -> str:
    """An xs:dateTime in UTC, to the second."""
    value = (at or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T23:59:59Z"


@dataclasses.dataclass(frozen=True)
class Header:
    supplying_isil: str
    requesting_isil: str
    requesting_request_id: str
    supplying_request_id: str = ""
    timestamp: str = ""


def _agency(parent: Any, name: str, isil: str) -> None:
    agency = _el(parent, name)
    _el(agency, "agencyIdType", "ISIL")
    _el(agency, "agencyIdValue", isil)


def _header(parent: Any, header: Header) -> None:
    element = _el(parent, "header")
    _agency(element, "supplyingAgencyId", header.supplying_isil)
    _agency(element, "requestingAgencyId", header.requesting_isil)
    _el(element, "multipleItemRequestId", "")
    _el(element, "timestamp", header.timestamp or stamp())
    _el(element, "requestingAgencyRequestId", header.requesting_request_id)
    if header.supplying_request_id:
        _el(element, "supplyingAgencyRequestId", header.supplying_request_id)


def _root() -> Any:
    # The schema qualifies attributes too (attributeFormDefault), so ``version`` carries the
    # prefix: ``<ill:ISO18626Message ill:version="1.2">``.
    return etree.Element(_q("ISO18626Message"), nsmap={"ill": NS}, attrib={_q("version"): VERSION})


def _finish(root: Any) -> bytes:
    """The message as bytes, after checking it against the schema."""
    checker = schema()
    if not checker.validate(root):
        raise MessageInvalid("BadlyFormedMessage", str(checker.error_log.last_error))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclasses.dataclass(frozen=True)
class Patron:
    """What of the member goes in ``patronInfo``: only the fields given (registered for the
    partner); all empty means no ``patronInfo`` at all."""

    patron_id: str = ""
    surname: str = ""
    given_name: str = ""
    email: str = ""

    def __bool__(self) -> bool:
        return bool(self.patron_id or self.surname or self.given_name or self.email)


def build_request(
    *,
    header: Header,
    title: str,
    author: str = "",
    isbn: str = "",
    description: str = "",
    patron: Patron | None = None,
) -> bytes:
    root = _root()
    body = _el(root, "request")
    _header(body, header)
    bib = _el(body, "bibliographicInfo")
    if title:
        _el(bib, "title", title)
    if author:
        _el(bib, "author", author)
    if isbn:
        item_id = _el(bib, "bibliographicItemId")
        _el(item_id, "bibliographicItemIdentifier", isbn)
        _el(item_id, "bibliographicItemIdentifierCode", "ISBN")
    service = _el(body, "serviceInfo")
    _el(service, "requestType", "New")
    _el(service, "serviceType", "Loan")
    if description:
        _el(service, "note", description)
    if patron:
        info = _el(body, "patronInfo")
        if patron.patron_id:
            _el(info, "patronId", patron.patron_id)
        if patron.surname:
            _el(info, "surname", patron.surname)
        if patron.given_name:
            _el(info, "givenName", patron.given_name)
        if patron.email:
            electronic = _el(_el(info, "address"), "electronicAddress")
            _el(electronic, "electronicAddressType", "email")
            _el(electronic, "electronicAddressData", patron.email)
    return _finish(root)


def build_supplying_message(
    *,
    header: Header,
    reason: str,
    status: str,
    answer: str = "",
    note: str = "",
    due_date: dt.date | None = None,
    cost: Decimal | None = None,
    shipped_at: dt.datetime | None = None,
    item_id: str = "",
) -> bytes:
    root = _root()
    body = _el(root, "supplyingAgencyMessage")
    _header(body, header)
    info = _el(body, "messageInfo")
    _el(info, "reasonForMessage", reason)
    if answer:
        _el(info, "answerYesNo", answer)
    if note:
        _el(info, "note", note)
    if cost is not None:
        costs = _el(info, "offeredCosts")
        _el(costs, "currencyCode", "EUR")
        _el(costs, "monetaryValue", f"{cost:.2f}")
    status_info = _el(body, "statusInfo")
    _el(status_info, "status", status)
    if due_date is not None:
        _el(status_info, "dueDate", _date_stamp(due_date))
    _el(status_info, "lastChange", stamp())
    if shipped_at is not None:
        delivery = _el(body, "deliveryInfo")
        _el(delivery, "dateSent", stamp(shipped_at))
        if item_id:
            _el(delivery, "itemId", item_id)
    return _finish(root)


def build_requesting_message(*, header: Header, action: str, note: str = "") -> bytes:
    root = _root()
    body = _el(root, "requestingAgencyMessage")
    _header(body, header)
    _el(body, "action", action)
    if note:
        _el(body, "note", note)
    return _finish(root)


def build_confirmation(
    *,
    kind: str,
    header: Header | None,
    received_at: dt.datetime,
    error_type: str = "",
    error_value: str = "",
    reason: str = "",
    action: str = "",
) -> bytes:
    """The confirmation of a message of ``kind`` (``request``, ``supplyingAgencyMessage`` or
    ``requestingAgencyMessage``): OK, or ERROR with ``error_type``. ``header`` is what could be
    read of the message (None: nothing)."""
    root = _root()
    body = _el(root, CONFIRMATION_OF.get(kind, "requestConfirmation"))
    confirmation = _el(body, "confirmationHeader")
    if header is not None and header.supplying_isil:
        _agency(confirmation, "supplyingAgencyId", header.supplying_isil)
    if header is not None and header.requesting_isil:
        _agency(confirmation, "requestingAgencyId", header.requesting_isil)
    _el(confirmation, "timestamp", stamp())
    if header is not None and header.requesting_request_id:
        _el(confirmation, "requestingAgencyRequestId", header.requesting_request_id)
    _el(confirmation, "timestampReceived", stamp(received_at))
    _el(confirmation, "messageStatus", "ERROR" if error_type else "OK")
    if kind == "supplyingAgencyMessage" and reason in REASONS:
        _el(body, "reasonForMessage", reason)
    if kind == "requestingAgencyMessage" and action in ACTIONS:
        _el(body, "action", action)
    if error_type:
        error = _el(body, "errorData")
        _el(error, "errorType", error_type)
        if error_value:
            _el(error, "errorValue", error_value[:200])
    return _finish(root)


# --- Reading --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Message:
    """What Kaft uses of a message that passed the schema."""

    kind: str
    header: Header | None
    fields: dict[str, str]
    ok: bool = True


def _text(element: Any, path: str) -> str:
    found = element.find(path, namespaces={"i": NS})
    return (found.text or "").strip() if found is not None else ""


def _read_header(element: Any) -> Header | None:
    header = element.find("i:header", namespaces={"i": NS})
    if header is None:
        header = element.find("i:confirmationHeader", namespaces={"i": NS})
    if header is None:
        return None
    return Header(
        supplying_isil=_text(header, "i:supplyingAgencyId/i:agencyIdValue"),
        requesting_isil=_text(header, "i:requestingAgencyId/i:agencyIdValue"),
        requesting_request_id=_text(header, "i:requestingAgencyRequestId"),
        supplying_request_id=_text(header, "i:supplyingAgencyRequestId"),
        timestamp=_text(header, "i:timestamp"),
    )


def header_guess(data: bytes) -> tuple[str, Header | None]:
    """The kind and header of a message the schema refused, as far as they can be read (to
    address the error confirmation); ``("", None)`` for what is not XML at all, is too large or
    carries a document type declaration (never read further)."""
    if len(data) > MAX_BYTES:
        return "", None
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError):
        return "", None
    if root.getroottree().docinfo.doctype:
        return "", None
    for child in root:
        if isinstance(child.tag, str) and etree.QName(child).localname in KINDS:
            return etree.QName(child).localname, _read_header(child)
    return "", None


_FIELDS = {
    "request": {
        "title": "i:bibliographicInfo/i:title",
        "author": "i:bibliographicInfo/i:author",
        "isbn": "i:bibliographicInfo/i:bibliographicItemId/i:bibliographicItemIdentifier",
        "note": "i:serviceInfo/i:note",
        "service_type": "i:serviceInfo/i:serviceType",
    },
    "supplyingAgencyMessage": {
        "reason": "i:messageInfo/i:reasonForMessage",
        "answer": "i:messageInfo/i:answerYesNo",
        "note": "i:messageInfo/i:note",
        "cost": "i:messageInfo/i:offeredCosts/i:monetaryValue",
        "status": "i:statusInfo/i:status",
        "due_date": "i:statusInfo/i:dueDate",
        "date_sent": "i:deliveryInfo/i:dateSent",
    },
    "requestingAgencyMessage": {"action": "i:action", "note": "i:note"},
    "requestConfirmation": {
        "status": "i:confirmationHeader/i:messageStatus",
        "error_type": "i:errorData/i:errorType",
        "error_value": "i:errorData/i:errorValue",
    },
}
_FIELDS["supplyingAgencyMessageConfirmation"] = _FIELDS["requestConfirmation"]
_FIELDS["requestingAgencyMessageConfirmation"] = _FIELDS["requestConfirmation"]


def message_parse(data: bytes) -> Message:
    """Read and check a message; :class:`MessageInvalid` when it is not one the schema allows."""
    if len(data) > MAX_BYTES:
        raise MessageInvalid("BadlyFormedMessage", "message too large")
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MessageInvalid("BadlyFormedMessage", f"not well-formed XML: {exc}") from None
    # ISO 18626 messages have no document type declaration: one with a DTD (entities, external
    # subsets) is refused before anything reads it further, whatever it declares.
    if root.getroottree().docinfo.doctype:
        raise MessageInvalid("BadlyFormedMessage", "a document type declaration is not allowed")
    checker = schema()
    try:
        valid = checker.validate(root)
    except etree.Error as exc:  # lxml's own failures while validating: refused, never raised
        raise MessageInvalid("BadlyFormedMessage", f"cannot be validated: {exc}") from None
    if not valid:
        kind, _header_read = header_guess(data)
        raise MessageInvalid("BadlyFormedMessage", str(checker.error_log.last_error), kind)
    body = next(child for child in root if isinstance(child.tag, str))
    kind = etree.QName(body).localname
    fields = {name: _text(body, path) for name, path in _FIELDS.get(kind, {}).items()}
    ok = fields.get("status", "OK") != "ERROR" if kind.endswith("Confirmation") else True
    return Message(kind=kind, header=_read_header(body), fields=fields, ok=ok)


def due_date_of(value: str) -> dt.date | None:
    """The date of an xs:dateTime due date, as the partner wrote it."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
