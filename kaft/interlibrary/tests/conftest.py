"""Fixtures of the interlibrary tests."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from kaft.interlibrary.models import LibraryPartner
from kaft.interlibrary.services import outbox
from kaft.interlibrary.services.incoming import message_receive
from kaft.interlibrary.tests.loop import Loop
from tests.factories import BranchFactory


@pytest.fixture
def loop(monkeypatch: pytest.MonkeyPatch) -> Iterator[Loop]:
    requester = BranchFactory.create(code="req", isil="NL-Req")
    supplier = BranchFactory.create(code="sup", isil="NL-Sup")
    supplier_partner = LibraryPartner.objects.create(
        name="Leverancier",
        isil="NL-Sup",
        endpoint_url="http://sup.test/api/iso18626",
        secret="s3cret-sup",
        fee=Decimal("3.50"),
    )
    requester_partner = LibraryPartner.objects.create(
        name="Aanvrager",
        isil="NL-Req",
        endpoint_url="http://req.test/api/iso18626",
        secret="s3cret-sup",
        rota_order=99,  # last in the rota: not the requester itself
    )
    state = Loop(requester, supplier, supplier_partner, requester_partner, [])

    def post(url: str, secret: str, body: bytes) -> bytes:
        if state.down or url in state.unreachable:
            raise OSError("connection refused")
        state.sent.append(body)
        return message_receive(body=body, secret=secret).body

    monkeypatch.setattr(outbox, "_post", post)
    yield state
