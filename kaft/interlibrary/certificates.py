"""Client certificates (mutual TLS) between Kaft and partner libraries: reading a certificate,
its pinned fingerprint, and the TLS context Kaft presents its own certificate with.

A partner set to certificates is recognised by the SHA-256 fingerprint of its certificate,
stored in the register (``LibraryPartner.cert_fingerprint``: 64 lowercase hex digits, no
colons). Pinning the fingerprint rather than trusting a CA means a certificate another partner
got from the same CA does not pass for this one. TLS itself is done by the reverse proxy on the
way in (it hands the certificate over in a header, see ``services/incoming.py``) and by
:func:`client_context` on the way out (``services/outbox.py``).
"""

from __future__ import annotations

import datetime as dt
import re
import ssl
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.conf import settings

FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
# What staff may paste as a fingerprint: hex pairs, with colons or spaces as tools print them.
_PASTED_FINGERPRINT = re.compile(r"^(?:sha-?256\s*(?:fingerprint)?\s*[=:]?\s*)?([0-9a-f:\s]+)$")
_PEM_BEGIN = "-----BEGIN CERTIFICATE-----"


class CertificateInvalid(ValueError):
    """Not a certificate or a fingerprint we can read (the detail is for logs, not people)."""


class ClientCertificateMissing(Exception):
    """Kaft's own client certificate is not configured (``KAFT_ILL_CLIENT_CERT``/``_KEY``)."""


def certificate_parse(pem: str) -> x509.Certificate:
    """The one certificate in ``pem`` (PEM text); :class:`CertificateInvalid` when there is none
    or it cannot be read."""
    text = pem.strip()
    if _PEM_BEGIN not in text:
        raise CertificateInvalid("no PEM certificate")
    try:
        return x509.load_pem_x509_certificate(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CertificateInvalid(str(exc)) from None


def fingerprint_of(certificate: x509.Certificate) -> str:
    """SHA-256 over the certificate's DER encoding: 64 lowercase hex digits."""
    return certificate.fingerprint(hashes.SHA256()).hex()


def certificate_current(certificate: x509.Certificate, at: dt.datetime) -> bool:
    """Whether ``at`` lies within the certificate's validity period."""
    return certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc


def fingerprint_from_text(text: str) -> str:
    """What staff pasted, as a pinned fingerprint: a PEM certificate (its fingerprint is
    computed) or a SHA-256 fingerprint in any usual spelling (``AB:CD:…``, spaced, a
    ``SHA256 Fingerprint=`` prefix as openssl prints it). :class:`CertificateInvalid` else."""
    text = text.strip()
    if _PEM_BEGIN in text:
        return fingerprint_of(certificate_parse(text))
    found = _PASTED_FINGERPRINT.match(text.lower())
    digits = re.sub(r"[:\s]", "", found.group(1)) if found else ""
    if not FINGERPRINT.match(digits):
        raise CertificateInvalid("no SHA-256 fingerprint")
    return digits


def certificate_from_header(value: str) -> x509.Certificate:
    """The certificate the reverse proxy passed: nginx's ``$ssl_client_escaped_cert`` is the PEM,
    URL-escaped. An unescaped PEM (some proxies) is read too."""
    return certificate_parse(urllib.parse.unquote(value))


def client_context() -> ssl.SSLContext:
    """A TLS context presenting Kaft's own client certificate, verifying the partner's server
    against ``KAFT_ILL_CA_FILE`` (empty: the system's trusted CAs) with host name checks.

    Read anew for every message, so a renewed certificate is used without a restart.
    :class:`ClientCertificateMissing` when the settings are empty; ``OSError``/``ssl.SSLError``
    when the files cannot be read."""
    cert = settings.KAFT_ILL_CLIENT_CERT
    key = settings.KAFT_ILL_CLIENT_KEY
    if not cert or not key:
        raise ClientCertificateMissing
    context = ssl.create_default_context(cafile=settings.KAFT_ILL_CA_FILE or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile=cert, keyfile=key)
    return context
