"""The SIP2 server's rules over real sockets: checksums, resend, repeated sequence numbers,
refusals, malformed and hostile input, TLS, idle timeout, shutdown."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from kaft.sip2 import wire
from kaft.sip2.accounts import kiosk_account_add
from kaft.sip2.models import KioskAccount
from kaft.sip2.protocol import HANDLERS, Request, Response, Session
from kaft.sip2.server import ServerThread, Sip2Server, tls_context
from kaft.sip2.tests.conftest import KIOSK_LOGIN, KIOSK_PASSWORD
from kaft.sip2.tests.rawclient import RawClient, frame
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db(transaction=True)

DATE = "20261207    101500"
LOGIN = f"9300CN{KIOSK_LOGIN}|CO{KIOSK_PASSWORD}|"
END_SESSION = f"35{DATE}AONL-KftC|AA1234|"
RESEND_REQUEST = wire.resend_request()


def logged_in(address: tuple[str, int], **options: object) -> RawClient:
    link = RawClient(address, **options)  # type: ignore[arg-type]
    assert link.send(frame(LOGIN, sequence="0")).startswith(b"941")
    return link


class Counting:
    """A stand-in handler for 35 that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, session: Session, request: Request) -> Response:
        self.calls += 1
        return Response("36", "Y" + DATE).add("AF", f"call {self.calls}")


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    handler = Counting()
    monkeypatch.setitem(HANDLERS, "35", handler)
    return handler


def test_a_wrong_checksum_answers_96_and_is_not_handled(sip2_server, kiosk, counting) -> None:
    # given a logged-in kiosk
    with logged_in(sip2_server) as link:
        # when it sends a request whose checksum is wrong
        good = frame(END_SESSION, sequence="1")
        digits = good[-5:-1]
        bad = good[:-5] + f"{(int(digits, 16) + 1) & 0xFFFF:04X}".encode() + b"\r"
        answer = link.send(bad)
        # then the server asks for a resend and did nothing
        assert answer == RESEND_REQUEST
        assert counting.calls == 0
        # and the same request with the right checksum is handled
        assert link.send(good).startswith(b"36Y")
    assert counting.calls == 1


def test_a_missing_checksum_answers_96_when_the_account_detects_errors(
    sip2_server, kiosk, counting
) -> None:
    with logged_in(sip2_server) as link:
        assert link.send(frame(END_SESSION, sequence="1", with_checksum=False)) == RESEND_REQUEST
    assert counting.calls == 0


def test_a_wrong_checksum_before_login_answers_96(sip2_server, kiosk) -> None:
    with RawClient(sip2_server) as link:
        assert link.send(f"{LOGIN}AY0AZ0000\r".encode()) == RESEND_REQUEST
    kiosk.refresh_from_db()
    assert kiosk.last_login_at is None


def test_97_sends_the_last_answer_again(sip2_server, kiosk, counting) -> None:
    with logged_in(sip2_server) as link:
        first = link.send(frame(END_SESSION, sequence="1"))
        again = link.send(frame("97", sequence=None))
    assert again == first
    assert counting.calls == 1


def test_97_before_any_answer_asks_for_a_resend(sip2_server) -> None:
    with RawClient(sip2_server) as link:
        assert link.send(frame("97", sequence=None)) == RESEND_REQUEST


def test_a_repeated_sequence_number_gets_the_previous_answer_not_a_second_call(
    sip2_server, kiosk, counting
) -> None:
    # given a kiosk that sent a request and did not hear the answer
    with logged_in(sip2_server) as link:
        request = frame(END_SESSION, sequence="1")
        first = link.send(request)
        # when it sends the very same request again
        second = link.send(request)
        # then it gets the same answer and the handler ran once
        assert second == first
        assert counting.calls == 1
        # but the same bytes with the next sequence number are a new request
        assert b"call 2" in link.send(frame(END_SESSION, sequence="2"))
    assert counting.calls == 2


def test_an_unknown_command_answers_96_and_the_connection_goes_on(
    sip2_server, kiosk, counting
) -> None:
    with logged_in(sip2_server) as link:
        assert link.send(frame(f"55{DATE}AOx|", sequence="1")) == RESEND_REQUEST
        assert link.send(frame(END_SESSION, sequence="2")).startswith(b"36Y")


def test_a_message_without_a_handler_is_refused_as_not_supported(
    sip2_server, kiosk, monkeypatch
) -> None:
    monkeypatch.delitem(HANDLERS, "17", raising=False)
    with logged_in(sip2_server) as link:
        answer = link.send(frame(f"17{DATE}AONL-KftC|AB9000|", sequence="1"))
    text = answer.decode()
    assert text.startswith("18010001")
    assert "AB9000|AJ|AFDit bericht wordt niet ondersteund.|AY1AZ" in text


def test_before_login_other_messages_close_the_connection(sip2_server, kiosk, counting) -> None:
    with RawClient(sip2_server) as link:
        assert link.send(frame(END_SESSION, sequence="0")) == b""
    assert counting.calls == 0


def test_a_message_the_account_may_not_use_is_refused_in_its_own_shape(
    sip2_server, kiosk, counting
) -> None:
    # given a kiosk that may only check in
    KioskAccount.objects.filter(pk=kiosk.pk).update(messages=["09"])
    with logged_in(sip2_server) as link:
        # when it ends a session
        answer = link.send(frame(END_SESSION, sequence="1"))
    # then it gets a 36 saying no, with the reason, and the handler did not run
    text = answer.decode()
    assert text.startswith("36N")
    assert "AONL-KftC|AA1234|AFDeze kiosk mag dit bericht niet gebruiken.|AY1AZ" in text
    assert counting.calls == 0


def test_an_account_made_inactive_is_signed_out_at_its_next_request(
    sip2_server, kiosk, counting, monkeypatch
) -> None:
    monkeypatch.setattr("kaft.sip2.server.ACCOUNT_RECHECK_SECONDS", 0.0)
    with logged_in(sip2_server) as link:
        assert link.send(frame(END_SESSION, sequence="1")).startswith(b"36Y")
        KioskAccount.objects.filter(pk=kiosk.pk).update(active=False)
        assert link.send(frame(END_SESSION, sequence="2")) == b""
    assert counting.calls == 1


def test_a_changed_account_takes_effect_at_the_next_check(
    sip2_server, kiosk, counting, monkeypatch
) -> None:
    monkeypatch.setattr("kaft.sip2.server.ACCOUNT_RECHECK_SECONDS", 0.0)
    with logged_in(sip2_server) as link:
        KioskAccount.objects.filter(pk=kiosk.pk).update(messages=["09"])
        assert link.send(frame(END_SESSION, sequence="1")).startswith(b"36N")
    assert counting.calls == 0


def test_a_failing_handler_answers_not_processed_and_the_server_goes_on(
    sip2_server, kiosk, monkeypatch
) -> None:
    def broken(session: Session, request: Request) -> Response:
        raise RuntimeError("boom")

    monkeypatch.setitem(HANDLERS, "35", broken)
    with logged_in(sip2_server) as link:
        answer = link.send(frame(END_SESSION, sequence="1"))
        assert answer.startswith(b"36N")
        assert b"AFNiet verwerkt. Vraag het aan de balie.|" in answer
        assert link.send(frame("9900802.00", sequence="2")).startswith(b"98Y")


def test_a_failure_outside_the_handlers_closes_only_that_connection(
    sip2_server, kiosk, monkeypatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("boom")

    with logged_in(sip2_server) as other:
        monkeypatch.setattr("kaft.sip2.server.wire.build", broken)
        with RawClient(sip2_server) as link:
            assert link.send(frame(LOGIN, sequence="0")) == b""
        monkeypatch.undo()
        assert other.send(frame("9900802.00", sequence="1")).startswith(b"98Y")


def test_the_log_holds_no_card_numbers_passwords_or_names(
    sip2_server, kiosk, monkeypatch, caplog
) -> None:
    def broken(session: Session, request: Request) -> Response:
        raise ValueError(f"member {request.get('AA')} not found")

    monkeypatch.setitem(HANDLERS, "35", broken)
    caplog.set_level("INFO", logger="kaft.sip2")
    with RawClient(sip2_server) as link:
        link.send(frame(f"9300CN{KIOSK_LOGIN}|COgeheim-wachtwoord|", sequence="0"))
        link.send(frame(LOGIN, sequence="1"))
        link.send(frame(f"35{DATE}AONL-KftC|AA2900012345|AEReneé|", sequence="2"))
        link.send(frame(f"35{DATE}AONL-KftC|AA2900012345|", sequence="3")[:-5] + b"0000\r")
    logged = caplog.text
    assert "handler 35 failed: ValueError" in logged
    assert "checksum refused" in logged
    for secret in ("geheim-wachtwoord", KIOSK_PASSWORD, "2900012345", "Reneé"):
        assert secret not in logged


def test_a_frame_with_nul_bytes_answers_96(sip2_server, kiosk, counting) -> None:
    with logged_in(sip2_server) as link:
        assert link.send(frame(f"35{DATE}AO\x00x|AA1|", sequence="1")) == RESEND_REQUEST
        assert link.send(frame(END_SESSION, sequence="2")).startswith(b"36Y")
    assert counting.calls == 1


def test_a_cr_inside_a_field_ends_the_frame_and_breaks_nothing(
    sip2_server, kiosk, counting
) -> None:
    with logged_in(sip2_server) as link:
        # the CR cuts the request in two: the first part lacks its checksum, the rest is no frame
        link.sock.sendall(frame(f"35{DATE}AONL-KftC|AA12\r34|", sequence="1"))
        assert link.read() == RESEND_REQUEST
        assert link.read() == RESEND_REQUEST
        assert link.send(frame(END_SESSION, sequence="2")).startswith(b"36Y")
    assert counting.calls == 1


def test_crlf_and_lf_end_frames_too(sip2_server, kiosk, counting) -> None:
    with logged_in(sip2_server) as link:
        assert link.send(frame(END_SESSION, sequence="1")[:-1] + b"\r\n").startswith(b"36Y")
        assert link.send(frame(END_SESSION, sequence="2")[:-1] + b"\n").startswith(b"36Y")
    assert counting.calls == 2


def test_an_overlong_frame_closes_the_connection_without_reading_on(sip2_server, kiosk) -> None:
    with RawClient(sip2_server) as link:
        link.sock.sendall(b"35" + b"x" * (2 * wire.MAX_FRAME_BYTES))
        assert link.closed_by_server()
    with logged_in(sip2_server) as other:
        assert other.send(frame("9900802.00", sequence="1")).startswith(b"98Y")


def test_an_overlong_terminated_frame_answers_96(sip2_server, kiosk) -> None:
    with logged_in(sip2_server) as link:
        link.sock.sendall(b"35" + b"x" * (wire.MAX_FRAME_BYTES + 10) + b"\r")
        # the frame is longer than allowed: no answer but a close, or a 96
        answer = link.read()
        assert answer in (b"", RESEND_REQUEST)


def test_garbage_bytes_never_stop_the_server(sip2_server, kiosk) -> None:
    junk = bytes(range(256)) * 3 + b"\xff\xfe\r\n\x00\x01\r" + os.urandom(512) + b"\r"
    with RawClient(sip2_server) as link:
        link.sock.sendall(junk)
        link.sock.shutdown(socket.SHUT_WR)
        while link.read():  # 96s, then the close
            pass
    with logged_in(sip2_server) as other:
        assert other.send(frame("9900802.00", sequence="1")).startswith(b"98Y")


def test_a_connection_closed_mid_frame_leaves_the_server_serving(sip2_server, kiosk) -> None:
    link = RawClient(sip2_server)
    link.sock.sendall(f"9300CN{KIOSK_LOGIN}|CO".encode())
    link.close()
    with logged_in(sip2_server) as other:
        assert other.send(frame("9900802.00", sequence="1")).startswith(b"98Y")


def test_many_kiosks_at_once(sip2_server, kiosk) -> None:
    answers: list[bytes] = []

    def one() -> None:
        with logged_in(sip2_server) as link:
            answers.append(link.send(frame("9900802.00", sequence="1")))

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 20
    assert all(answer.startswith(b"98YYYY") or answer.startswith(b"98Y") for answer in answers)


def test_connections_over_the_maximum_are_closed(sip2_server_factory, kiosk) -> None:
    address = sip2_server_factory(max_connections=2)
    with logged_in(address), logged_in(address) as second:
        with RawClient(address) as third:
            assert third.closed_by_server()
        assert second.send(frame("9900802.00", sequence="1")).startswith(b"98Y")
    # a place freed is a place taken again
    deadline = time.monotonic() + 5
    while True:
        with RawClient(address) as again:
            answer = again.send(frame(LOGIN, sequence="0"))
        if answer.startswith(b"941") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert answer.startswith(b"941")


def test_an_idle_connection_is_closed_after_the_timeout(sip2_server_factory, kiosk) -> None:
    address = sip2_server_factory(idle_timeout=0.6)
    with logged_in(address) as busy, logged_in(address) as idle:
        # a kiosk that keeps talking within the timeout stays connected
        for number in range(1, 4):
            time.sleep(0.3)
            assert busy.send(frame("9900802.00", sequence=str(number))).startswith(b"98Y")
        # one that says nothing is closed cleanly
        assert idle.closed_by_server()


def test_the_default_idle_timeout_keeps_kiosks_at_least_ten_minutes() -> None:
    assert django_settings.SIP2_IDLE_TIMEOUT >= 600
    assert Sip2Server().idle_timeout >= 600


def _self_signed(directory: Path) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


def test_tls(sip2_server_factory, kiosk, tmp_path) -> None:
    # given a server with a certificate
    cert_file, key_file = _self_signed(tmp_path)
    address = sip2_server_factory(ssl_context=tls_context(cert_file, key_file))
    trusting = ssl.create_default_context(cafile=cert_file)
    # when a kiosk that trusts it connects, it logs in over TLS
    with logged_in(address, tls=trusting) as link:
        assert isinstance(link.sock, ssl.SSLSocket)
        assert link.send(frame("9900802.00", sequence="1")).startswith(b"98Y")
    # and a plain-text kiosk gets nothing it can read, while the server goes on
    with RawClient(address) as plain:
        assert not plain.send(frame(LOGIN, sequence="0")).startswith(b"94")
    with logged_in(address, tls=trusting) as link:
        assert link.send(frame("9900802.00", sequence="1")).startswith(b"98Y")


def test_stopping_lets_the_answer_being_made_finish(transactional_db, kiosk, monkeypatch) -> None:
    # given a request whose handler takes a while
    started = threading.Event()

    def slow(session: Session, request: Request) -> Response:
        started.set()
        time.sleep(0.5)
        return Response("36", "Y" + DATE)

    monkeypatch.setitem(HANDLERS, "35", slow)
    server_thread = ServerThread(Sip2Server(workers=2))
    address = server_thread.__enter__()
    link = logged_in(address)
    idle = RawClient(address)
    try:
        link.sock.sendall(frame(END_SESSION, sequence="1"))
        assert started.wait(timeout=10)
        # when the server is stopped while it runs
        server_thread.__exit__(None, None, None)
        # then the answer still arrives, idle connections are closed, nobody new gets in
        assert link.read().startswith(b"36Y")
        assert idle.closed_by_server()
        with pytest.raises(OSError):
            socket.create_connection(address, timeout=2).recv(1)
    finally:
        link.close()
        idle.close()


def test_the_command_prints_where_it_listens_and_stops_on_sigterm(tmp_path) -> None:
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sip2_server", "--port", "0", "--workers", "2"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("SIP2 server listening on 127.0.0.1:")
        assert "(plain TCP, 2 workers, idle timeout 900 s)" in line
        port = int(line.split("127.0.0.1:")[1].split()[0])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as link:
            link.sendall(frame("97", sequence=None))
            assert link.recv(100) == RESEND_REQUEST
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_patron_information_before_login_closes_the_connection(sip2_server) -> None:
    kiosk_account_add(login="zuil", password="zuil-wachtwoord", branch=BranchFactory.create())
    with RawClient(sip2_server) as link:
        assert link.send(frame(f"63000{DATE}          AOx|AA1|", sequence="0")) == b""
