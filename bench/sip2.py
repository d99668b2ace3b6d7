"""SIP2 round trips with many kiosks at once, against real ``kaft sip2-server`` processes.

A kiosk account at the branch with the most copies at home, and ``connections`` members with a
kiosk PIN, each with a copy of that branch. The server runs as separate processes (``python -m
kaft.cli sip2-server --port 0``), one per core as a library runs them behind a TCP load
balancer (the kiosks are spread over them in turn), each with 8 worker threads on PostgreSQL or
2 on SQLite (one writer), on the bench database: its threads, connections and the client's do
not share one interpreter. ``connections`` kiosk connections (threads of this process, each its
own socket) sign in and start together; each repeats ``rounds`` times: patron information (63,
the loans list), checkout (11) and checkin (09) of its own copy, with PIN, sequence numbers and
checksums, as a kiosk sends them. Every round trip is timed from sending the frame to reading
the answer's CR.

Two loads:

- **paced** (the figure against the target): every kiosk sends a message every
  :data:`PACE` seconds (a member scanning a book every two seconds at each of 50 kiosks at
  once, 25 messages a second: a very busy library), each kiosk starting at a random moment of
  the first interval. The round trip is then what a member waits for.
- **back to back**: every kiosk sends its next message the moment the answer arrives. This
  measures the server's capacity (round trips per second); the waiting time is then mostly the
  queue (Little's law: 50 kiosks / capacity), not the work.

Beside them: the same three messages answered in this process by the same handlers, one after
the other (no socket, no wire, no waiting for a worker): what the work itself costs. The ratio
p99 over the wire (paced) / p99 in process says what 50 kiosks at once and the server add.

Everything it lends comes back; the copies end on the shelf as they were.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from bench.db import ROOT
from bench.measure import percentile, summary

KIOSK_LOGIN = "bench-kiosk"
KIOSK_PASSWORD = "bench-kiosk-password"
PIN = "2580"
DATE = "20260105    120000"
BLANK = " " * 18
OPERATIONS = ("patron_information", "checkout", "checkin")
PACE = 2.0  # seconds between the messages of one kiosk under the paced load
SQLITE_WORKERS = 2  # the server's worker threads (its --workers) per database
POSTGRES_WORKERS = 8


@dataclass(frozen=True)
class Kiosk:
    isil: str
    card: str
    barcode: str


def _frame(text: str, sequence: int) -> bytes:
    from kaft.sip2.wire import checksum

    data = text.encode() + f"AY{sequence % 10}AZ".encode()
    return data + checksum(data).encode() + b"\r"


def _requests(kiosk: Kiosk) -> dict[str, str]:
    head = f"AO{kiosk.isil}|AA{kiosk.card}|"
    return {
        "patron_information": f"63005{DATE}  Y       {head}AC|AD{PIN}|BP1|BQ20|",
        "checkout": f"11NN{DATE}{BLANK}{head}AB{kiosk.barcode}|AC|AD{PIN}|",
        "checkin": f"09N{DATE}{DATE}AP{kiosk.isil}|AO{kiosk.isil}|AB{kiosk.barcode}|AC|",
    }


def prepare(connections: int) -> list[Kiosk]:
    """The kiosk account, ``connections`` members with a PIN and one shelf copy each."""
    from django.db.models import Count, Exists, OuterRef

    from kaft.catalog.models import Branch, Item, ItemStatus, ItemType
    from kaft.circulation.models import Hold, HoldStatus
    from kaft.circulation.selectors.loans import members_who_may_borrow
    from kaft.members.services.kiosk_pin import member_kiosk_pin_set
    from kaft.sip2.accounts import kiosk_account_add

    branch = Branch.objects.annotate(n=Count("home_items")).order_by("-n", "pk").first()
    assert branch is not None
    kiosk_account_add(login=KIOSK_LOGIN, password=KIOSK_PASSWORD, branch=branch, name="Bench kiosk")
    waiting = Hold.objects.filter(record=OuterRef("record"), status=HoldStatus.WAITING)
    items = list(
        Item.objects.filter(
            home_branch=branch,
            current_branch=branch,
            status=ItemStatus.AVAILABLE,
            item_type__in=(ItemType.BOOK, ItemType.YOUTH_BOOK),
        )
        .exclude(Exists(waiting))
        .order_by("-pk")[:connections]
    )
    from django.utils import timezone

    members = list(
        members_who_may_borrow(timezone.localdate())
        .filter(pk__gte=3, category__code="volwassen")
        .order_by("-pk")[:connections]
    )
    if len(items) < connections or len(members) < connections:
        raise RuntimeError("not enough copies or members for the SIP2 benchmark")
    for member in members:
        member_kiosk_pin_set(member=member, pin=PIN, staff=None)
    return [
        Kiosk(branch.isil, member.card_number, item.barcode)
        for member, item in zip(members, items, strict=True)
    ]


def in_process(kiosks: list[Kiosk], rounds: int) -> dict[str, list[float]]:
    """The same messages answered by the handlers in this process, one after the other."""
    from kaft.sip2 import handlers  # noqa: F401  registers them
    from kaft.sip2.models import KioskAccount
    from kaft.sip2.protocol import HANDLERS, Session
    from kaft.sip2.wire import parse

    session = Session(peer="bench", account=KioskAccount.objects.get(login=KIOSK_LOGIN))
    times: dict[str, list[float]] = {name: [] for name in OPERATIONS}
    for _ in range(rounds):
        for kiosk in kiosks:
            for name, text in _requests(kiosk).items():
                request = parse(_frame(text, 0)[:-1], charset="utf-8")
                started = time.perf_counter()
                response = HANDLERS[request.command](session, request)
                times[name].append((time.perf_counter() - started) * 1000)
                if name != "patron_information" and not response.fixed.startswith("1"):
                    raise RuntimeError(f"in-process {name} refused: {response.fields}")
    return times


def _server(workers: int) -> tuple[subprocess.Popen[str], tuple[str, int]]:
    command = [
        sys.executable, "-m", "kaft.cli", "sip2-server",
        "--host", "127.0.0.1", "--port", "0", "--workers", str(workers),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"sip2-server did not start: {line!r}")
    host, port = line.split("listening on ", 1)[1].split(" ", 1)[0].rsplit(":", 1)
    return process, (host, int(port))


class _Link:
    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = socket.create_connection(address, timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.sequence = 0

    def ask(self, text: str) -> bytes:
        self.sock.sendall(_frame(text, self.sequence))
        self.sequence += 1
        while b"\r" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buffer += chunk
        answer, _, self.buffer = self.buffer.partition(b"\r")
        return answer


def over_the_wire(
    address: tuple[str, int] | list[tuple[str, int]],
    kiosks: list[Kiosk],
    rounds: int,
    pace: float = 0.0,
) -> tuple[dict[str, list[float]], int, float]:
    """Every kiosk on its own connection at once; returns the times, refusals, wall seconds.
    ``pace`` > 0: each kiosk sends a message every ``pace`` seconds (else back to back). With
    several server addresses the kiosks are spread over them in turn (a TCP load balancer)."""
    addresses = address if isinstance(address, list) else [address]
    times: dict[str, list[float]] = {name: [] for name in OPERATIONS}
    refused = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(len(kiosks) + 1)
    failures: list[BaseException] = []

    def kiosk_at_work(kiosk: Kiosk, address: tuple[str, int]) -> None:
        try:
            link = _Link(address)
            if not link.ask(f"9300CN{KIOSK_LOGIN}|CO{KIOSK_PASSWORD}|CP{kiosk.isil}|").startswith(
                b"941"
            ):
                raise RuntimeError("kiosk login refused")
            mine: dict[str, list[float]] = {name: [] for name in OPERATIONS}
            bad = 0
            offset = random.Random(kiosk.barcode).uniform(0, pace)
            barrier.wait(timeout=60)
            due = time.perf_counter() + offset
            for _ in range(rounds):
                for name, text in _requests(kiosk).items():
                    if pace:
                        time.sleep(max(0.0, due - time.perf_counter()))
                        due += pace
                    started = time.perf_counter()
                    answer = link.ask(text)
                    mine[name].append((time.perf_counter() - started) * 1000)
                    ok = answer[2:3] == b"1" or name == "patron_information"
                    bad += 0 if ok else 1
            link.sock.close()
            with lock:
                for name in OPERATIONS:
                    times[name] += mine[name]
                refused[0] += bad
        except BaseException as error:  # reported after the run
            failures.append(error)
            barrier.abort()

    threads = [
        threading.Thread(target=kiosk_at_work, args=(k, addresses[i % len(addresses)]))
        for i, k in enumerate(kiosks)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"SIP2 benchmark kiosk failed: {failures[0]!r}")
    return times, refused[0], wall


def _stats(values: list[float]) -> dict[str, float]:
    return {**summary(values), "p99": round(percentile(values, 0.99), 3)}


def measure_sip2(
    *,
    connections: int = 50,
    rounds: int = 10,
    workers: int | None = None,
    servers: int | None = None,
) -> dict[str, Any]:
    """The figures (see the module text): per message p50/p95/p99 over the wire (paced and back
    to back) and in process, the p99 ratio, the refusals (must be 0) and the capacity."""
    from django.db import connection

    if workers is None:  # SQLite has one writer: more threads only wait for its lock
        workers = SQLITE_WORKERS if connection.vendor == "sqlite" else POSTGRES_WORKERS
    kiosks = prepare(connections)
    local = in_process(kiosks, max(1, rounds // 2))
    connection.close()  # the server process writes now
    servers = servers or os.cpu_count() or 1
    started = [_server(workers) for _ in range(servers)]
    addresses = [address for _process, address in started]
    try:
        paced, refused_paced, _wall = over_the_wire(addresses, kiosks, rounds, pace=PACE)
        flat, refused_flat, wall = over_the_wire(addresses, kiosks, rounds)
    finally:
        for process, _address in started:
            process.terminate()
        for process, _address in started:
            process.wait(timeout=60)
    result: dict[str, Any] = {
        "connections": connections,
        "rounds": rounds,
        "pace_s": PACE,
        "server_workers": workers,
        "server_processes": servers,
        "refused": refused_paced + refused_flat,
        "round_trips_per_s": round(3 * connections * rounds / wall, 1),
    }
    every: dict[str, list[float]] = {"paced": [], "back_to_back": [], "in_process": []}
    for name in OPERATIONS:
        every["paced"] += paced[name]
        every["back_to_back"] += flat[name]
        every["in_process"] += local[name]
        result[name] = {
            "paced": _stats(paced[name]),
            "back_to_back": _stats(flat[name]),
            "in_process": _stats(local[name]),
        }
        result[name]["ratio_p99"] = round(
            result[name]["paced"]["p99"] / result[name]["in_process"]["p99"], 2
        )
    result["all"] = {load: _stats(values) for load, values in every.items()}
    result["all"]["ratio_p99"] = round(
        result["all"]["paced"]["p99"] / result["all"]["in_process"]["p99"], 2
    )
    return result
