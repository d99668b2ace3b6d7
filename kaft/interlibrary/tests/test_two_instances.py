"""Two Kafts lend a book to each other over ISO 18626 on loopback: two databases, two servers.

Library A is this test process (its live server on 127.0.0.1, its test database); library B is
a subprocess (``peer.py``) with its own database (a SQLite file, or a PostgreSQL database of its
own) and its own server. Every message goes by real HTTP between them, is checked against the
schema at both ends, and moves both sides' requests.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from kaft.catalog.models import ItemStatus
from kaft.circulation.models import Loan, LoanStatus
from kaft.circulation.services.loans import loan_checkin
from kaft.interlibrary.models import IllRole, IllStatus, InterlibraryRequest, LibraryPartner
from kaft.interlibrary.services.requesting import (
    request_cancel,
    request_raise,
    request_receive,
    request_renew_ask,
    request_ship_return,
)
from kaft.members.models import MessageType
from kaft.notices.models import Notice
from tests.factories import BranchFactory, LoanRuleFactory, MemberFactory, StaffFactory

ROOT = Path(__file__).resolve().parents[3]
SECRET = "gedeeld-geheim-A-B"
BARCODE = "300099"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Peer:
    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.url = f"http://127.0.0.1:{port}/api/iso18626"

    def __call__(self, op: str, **args: Any) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"op": op, "args": args}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert answer["ok"], answer.get("error")
        return answer["result"]

    def request(self, requesting_id: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [
            r for r in self("requests") if r["requesting_id"] == requesting_id
        ]
        assert len(found) == 1, found
        return found[0]


def _peer_database(tmp_path: Path) -> Iterator[str]:
    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("sqlite3") or "sqlite" in default["ENGINE"]:
        yield f"sqlite:///{tmp_path / 'peer.sqlite3'}"
        return
    import psycopg

    name = f"{default['NAME']}_peer"
    host = str(default.get("HOST") or "127.0.0.1")
    port = int(default.get("PORT") or 5432)
    user = str(default.get("USER") or "postgres")
    password = str(default.get("PASSWORD") or "")

    def admin() -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=host,
            port=port,
            user=user,
            password=password or None,
            dbname="postgres",
            autocommit=True,
        )

    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    secret = f":{password}" if password else ""
    try:
        yield f"postgresql://{user}{secret}@{host}:{port}/{name}"
    finally:
        with admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def peer(tmp_path: Path, live_server: Any) -> Iterator[Peer]:
    databases = _peer_database(tmp_path)
    database_url = next(databases)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KAFT_VAR_DIR": str(tmp_path),
        "KAFT_TASKS_EAGER": "1",
        "KAFT_TEST_DB_SUFFIX": "",
    }
    with open(tmp_path / "peer.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kaft.interlibrary.tests.peer", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            assert process.stdout is not None
            ready = process.stdout.readline()
            assert ready.strip() == '{"ready": true}', (tmp_path / "peer.log").read_text()
            peer = Peer(process, port)
            peer(
                "setup",
                isil="NL-KaftB",
                partner_isil="NL-KaftA",
                endpoint=f"{live_server.url}/api/iso18626",
                secret=SECRET,
                barcode=BARCODE,
            )
            yield peer
        finally:
            process.kill()
            process.wait(timeout=10)
            for _ in databases:  # drops the peer's PostgreSQL database
                pass


@pytest.mark.django_db(transaction=True)
def test_two_kafts_lend_a_book_and_answer_unfilled_cancel_renew_overdue(peer: Peer) -> None:
    LoanRuleFactory.create()
    home = BranchFactory.create(code="a", isil="NL-KaftA")
    member = MemberFactory.create(home_branch=home)
    staff = StaffFactory.create()
    partner = LibraryPartner.objects.create(
        name="Bibliotheek B", isil="NL-KaftB", endpoint_url=peer.url, secret=SECRET
    )

    # request -> RequestReceived at both ends (the request carries no patron data).
    ours = request_raise(
        branch=home, member=member, staff=staff, title="Het Achterhuis", partner=partner
    )
    ours.refresh_from_db()
    assert ours.status == IllStatus.REQUEST_RECEIVED
    assert peer.request(ours.requesting_id)["status"] == "RequestReceived"
    assert peer.request(ours.requesting_id)["title"] == "Het Achterhuis"

    # B: ExpectToSupply, then ships its copy: Loaned at A with B's due date.
    assert peer("answer", requesting_id=ours.requesting_id, action="expect") == "ExpectToSupply"
    ours.refresh_from_db()
    assert ours.status == IllStatus.EXPECT_TO_SUPPLY and ours.supplying_id
    assert peer("ship", requesting_id=ours.requesting_id, barcode=BARCODE) == "Loaned"
    assert peer("item_status", barcode=BARCODE) == ItemStatus.ON_LOAN
    ours.refresh_from_db()
    assert ours.status == IllStatus.LOANED
    assert ours.due_date == timezone.localdate() + dt.timedelta(days=28)

    # A: Received at the desk, lent to the member; back, ShippedReturn.
    request_receive(request=ours, staff=staff, branch=home)
    ours.refresh_from_db()
    assert Loan.objects.get(member=member).item_id == ours.item_id
    assert peer.request(ours.requesting_id)["partner_received"] is True
    assert ours.item is not None
    loan_checkin(item=ours.item, branch=home, staff=staff)
    request_ship_return(request=ours, staff=staff, branch=home)
    assert peer.request(ours.requesting_id)["partner_returned"] is True

    # B: back on its shelf, LoanCompleted at both ends.
    assert peer("check_in", requesting_id=ours.requesting_id) == "LoanCompleted"
    assert peer("item_status", barcode=BARCODE) == ItemStatus.AVAILABLE
    ours.refresh_from_db()
    assert ours.status == IllStatus.LOAN_COMPLETED

    # Unfilled: B cannot supply; no other library in A's rota, so it stays Unfilled.
    unfilled = request_raise(branch=home, member=member, staff=staff, title="Onvindbaar")
    peer("answer", requesting_id=unfilled.requesting_id, action="unfill")
    unfilled.refresh_from_db()
    assert unfilled.status == IllStatus.UNFILLED

    # Cancel: A asks, B agrees: Cancelled at both ends.
    cancelled = request_raise(branch=home, member=member, staff=staff, title="Toch niet")
    request_cancel(request=cancelled, staff=staff)
    cancelled.refresh_from_db()
    assert cancelled.status == IllStatus.CANCELLED
    assert peer.request(cancelled.requesting_id)["status"] == "Cancelled"

    # Overdue at B, told to A; A asks to renew, B grants a new due date: Loaned again.
    late = request_raise(branch=home, member=member, staff=staff, title="Te laat")
    peer("ship", requesting_id=late.requesting_id, barcode=BARCODE)
    assert peer("overdue", requesting_id=late.requesting_id) == 1
    late.refresh_from_db()
    assert late.status == IllStatus.OVERDUE
    request_renew_ask(request=late, staff=staff)
    late.refresh_from_db()
    assert late.status == IllStatus.LOANED
    assert late.due_date == timezone.localdate() + dt.timedelta(days=28)
    assert peer.request(late.requesting_id)["status"] == "Loaned"

    # Recall: B wants it back while A's member has it; A's member is due within a week and told.
    request_receive(request=late, staff=staff, branch=home)
    lent = Loan.objects.get(member=member, status=LoanStatus.OPEN)
    assert lent.due_date == timezone.localdate() + dt.timedelta(days=21)  # A's own rule
    assert peer("recall", requesting_id=late.requesting_id) == "Recalled"
    late.refresh_from_db()
    lent.refresh_from_db()
    assert late.status == IllStatus.RECALLED
    assert lent.due_date == timezone.localdate() + dt.timedelta(days=7)
    assert Notice.objects.filter(member=member, message_type=MessageType.ILL_DUE_CHANGED).exists()

    assert InterlibraryRequest.objects.filter(role=IllRole.SUPPLYING).count() == 0
