"""The desks and the server of the HTTP desk figure (bench/http_desk.py): desk sessions made in
the session store, gunicorn on a socket of its own, and a desk scanning through ``http.client``
as the scan script does."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

SCAN_PATH = "/desk/scan/"


@dataclass
class Desk:
    """One desk: its session, its member and the copies it will lend."""

    session_key: str
    csrf: str
    card: str
    member_id: int
    barcodes: list[str]
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _session_for(user: Any) -> str:
    """A logged-in desk session of ``user`` (second factor passed where the role needs one)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "kaft.members.auth.StaffBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.staff_profile.role in settings.KAFT_OTP_ROLES:
        device, _made = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    assert session.session_key is not None
    return session.session_key


def desks_prepare(scans: Sequence[int]) -> list[Desk]:
    """A desk per entry of ``scans``, each serving another member without open loans, with that
    many copies of its own."""
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from bench import dataset
    from bench.measure import available_items
    from kaft.circulation.models import LoanStatus
    from kaft.circulation.selectors.loans import member_borrow_refusal
    from kaft.members.models import Member, User

    count = len(scans)
    staff = User.objects.select_related("staff_profile").get(username=dataset.STAFF_USERNAME)
    today = timezone.localdate()
    candidates = (
        Member.objects.filter(pk__gte=dataset.FIRST_REGULAR_MEMBER_ID, category__code="volwassen")
        .exclude(loans__status=LoanStatus.OPEN)
        .order_by("pk")
    )
    members = []
    for member in candidates.iterator():
        if member_borrow_refusal(member, today) is None:  # not blocked, expired or owing
            members.append(member)
            if len(members) == count:
                break
    if len(members) < count:
        raise RuntimeError(f"only {len(members)} members without loans, {count} needed")
    barcodes = [item.barcode for item in available_items(sum(scans))]
    assert settings.CSRF_COOKIE_NAME
    desks = []
    for member, many in zip(members, scans, strict=True):
        desks.append(
            Desk(
                session_key=_session_for(staff),
                csrf=get_random_string(32, CSRF_ALLOWED_CHARS),
                card=member.card_number,
                member_id=member.pk,
                barcodes=barcodes[:many],
            )
        )
        barcodes = barcodes[many:]
    return desks


class Server:
    """gunicorn with Kaft on a socket bound here to 127.0.0.1, port 0."""

    def __init__(self, arguments: Sequence[str]) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port: int = self.listener.getsockname()[1]
        fd = self.listener.fileno()
        # Production's database connections (kept 60 s), development's settings otherwise.
        env = {**os.environ, "KAFT_DEBUG": "0", "KAFT_LOG_LEVEL": "WARNING"}
        env["KAFT_DB_CONN_MAX_AGE"] = "60"
        command = [sys.executable, "-m", "gunicorn", "kaft.wsgi:application"]
        command += ["--bind", f"fd://{fd}", "--backlog", "128", "--timeout", "120"]
        command += ["--log-level", "warning"]
        self.process = subprocess.Popen(
            [*command, *arguments], env=env, pass_fds=(fd,), stderr=subprocess.PIPE, text=True
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.ready_at = time.monotonic()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 300  # a loaded machine boots workers slowly
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.process.stderr.read()}")  # type: ignore[union-attr]
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/desk/login/")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 300 s")

    def cpu(self) -> float:
        """CPU seconds (user + system) used so far by gunicorn and its running workers (Linux)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, parent = int(entry.name), int(fields[1])
            if self.process.pid in (pid, parent):
                total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.listener.close()


def _post(connection: http.client.HTTPConnection, desk: Desk, value: str, member: str) -> Any:
    from django.conf import settings

    body = f"value={value}&member={member}"
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": desk.csrf,
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={desk.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={desk.csrf}",
    }
    connection.request("POST", SCAN_PATH, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"scan answered {response.status}: {data[:200]!r}")
    return json.loads(data)


def desk_run(
    port: int,
    desk: Desk,
    start: threading.Barrier | None = None,
    between: Callable[[], None] | None = None,
) -> None:
    """Scan the card, then every copy, back to back; the item scans' latencies in ``desk``.
    ``between``: called after each item scan, outside its timing."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        served = _post(connection, desk, desk.card, "")
        member = served.get("member", "")
        if start is not None:
            start.wait()
            connection.close()  # a fresh connection for the timed scans (http.client reopens)
        for barcode in desk.barcodes:
            began = time.perf_counter()
            answer = _post(connection, desk, barcode, member)
            desk.latencies.append((time.perf_counter() - began) * 1000)
            if "lent" not in answer.get("append", ""):
                desk.failures.append(f"{barcode}: {answer.get('announce', '')}")
            if between is not None:
                between()
    except (OSError, RuntimeError, http.client.HTTPException) as error:
        desk.failures.append(str(error))
    finally:
        connection.close()
