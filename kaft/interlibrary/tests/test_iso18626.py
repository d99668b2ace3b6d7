"""Every message Kaft builds passes the ISO 18626 schema; what does not is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from kaft.interlibrary import iso18626
from kaft.interlibrary.iso18626 import Header, MessageInvalid, Patron

HEADER = Header("NL-Sup", "NL-Req", "NL-Req-1", "NL-Sup-9")
NOW = dt.datetime(2026, 5, 17, 10, 0, tzinfo=dt.UTC)


def _valid(body: bytes) -> etree._Element:
    root = etree.fromstring(body)
    assert iso18626.schema().validate(root), iso18626.schema().error_log
    return root


def test_a_request_without_patron_data_has_no_patron_block() -> None:
    body = iso18626.build_request(header=HEADER, title="Max Havelaar", isbn="9789028203")
    root = _valid(body)
    assert root.find(f".//{{{iso18626.NS}}}patronInfo") is None
    assert b"Max Havelaar" in body
    message = iso18626.message_parse(body)
    assert message.kind == "request"
    assert message.header == Header(
        "NL-Sup",
        "NL-Req",
        "NL-Req-1",
        "NL-Sup-9",
        message.header.timestamp if message.header else "",
    )
    assert message.fields["isbn"] == "9789028203"


def test_a_request_carries_only_the_patron_fields_given() -> None:
    body = iso18626.build_request(
        header=HEADER, title="T", patron=Patron(patron_id="21990001", email="a@example.org")
    )
    _valid(body)
    assert b"21990001" in body and b"a@example.org" in body
    assert b"surname" not in body and b"givenName" not in body


@pytest.mark.parametrize(
    "status",
    ["ExpectToSupply", "Loaned", "Unfilled", "Overdue", "Recalled", "LoanCompleted", "Cancelled"],
)
def test_supplying_messages_validate(status: str) -> None:
    body = iso18626.build_supplying_message(
        header=HEADER,
        reason="StatusChange",
        status=status,
        due_date=dt.date(2026, 6, 1),
        cost=Decimal("2.50"),
        shipped_at=NOW,
        item_id="3000123",
        answer="Y",
        note="n",
    )
    _valid(body)
    assert iso18626.message_parse(body).fields["status"] == status


@pytest.mark.parametrize("action", iso18626.ACTIONS)
def test_requesting_messages_validate(action: str) -> None:
    body = iso18626.build_requesting_message(header=HEADER, action=action, note="x")
    _valid(body)
    assert iso18626.message_parse(body).fields["action"] == action


@pytest.mark.parametrize("kind", list(iso18626.CONFIRMATION_OF))
@pytest.mark.parametrize("error", ["", "BadlyFormedMessage", "UnrecognisedDataValue"])
def test_confirmations_validate(kind: str, error: str) -> None:
    body = iso18626.build_confirmation(
        kind=kind,
        header=HEADER,
        received_at=NOW,
        error_type=error,
        error_value="v",
        reason="StatusChange",
        action="Renew",
    )
    root = _valid(body)
    assert etree.QName(root[0]).localname == iso18626.CONFIRMATION_OF[kind]
    assert iso18626.message_parse(body).ok is (not error)


def test_a_value_outside_the_schema_is_never_built() -> None:
    with pytest.raises(MessageInvalid):
        iso18626.build_supplying_message(header=HEADER, reason="StatusChange", status="Lost")
    with pytest.raises(MessageInvalid):
        iso18626.build_requesting_message(header=HEADER, action="Steal")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml",
        b"<request/>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        iso18626.build_requesting_message(header=HEADER, action="Renew").replace(
            b"Renew", b"Borrow"
        ),
        iso18626.build_requesting_message(header=HEADER, action="Renew").replace(
            iso18626.NS.encode(), b"http://example.org/other"
        ),
    ],
)
def test_malformed_or_foreign_messages_are_refused(data: bytes) -> None:
    with pytest.raises(MessageInvalid) as refused:
        iso18626.message_parse(data)
    assert refused.value.error_type == "BadlyFormedMessage"


def _with_dtd(subset: str) -> bytes:
    """A valid request whose note uses an entity its document type declaration declares."""
    body = iso18626.build_request(
        header=HEADER, title="Titel", author="", isbn="", description="NOTE", patron=Patron()
    )
    start = body.index(b"<ill:ISO18626Message")
    declaration = f"<!DOCTYPE ISO18626Message [{subset}]>".encode()
    return body[:start] + declaration + body[start:].replace(b"NOTE", b"&e;")


@pytest.mark.parametrize(
    "subset",
    [
        '<!ENTITY e "binnen">',  # an internal entity: lxml cannot even validate it
        '<!ENTITY e SYSTEM "file:///etc/hostname">',  # an external one: never read
        '<!ENTITY e "x"><!ENTITY f "&e;&e;&e;&e;">',
    ],
)
def test_a_message_with_a_document_type_declaration_is_refused(subset: str) -> None:
    data = _with_dtd(subset)
    assert b"<!DOCTYPE" in data and b"&e;" in data
    with pytest.raises(MessageInvalid) as refused:
        iso18626.message_parse(data)
    assert refused.value.error_type == "BadlyFormedMessage"
    assert iso18626.header_guess(data) == ("", None)
