"""Partner libraries that authenticate with client certificates (mutual TLS), both directions.

A throwaway CA, a server certificate for 127.0.0.1 and client certificates are made with
``cryptography`` in a temporary directory. Outgoing: Kaft's outbox talks real TLS to a stand-in
partner server that demands a client certificate of that CA. Incoming: the certificate arrives
as the reverse proxy passes it (URL-escaped PEM in a header), through the test client and, end to
end, through a TLS-terminating stand-in proxy in front of the live server.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import http.server
import ipaddress
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from lxml import etree

from kaft.interlibrary import iso18626
from kaft.interlibrary.certificates import fingerprint_from_text
from kaft.interlibrary.errors import IllErrorCode
from kaft.interlibrary.models import (
    IllRole,
    IllStatus,
    InterlibraryEvent,
    InterlibraryRequest,
    LibraryPartner,
    OutboxStatus,
    OutgoingMessage,
    PartnerAuth,
)
from kaft.interlibrary.services import outbox
from kaft.interlibrary.services.outbox import message_queue, message_send
from kaft.interlibrary.tests.loop import Loop
from kaft.members.models import StaffRole
from tests.factories import BranchFactory, StaffFactory
from tests.factories_desk import staff_login

URL = "/api/iso18626"
CERT_HEADER = "X-SSL-Client-Cert"
HEADER = iso18626.Header("NL-Sup", "NL-Req", "NL-Req-0001")


# --- A throwaway PKI ----------------------------------------------------------------------------


@dataclasses.dataclass
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    cert_path: Path
    key_path: Path

    @property
    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return self.cert.fingerprint(hashes.SHA256()).hex()


@dataclasses.dataclass
class Pki:
    ca: Issued
    server: Issued  # the partner's HTTPS server, for 127.0.0.1 and localhost
    kaft: Issued  # our client certificate, of the CA
    partner: Issued  # the partner's client certificate, of the CA
    other_partner: Issued  # another client certificate of the same CA
    expired: Issued
    not_yet_valid: Issued
    rogue: Issued  # a client certificate of another CA


def _issue(
    directory: Path,
    name: str,
    *,
    issuer: Issued | None = None,
    ca: bool = False,
    server: bool = False,
    valid_from: dt.timedelta = dt.timedelta(days=-1),
    valid_until: dt.timedelta = dt.timedelta(days=30),
) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + valid_from)
        .not_valid_after(now + valid_until)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    elif server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Issued(cert, key, cert_path, key_path)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    ca = _issue(directory, "ca", ca=True, valid_from=dt.timedelta(days=-2))
    other_ca = _issue(directory, "other-ca", ca=True, valid_from=dt.timedelta(days=-2))
    return Pki(
        ca=ca,
        server=_issue(directory, "server", issuer=ca, server=True),
        kaft=_issue(directory, "kaft", issuer=ca),
        partner=_issue(directory, "partner", issuer=ca),
        other_partner=_issue(directory, "other-partner", issuer=ca),
        expired=_issue(
            directory,
            "expired",
            issuer=ca,
            valid_from=dt.timedelta(days=-40),
            valid_until=dt.timedelta(days=-1),
        ),
        not_yet_valid=_issue(
            directory, "not-yet-valid", issuer=ca, valid_from=dt.timedelta(days=2)
        ),
        rogue=_issue(directory, "rogue", issuer=other_ca),
    )


def _escaped(pem: str) -> str:
    """As nginx's ``$ssl_client_escaped_cert``: the PEM, URL-escaped."""
    return urllib.parse.quote(pem, safe="")


# --- Stand-in servers ---------------------------------------------------------------------------


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class _TlsServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler], context: Any) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.seen: list[dict[str, Any]] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a refused handshake is what some tests want

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}{URL}"


def _server_context(pki: Pki) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server.cert_path, pki.server.key_path)
    context.load_verify_locations(cafile=str(pki.ca.cert_path))
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def _peer_pem(handler: http.server.BaseHTTPRequestHandler) -> str:
    der = handler.connection.getpeercert(binary_form=True)  # type: ignore[attr-defined]
    return ssl.DER_cert_to_PEM_cert(der) if der else ""


class _PartnerHandler(_Quiet):
    """The partner library: confirms any ISO 18626 message and notes who sent it."""

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server: Any = self.server
        pem = _peer_pem(self)
        server.seen.append(
            {
                "fingerprint": x509.load_pem_x509_certificate(pem.encode())
                .fingerprint(hashes.SHA256())
                .hex()
                if pem
                else "",
                "secret": self.headers.get(outbox.SECRET_HEADER),
            }
        )
        message = iso18626.message_parse(body)
        answer = iso18626.build_confirmation(
            kind=message.kind, header=message.header, received_at=timezone.now()
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@contextlib.contextmanager
def _serve(server: _TlsServer) -> Iterator[_TlsServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def partner_server(pki: Pki) -> Iterator[_TlsServer]:
    with _serve(_TlsServer(_PartnerHandler, _server_context(pki))) as server:
        yield server


# --- Outgoing: Kaft presents its client certificate ----------------------------------------------


def _pending_request(endpoint: str) -> OutgoingMessage:
    branch = BranchFactory.create(code="req", isil="NL-Req")
    partner = LibraryPartner.objects.create(
        name="Leverancier",
        isil="NL-Sup",
        endpoint_url=endpoint,
        secret="not-for-a-certificate-partner",
        auth_method=PartnerAuth.CERTIFICATE,
        cert_fingerprint="ab" * 32,
        fee=Decimal("0"),
    )
    request = InterlibraryRequest.objects.create(
        role=IllRole.REQUESTING,
        partner=partner,
        branch=branch,
        requesting_id="NL-Req-0001",
        title="Het Achterhuis",
        created_at=timezone.now(),
    )
    body = iso18626.build_request(header=outbox.header_for(request), title="Het Achterhuis")
    return message_queue(request=request, kind="request", body=body)


@pytest.fixture
def our_certificate(settings: Any, pki: Pki) -> Pki:
    settings.KAFT_ILL_CLIENT_CERT = str(pki.kaft.cert_path)
    settings.KAFT_ILL_CLIENT_KEY = str(pki.kaft.key_path)
    settings.KAFT_ILL_CA_FILE = str(pki.ca.cert_path)
    return pki


@pytest.mark.django_db
def test_a_message_to_a_certificate_partner_goes_over_mutual_tls(
    partner_server: _TlsServer, our_certificate: Pki
) -> None:
    message = _pending_request(partner_server.url)
    assert message_send(message.pk) == OutboxStatus.SENT
    message.refresh_from_db()
    assert (message.status, message.last_error, message.body) == (OutboxStatus.SENT, "", "")
    assert message.request.status == IllStatus.REQUEST_RECEIVED
    # The partner saw our certificate, and no shared secret.
    assert partner_server.seen == [
        {"fingerprint": our_certificate.kaft.fingerprint, "secret": None}
    ]


@pytest.mark.django_db
def test_without_our_certificate_the_message_stays_pending(
    partner_server: _TlsServer, settings: Any, pki: Pki
) -> None:
    settings.KAFT_ILL_CLIENT_CERT = ""
    settings.KAFT_ILL_CLIENT_KEY = ""
    settings.KAFT_ILL_CA_FILE = str(pki.ca.cert_path)
    message = _pending_request(partner_server.url)
    assert message_send(message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    assert "KAFT_ILL_CLIENT_CERT" in message.last_error and message.attempts == 1
    assert message.body and message.request.status == IllStatus.NEW
    assert partner_server.seen == []


@pytest.mark.django_db
def test_a_certificate_the_partner_does_not_trust_leaves_the_message_pending(
    partner_server: _TlsServer, settings: Any, pki: Pki
) -> None:
    settings.KAFT_ILL_CLIENT_CERT = str(pki.rogue.cert_path)
    settings.KAFT_ILL_CLIENT_KEY = str(pki.rogue.key_path)
    settings.KAFT_ILL_CA_FILE = str(pki.ca.cert_path)
    message = _pending_request(partner_server.url)
    assert message_send(message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    assert message.last_error and message.status == OutboxStatus.PENDING
    assert message.request.status == IllStatus.NEW
    assert partner_server.seen == []


@pytest.mark.django_db
def test_the_partners_server_is_verified_too(
    partner_server: _TlsServer, our_certificate: Pki, settings: Any, tmp_path: Path
) -> None:
    # The system's CAs (KAFT_ILL_CA_FILE empty) do not know the test CA: refused, not sent.
    settings.KAFT_ILL_CA_FILE = ""
    message = _pending_request(partner_server.url)
    assert message_send(message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in message.last_error
    assert partner_server.seen == []
    # An http:// address cannot carry a client certificate.
    LibraryPartner.objects.update(endpoint_url="http://127.0.0.1:9/iso18626")
    settings.KAFT_ILL_CA_FILE = str(our_certificate.ca.cert_path)
    assert message_send(message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    assert "https://" in message.last_error


@pytest.mark.django_db
def test_a_secret_partner_still_gets_the_secret_and_no_certificate(
    monkeypatch: pytest.MonkeyPatch, our_certificate: Pki
) -> None:
    calls: list[tuple[Any, ...]] = []

    def post(*args: Any) -> bytes:
        calls.append(args)
        return iso18626.build_confirmation(
            kind="request", header=HEADER, received_at=timezone.now()
        )

    monkeypatch.setattr(outbox, "_post", post)
    message = _pending_request("https://sup.test/iso18626")
    LibraryPartner.objects.update(auth_method=PartnerAuth.SECRET)
    assert message_send(message.pk) == OutboxStatus.SENT
    assert [(c[1], c[3:]) for c in calls] == [("not-for-a-certificate-partner", ())]


# --- Incoming: the certificate the reverse proxy passed --------------------------------------------


def _post(client: Client, body: bytes, **headers: str) -> Any:
    return client.post(URL, data=body, content_type="application/xml", headers=headers)


def _error(response: Any) -> tuple[str, str, str]:
    root = etree.fromstring(response.content)
    assert iso18626.schema().validate(root)
    ns = {"i": iso18626.NS}
    return (
        etree.QName(root[0]).localname,
        root.findtext(".//i:messageStatus", namespaces=ns) or "",
        root.findtext(".//i:errorValue", namespaces=ns) or "",
    )


def _counts() -> tuple[int, int, int]:
    return (
        InterlibraryRequest.objects.count(),
        InterlibraryEvent.objects.count(),
        OutgoingMessage.objects.count(),
    )


@pytest.fixture
def cert_partner(loop: Loop, settings: Any, pki: Pki) -> LibraryPartner:
    """The requesting library, in our register, set to its client certificate."""
    settings.KAFT_ILL_CLIENT_CERT_HEADER = CERT_HEADER
    partner = loop.requester_partner
    partner.auth_method = PartnerAuth.CERTIFICATE
    partner.cert_fingerprint = pki.partner.fingerprint
    partner.save()
    return partner


@pytest.mark.django_db
def test_a_partner_with_the_pinned_certificate_is_heard(
    client: Client, cert_partner: LibraryPartner, pki: Pki
) -> None:
    body = iso18626.build_request(header=HEADER, title="Het Achterhuis")
    response = _post(client, body, **{CERT_HEADER: _escaped(pki.partner.pem)})
    assert response.status_code == 200
    assert _error(response) == ("requestConfirmation", "OK", "")
    request = InterlibraryRequest.objects.get()
    assert (request.role, request.status, request.partner) == (
        IllRole.SUPPLYING,
        IllStatus.REQUEST_RECEIVED,
        cert_partner,
    )
    # A later message of the same transaction moves it on.
    cancel = iso18626.build_requesting_message(header=HEADER, action="Cancel")
    response = _post(client, cancel, **{CERT_HEADER: _escaped(pki.partner.pem)})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == IllStatus.CANCELLED


@pytest.mark.parametrize(
    "case",
    [
        "other_certificate_of_the_same_ca",
        "expired",
        "not_yet_valid",
        "garbage",
        "garbage_pem",
        "no_header",
        "empty_header",
        "setting_off",
    ],
)
@pytest.mark.django_db
def test_a_wrong_or_missing_certificate_is_refused_and_changes_nothing(
    client: Client, cert_partner: LibraryPartner, pki: Pki, settings: Any, case: str
) -> None:
    headers = {CERT_HEADER: _escaped(pki.partner.pem)}
    if case == "other_certificate_of_the_same_ca":
        headers[CERT_HEADER] = _escaped(pki.other_partner.pem)
    elif case in ("expired", "not_yet_valid"):
        issued = pki.expired if case == "expired" else pki.not_yet_valid
        # Pinned to exactly this certificate: only its validity refuses it.
        LibraryPartner.objects.filter(pk=cert_partner.pk).update(
            cert_fingerprint=issued.fingerprint
        )
        headers[CERT_HEADER] = _escaped(issued.pem)
    elif case == "garbage":
        headers[CERT_HEADER] = "%%%not-a-certificate\u00e9"
    elif case == "garbage_pem":
        headers[CERT_HEADER] = _escaped(
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
        )
    elif case == "no_header":
        del headers[CERT_HEADER]
    elif case == "empty_header":
        headers[CERT_HEADER] = ""
    elif case == "setting_off":
        settings.KAFT_ILL_CLIENT_CERT_HEADER = ""
    # The right secret is sent every time: a certificate partner is not heard on it.
    headers[outbox.SECRET_HEADER] = "s3cret-sup"
    before = _counts()
    response = _post(client, iso18626.build_request(header=HEADER, title="T"), **headers)
    assert response.status_code == 403
    assert _error(response) == ("requestConfirmation", "ERROR", "requestingAgencyAuthentication")
    assert _counts() == before == (0, 0, 0)


@pytest.mark.django_db
def test_a_refused_certificate_does_not_move_an_existing_request(
    client: Client, cert_partner: LibraryPartner, pki: Pki
) -> None:
    good = {CERT_HEADER: _escaped(pki.partner.pem)}
    assert (
        _post(client, iso18626.build_request(header=HEADER, title="T"), **good).status_code == 200
    )
    before = _counts()
    cancel = iso18626.build_requesting_message(header=HEADER, action="Cancel")
    response = _post(client, cancel, **{CERT_HEADER: _escaped(pki.other_partner.pem)})
    assert response.status_code == 403
    assert _counts() == before
    assert InterlibraryRequest.objects.get().status == IllStatus.REQUEST_RECEIVED


@pytest.mark.django_db
def test_a_secret_partner_is_heard_on_its_secret_whatever_certificate_comes(
    client: Client, loop: Loop, settings: Any, pki: Pki
) -> None:
    settings.KAFT_ILL_CLIENT_CERT_HEADER = CERT_HEADER
    body = iso18626.build_request(header=HEADER, title="T")
    # A certificate alone is no secret.
    response = _post(client, body, **{CERT_HEADER: _escaped(pki.partner.pem)})
    assert response.status_code == 403 and _counts() == (0, 0, 0)
    response = _post(client, body, **{CERT_HEADER: "garbage", outbox.SECRET_HEADER: "s3cret-sup"})
    assert response.status_code == 200
    assert InterlibraryRequest.objects.get().partner == loop.requester_partner


# --- End to end: Kaft's outbox → a TLS-terminating proxy → Kaft's live server ---------------------


def _proxy_handler(upstream: str) -> type[http.server.BaseHTTPRequestHandler]:
    class Proxy(_Quiet):
        """As nginx with ``ssl_verify_client on`` and ``proxy_set_header X-SSL-Client-Cert
        $ssl_client_escaped_cert``: whatever the client sent in that header is replaced."""

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("host", "content-length", CERT_HEADER.lower(), "connection")
            }
            headers[CERT_HEADER] = _escaped(_peer_pem(self))
            call = urllib.request.Request(
                upstream + self.path, data=body, method="POST", headers=headers
            )
            try:
                with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310
                    status, data = answer.status, answer.read()
            except urllib.error.HTTPError as exc:
                status, data = exc.code, exc.read()
            server: Any = self.server
            server.seen.append(status)
            self.send_response(status)
            self.send_header("Content-Type", "application/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Proxy


@pytest.mark.django_db(transaction=True)
def test_end_to_end_through_a_tls_terminating_proxy(
    live_server: Any, our_certificate: Pki, settings: Any
) -> None:
    pki = our_certificate
    settings.KAFT_ILL_CLIENT_CERT_HEADER = CERT_HEADER
    proxy = _TlsServer(_proxy_handler(live_server.url), _server_context(pki))
    with _serve(proxy) as running:
        # We (NL-Req) ask NL-Sup, which is this same Kaft behind the proxy; NL-Sup knows NL-Req
        # by Kaft's own client certificate.
        BranchFactory.create(code="sup", isil="NL-Sup")
        LibraryPartner.objects.create(
            name="Aanvrager",
            isil="NL-Req",
            endpoint_url="https://127.0.0.1:9/iso18626",
            auth_method=PartnerAuth.CERTIFICATE,
            cert_fingerprint=pki.kaft.fingerprint,
        )
        # Committed at once here, so the outbox sends it right away (tasks run eagerly).
        message = _pending_request(running.url)
        assert message_send(message.pk) == OutboxStatus.SENT
        assert running.seen == [200]
        supplying = InterlibraryRequest.objects.get(role=IllRole.SUPPLYING)
        assert supplying.status == IllStatus.REQUEST_RECEIVED
        assert supplying.partner is not None and supplying.partner.isil == "NL-Req"
        assert InterlibraryRequest.objects.get(role=IllRole.REQUESTING).status == (
            IllStatus.REQUEST_RECEIVED
        )

        # Another client certificate of the same CA passes the proxy but not the pin.
        LibraryPartner.objects.filter(isil="NL-Req").update(
            cert_fingerprint=pki.partner.fingerprint
        )
        cancel = iso18626.build_requesting_message(
            header=outbox.header_for(InterlibraryRequest.objects.get(role=IllRole.REQUESTING)),
            action="Cancel",
        )
        before = _counts()
        data = _send_raw(running.url, pki, cancel, forged=_escaped(pki.partner.pem))
        assert b"requestingAgencyAuthentication" in data
        assert running.seen[-1] == 403 and _counts() == before
        supplying.refresh_from_db()
        assert supplying.status == IllStatus.REQUEST_RECEIVED


def _send_raw(url: str, pki: Pki, body: bytes, *, forged: str) -> bytes:
    """POST with Kaft's client certificate and a forged certificate header (the proxy must
    replace it)."""
    context = ssl.create_default_context(cafile=str(pki.ca.cert_path))
    context.load_cert_chain(pki.kaft.cert_path, pki.kaft.key_path)
    call = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/xml", CERT_HEADER: forged},
    )
    try:
        with urllib.request.urlopen(call, timeout=10, context=context) as answer:  # noqa: S310
            return bytes(answer.read())
    except urllib.error.HTTPError as exc:
        return bytes(exc.read())


# --- The desk: the partner register -------------------------------------------------------------


@pytest.fixture
def admin(db: None) -> Client:
    branch = BranchFactory.create(code="centrale")
    user = StaffFactory.create(
        username="beheer", profile__branch=branch, profile__role=StaffRole.ADMINISTRATOR
    )
    return staff_login(Client(), user)


def _partner_form(**changes: str) -> dict[str, str]:
    data = {
        "name": "Bibliotheek Oost",
        "isil": "NL-OostOBA",
        "endpoint_url": "https://oost.example.org/iso18626",
        "auth_method": "certificate",
        "fee": "0",
        "loan_days": "21",
        "rota_order": "5",
        "active": "on",
    }
    data.update(changes)
    return data


def test_administrators_pin_a_partners_certificate_by_pasting_it(admin: Client, pki: Pki) -> None:
    response = admin.post(
        "/desk/interlibrary/partners/new/", _partner_form(certificate=pki.partner.pem)
    )
    assert response.status_code == 302
    partner = LibraryPartner.objects.get(isil="NL-OostOBA")
    assert partner.auth_method == PartnerAuth.CERTIFICATE
    assert partner.cert_fingerprint == pki.partner.fingerprint
    assert not partner.secret
    page = admin.get(f"/desk/interlibrary/partners/{partner.pk}/").content.decode()
    assert pki.partner.fingerprint in page
    # Saved again without pasting anything: the pinned fingerprint stays; a fingerprint as
    # openssl prints it replaces it.
    url = f"/desk/interlibrary/partners/{partner.pk}/"
    assert admin.post(url, _partner_form()).status_code == 302
    partner.refresh_from_db()
    assert partner.cert_fingerprint == pki.partner.fingerprint
    colons = ":".join(pki.other_partner.fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()
    response = admin.post(url, _partner_form(certificate=f"SHA256 Fingerprint={colons}"))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.cert_fingerprint == pki.other_partner.fingerprint
    # Back to a shared secret.
    response = admin.post(url, _partner_form(auth_method="secret", secret="geheim-7"))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.auth_method, partner.secret) == (PartnerAuth.SECRET, "geheim-7")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {"certificate": "-----BEGIN CERTIFICATE-----\nbm90IGVlbg==\n-----END CERTIFICATE-----"},
            IllErrorCode.CERTIFICATE_INVALID,
        ),
        ({"certificate": "dit is geen certificaat"}, IllErrorCode.CERTIFICATE_INVALID),
        ({"certificate": "ab" * 31}, IllErrorCode.CERTIFICATE_INVALID),
        ({}, IllErrorCode.CERTIFICATE_MISSING),
        ({"certificate": "expired"}, IllErrorCode.CERTIFICATE_EXPIRED),
        (
            {"certificate": "partner", "endpoint_url": "http://oost.example.org/x"},
            IllErrorCode.CERTIFICATE_NEEDS_HTTPS,
        ),
    ],
)
def test_a_bad_certificate_is_refused_and_nothing_saved(
    admin: Client, pki: Pki, changes: dict[str, str], code: IllErrorCode
) -> None:
    if changes.get("certificate") in ("expired", "partner"):
        changes["certificate"] = getattr(pki, changes["certificate"]).pem
    response = admin.post("/desk/interlibrary/partners/new/", _partner_form(**changes))
    assert response.status_code == 400
    with translation.override(response.get("Content-Language") or "nl"):
        said = escape(code.message)
    assert said in response.content.decode()
    assert not LibraryPartner.objects.exists()


def test_fingerprints_are_read_in_the_usual_spellings(pki: Pki) -> None:
    want = pki.partner.fingerprint
    spaced = " ".join(want[i : i + 2] for i in range(0, 64, 2))
    assert fingerprint_from_text(want.upper()) == want
    assert fingerprint_from_text(spaced) == want
    assert fingerprint_from_text(f"sha256:{want}") == want
    assert fingerprint_from_text(pki.partner.pem) == want
