"""The outbox talks only to the partner's own address and takes only the right confirmation;
what it could not deliver keeps no patron data."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from kaft.interlibrary import iso18626
from kaft.interlibrary.models import (
    IllRole,
    IllStatus,
    InterlibraryRequest,
    LibraryPartner,
    OutboxStatus,
    OutgoingMessage,
)
from kaft.interlibrary.services import outbox
from kaft.interlibrary.services.outbox import MAX_ATTEMPTS, header_for, message_send
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


class _Server:
    """A local HTTP server answering each POST with ``answer(handler)``; what it received is
    kept in ``received`` (headers and body)."""

    def __init__(self, answer: Any) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                headers = {key.lower(): value for key, value in self.headers.items()}
                owner.received.append((headers, self.rfile.read(length)))
                answer(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/iso18626"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def elsewhere() -> Iterator[_Server]:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()

    server = _Server(answer)
    yield server
    server.close()


def _request(url: str) -> tuple[InterlibraryRequest, OutgoingMessage]:
    branch = BranchFactory.create(isil="NL-Hier")
    partner = LibraryPartner.objects.create(
        name="Daar", isil="NL-Daar", endpoint_url=url, secret="GEHEIM-42"
    )
    request = InterlibraryRequest.objects.create(
        role=IllRole.REQUESTING,
        branch=branch,
        partner=partner,
        requesting_id="NL-Hier-1",
        title="T",
        created_at=timezone.now(),
    )
    body = iso18626.build_request(header=header_for(request), title="T")
    message = OutgoingMessage.objects.create(
        request=request, kind="request", body=body.decode(), created_at=timezone.now()
    )
    return request, message


def test_a_redirect_is_not_followed_so_the_secret_stays_with_the_partner(
    elsewhere: _Server,
) -> None:
    def redirect(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", elsewhere.url)
        handler.end_headers()

    partner_server = _Server(redirect)
    try:
        _made, message = _request(partner_server.url)
        assert message_send(message.pk) == OutboxStatus.PENDING
    finally:
        partner_server.close()
    assert len(partner_server.received) == 1
    assert partner_server.received[0][0]["x-iso18626-secret"] == "GEHEIM-42"
    assert elsewhere.received == []  # neither the secret nor the message went there
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.last_error


@pytest.mark.parametrize("answer_kind", ["request", "other_request"])
def test_only_the_confirmation_of_what_was_sent_counts(
    monkeypatch: pytest.MonkeyPatch, answer_kind: str
) -> None:
    request, message = _request("http://daar.test/iso18626")
    if answer_kind == "request":  # a message of another kind is no confirmation
        answer = iso18626.build_request(header=header_for(request), title="T")
    else:  # the confirmation of another request number
        other = iso18626.Header("NL-Daar", "NL-Hier", "NL-Hier-999")
        answer = iso18626.build_confirmation(
            kind="request", header=other, received_at=timezone.now()
        )
    monkeypatch.setattr(outbox, "_post", lambda *args, **kwargs: answer)
    assert message_send(message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    request.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.body  # tried again later
    assert request.status == IllStatus.NEW


def test_a_message_never_delivered_or_refused_keeps_no_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request, message = _request("http://daar.test/iso18626")

    def down(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("connection refused")

    monkeypatch.setattr(outbox, "_post", down)
    OutgoingMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
    assert message_send(message.pk) == OutboxStatus.FAILED
    message.refresh_from_db()
    assert message.body == "" and "connection refused" in message.last_error

    refused = OutgoingMessage.objects.create(
        request=request, kind="request", body="<x/>", created_at=timezone.now()
    )
    error = iso18626.build_confirmation(
        kind="request",
        header=header_for(request),
        received_at=timezone.now(),
        error_type="UnrecognisedDataValue",
        error_value="title",
    )
    monkeypatch.setattr(outbox, "_post", lambda *args, **kwargs: error)
    assert message_send(refused.pk) == OutboxStatus.FAILED
    refused.refresh_from_db()
    assert refused.body == "" and "UnrecognisedDataValue" in refused.last_error
