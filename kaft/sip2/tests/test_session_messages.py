"""Login (93), status (99) and end of session (35) over a real socket, and the PyPI client."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from kaft.core.limits import KIOSK_LOGIN
from kaft.sip2 import wire
from kaft.sip2.accounts import kiosk_account_add
from kaft.sip2.handlers.session import supported_messages
from kaft.sip2.institution import institution_accepted
from kaft.sip2.models import Charset, KioskAccount
from kaft.sip2.protocol import HANDLERS
from kaft.sip2.tests.conftest import KIOSK_LOGIN as LOGIN
from kaft.sip2.tests.conftest import KIOSK_PASSWORD as PASSWORD
from kaft.sip2.tests.rawclient import RawClient, frame
from tests.factories import BranchFactory

DATE = "20261207    101500"
STATUS = "9900802.00"


def login_frame(login: str = LOGIN, password: str = PASSWORD, location: str = "", seq: str = "0"):
    text = f"9300CN{login}|CO{password}|" + (f"CP{location}|" if location else "")
    return frame(text, sequence=seq)


def fields_of(answer: bytes, fixed_length: int, charset: str = "utf-8") -> dict[str, str]:
    text = answer.decode(charset).rstrip("\r")
    text = re.sub(r"AY\dAZ[0-9A-F]{4}$", "", text)
    return {piece[:2]: piece[2:] for piece in text[2 + fixed_length :].split("|") if piece}


def assert_checksum_right(answer: bytes) -> None:
    body = answer[: answer.rindex(b"AZ") + 2]
    assert answer[len(body) : -1] == wire.checksum(body).encode()


pytestmark = pytest.mark.django_db(transaction=True)


def test_login_with_the_right_password_answers_ok(sip2_server, kiosk: KioskAccount) -> None:
    with RawClient(sip2_server) as link:
        answer = link.send(login_frame(seq="1"))
    assert answer.startswith(b"941AY1AZ")
    assert_checksum_right(answer)
    kiosk.refresh_from_db()
    assert kiosk.last_login_at is not None


def test_login_with_the_branch_isil_or_code_as_location(sip2_server, kiosk) -> None:
    with RawClient(sip2_server) as link:
        assert link.send(login_frame(location="NL-KftC")).startswith(b"941")
        assert link.send(login_frame(location="centrum", seq="1")).startswith(b"941")
        assert link.send(login_frame(location="elders", seq="2")).startswith(b"940")


def test_a_wrong_password_is_refused_and_counted(sip2_server, kiosk) -> None:
    cache.clear()
    with RawClient(sip2_server) as link:
        answer = link.send(login_frame(password="wrong"))
        assert answer.startswith(b"940AY0AZ")
        # and then the connection is not logged in: a patron status closes it
        assert link.send(frame(f"23000{DATE}AONL-KftC|AA1|AC|", sequence="1")) == b""
    assert cache.get(KIOSK_LOGIN.key(LOGIN)) == 1


def test_an_inactive_account_cannot_log_in(sip2_server, kiosk) -> None:
    KioskAccount.objects.filter(pk=kiosk.pk).update(active=False)
    with RawClient(sip2_server) as link:
        assert link.send(login_frame()).startswith(b"940")
    kiosk.refresh_from_db()
    assert kiosk.last_login_at is None


def test_after_the_limit_even_the_right_password_is_refused(sip2_server, kiosk) -> None:
    cache.clear()
    for _attempt in range(KIOSK_LOGIN.attempts):
        with RawClient(sip2_server) as link:
            assert link.send(login_frame(password="wrong")).startswith(b"940")
    with RawClient(sip2_server) as link:
        assert link.send(login_frame()).startswith(b"940")
    kiosk.refresh_from_db()
    assert kiosk.last_login_at is None


def test_three_failed_logins_close_the_connection(sip2_server, kiosk) -> None:
    cache.clear()
    with RawClient(sip2_server) as link:
        assert link.send(login_frame(password="wrong1", seq="1")).startswith(b"940")
        assert link.send(login_frame(password="wrong2", seq="2")).startswith(b"940")
        assert link.send(login_frame(password="wrong3", seq="3")).startswith(b"940")
        assert link.closed_by_server()
    # a good login on a new connection still works (the limit per login name is 10)
    with RawClient(sip2_server) as link:
        assert link.send(login_frame()).startswith(b"941")


def test_status_after_login_names_the_branch_and_what_the_kiosk_may_do(
    sip2_server, kiosk, settings
) -> None:
    settings.KAFT_LIBRARY_NAME = "Bibliotheek Kaftstad"
    with RawClient(sip2_server) as link:
        link.send(login_frame())
        answer = link.send(frame(STATUS, sequence="1"))
    assert_checksum_right(answer)
    text = answer.decode()
    assert text.startswith("98Y")
    fixed = text[2:36]
    assert fixed[0] == "Y"  # on-line
    assert fixed[1] == ("Y" if "09" in HANDLERS else "N")
    assert fixed[2] == ("Y" if "11" in HANDLERS else "N")
    assert fixed[5] == "N"  # no off-line transactions
    assert fixed[6:12] == "050003"
    assert re.fullmatch(r"\d{8} {4}\d{6}", fixed[12:30])
    assert fixed[30:34] == "2.00"
    fields = fields_of(answer, 34)
    assert fields["AO"] == "NL-KftC"
    assert fields["AM"] == "Bibliotheek Kaftstad"
    assert fields["AN"] == "centrum"
    assert fields["AF"] == "Centrale bibliotheek"
    assert fields["BX"] == supported_messages(kiosk)
    assert fields["BX"][4:7] == "YYY"  # 99, 97, 93


def test_status_shows_only_the_messages_the_account_may_use(sip2_server) -> None:
    # given a kiosk that may only check in
    branch = BranchFactory.create(isil="NL-KftW")
    kiosk_account_add(
        login="inleverzuil", password="inlever-wachtwoord", branch=branch, messages=["09"]
    )
    with RawClient(sip2_server) as link:
        link.send(login_frame("inleverzuil", "inlever-wachtwoord"))
        answer = link.send(frame(STATUS, sequence="1"))
    bx = fields_of(answer, 34)["BX"]
    # then BX says Y for the session messages and, at most, checkin
    assert bx == "NN" + ("Y" if "09" in HANDLERS else "N") + "NYYYNNNNNNNNN"
    assert answer[2 + 2 : 2 + 3] == b"N"  # checkout not ok


def test_supported_messages_follow_the_handlers_and_the_account(kiosk, monkeypatch) -> None:
    # given handlers for checkout and renew only, and an account that may use only checkout
    def handler(session, request):
        raise AssertionError("not called")

    for command in list(HANDLERS):
        if command not in ("93", "99", "35"):
            monkeypatch.delitem(HANDLERS, command)
    monkeypatch.setitem(HANDLERS, "11", handler)
    monkeypatch.setitem(HANDLERS, "29", handler)
    # then BX, in the standard's order, offers checkout and the session messages
    assert supported_messages(kiosk) == "NYNNYYYNYNNNNNYN"
    kiosk.messages = ["11"]
    assert supported_messages(kiosk) == "NYNNYYYNNNNNNNNN"
    assert supported_messages(None) == "NNNNYYYNNNNNNNNN"


def test_status_before_login_permits_nothing(sip2_server, kiosk) -> None:
    with RawClient(sip2_server) as link:
        answer = link.send(frame(STATUS, sequence="0"))
        # and the connection stays usable for a login afterwards
        assert link.send(login_frame(seq="1")).startswith(b"941")
    assert answer.startswith(b"98YNNNNN")
    fields = fields_of(answer, 34)
    assert fields["AO"] == ""
    assert fields["BX"] == "NNNNYYYNNNNNNNNN"
    assert fields["AF"] == "Kiosk niet aangemeld."


def test_end_session_answers_ended(sip2_server, kiosk) -> None:
    with RawClient(sip2_server) as link:
        link.send(login_frame())
        answer = link.send(frame(f"35{DATE}AONL-KftC|AA1234|", sequence="1"))
    assert answer.startswith(b"36Y")
    assert fields_of(answer, 19) == {"AO": "NL-KftC", "AA": "1234", "AF": "Dank u wel, tot ziens."}


def test_a_cp850_kiosk_gets_its_names_in_cp850(sip2_server) -> None:
    # given a cp850 kiosk at a branch whose name has accents
    branch = BranchFactory.create(isil="NL-KftZ", code="zoe", name="Zoë en Reneé")
    kiosk_account_add(
        login="zuil850", password="wachtwoord-é", branch=branch, charset=Charset.CP850
    )
    with RawClient(sip2_server) as link:
        # when it logs in with a password sent in cp850 and asks the status
        assert link.send(frame("9300CNzuil850|COwachtwoord-é|", charset="cp850")).startswith(b"941")
        answer = link.send(frame(STATUS, sequence="1"))
    # then the branch name arrives as cp850 bytes and the checksum covers those bytes
    assert "Zoë en Reneé".encode("cp850") in answer
    assert fields_of(answer, 34, "cp850")["AF"] == "Zoë en Reneé"
    assert_checksum_right(answer)


def test_a_kiosk_without_error_detection_gets_answers_without_ay_and_az(sip2_server) -> None:
    branch = BranchFactory.create(isil="NL-KftN")
    kiosk_account_add(login="oud", password="oud-wachtwoord", branch=branch, error_detection=False)
    with RawClient(sip2_server) as link:
        assert (
            link.send(frame("9300CNoud|COoud-wachtwoord|", sequence=None, with_checksum=False))
            == b"941\r"
        )
        answer = link.send(frame(STATUS, sequence=None, with_checksum=False))
    assert b"AZ" not in answer
    assert answer.startswith(b"98Y")


def test_institution_accepted_is_any_isil_of_the_library(kiosk) -> None:
    BranchFactory.create(isil="NL-KftO")
    assert institution_accepted(kiosk, "NL-KftC")
    assert institution_accepted(kiosk, " nl-kftc ")
    assert institution_accepted(kiosk, "NL-KftO")
    assert not institution_accepted(kiosk, "NL-Elders")
    assert not institution_accepted(kiosk, "")


def test_the_pypi_client_logs_in_and_reads_the_status(sip2_server, kiosk, tmp_path) -> None:
    # an independent implementation of the framing and checksum agrees with Kaft's
    from Sip2.sip2 import Sip2

    client = Sip2()
    client.hostName, client.hostPort = sip2_server
    client.tlsEnable = False
    client.logfile_path = str(tmp_path)  # it logs to a file; not in the working directory
    client.socketTimeout = 10
    client.scLocation = "NL-KftC"
    client.institutionId = "NL-KftC"
    client.connect()
    try:
        login = client.sip_login_response(
            client.get_response(client.sip_login_request(LOGIN, PASSWORD))
        )
        status = client.sip_sc_status_response(client.get_response(client.sip_sc_status_request()))
    finally:
        client.disconnect()
    assert login["fixed"]["Ok"] == "1"
    assert status["fixed"]["OnlineStatus"] == "Y"
    assert status["fixed"]["ProtocolVersion"] == "2.00"
    assert status["variable"]["AO"] == ["NL-KftC"]
    assert status["variable"]["BX"] == [supported_messages(kiosk)]
    assert client.last_response.startswith("98")
    assert_checksum_right(client.last_response.encode())


def test_the_pypi_client_logs_in_with_a_non_ascii_password(sip2_server, tmp_path) -> None:
    # the client sums code points for its checksum; Kaft accepts that as well as bytes
    from Sip2.sip2 import Sip2

    branch = BranchFactory.create(isil="NL-KftE")
    kiosk_account_add(login="zuil-e", password="wachtwoord-ë", branch=branch)
    client = Sip2()
    client.hostName, client.hostPort = sip2_server
    client.tlsEnable = False
    client.logfile_path = str(tmp_path)
    client.scLocation = "NL-KftE"
    client.connect()
    try:
        answer = client.get_response(client.sip_login_request("zuil-e", "wachtwoord-ë"))
    finally:
        client.disconnect()
    assert answer.startswith("941")
