"""The register of partner libraries (administrators keep it at the desk)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaft.interlibrary import certificates
from kaft.interlibrary.errors import IllError, IllErrorCode
from kaft.interlibrary.models import (
    PATRON_FIELD_CATEGORY,
    LibraryPartner,
    PartnerAuth,
    PatronField,
)
from kaft.privacy.models import Partner

# ISO 15511: a country or other prefix, a hyphen, then up to 11 letters, digits, /, : or -.
ISIL = re.compile(r"^[A-Za-z0-9]{1,4}-[A-Za-z0-9/:\-]{1,11}$")


@transaction.atomic
def library_partner_save(
    *,
    partner: LibraryPartner | None,
    name: str,
    isil: str,
    endpoint_url: str,
    secret: str | None,
    patron_fields: list[str],
    fee: Decimal | str,
    loan_days: int = 28,
    rota_order: int = 10,
    agreement: Partner | None = None,
    active: bool = True,
    auth_method: str | None = None,
    certificate: str | None = None,
) -> LibraryPartner:
    """Add a partner library (``partner`` None) or change one. ``secret`` None keeps the stored
    one. ``auth_method`` (:class:`PartnerAuth`) None keeps the stored one (a shared secret for a
    new partner). ``certificate``: the partner's client certificate as PEM, or its SHA-256
    fingerprint; only the fingerprint is kept; None or empty keeps the stored one.

    Refused (nothing written): a malformed or taken ISIL, an address that is not http(s),
    a negative fee, an unknown patron field, or patron fields without an agreement in the
    privacy register whose categories cover them; a certificate that cannot be read or has
    expired; a partner set to certificates without a fingerprint or without an https://
    address."""
    isil = isil.strip()
    if not ISIL.match(isil):
        raise IllError(IllErrorCode.ISIL_INVALID)
    taken = LibraryPartner.objects.filter(isil__iexact=isil)
    if partner is not None:
        taken = taken.exclude(pk=partner.pk)
    if taken.exists():
        raise IllError(IllErrorCode.ISIL_TAKEN)
    endpoint_url = endpoint_url.strip()
    # The shared secret and any patron data travel in the message: encrypted in production.
    schemes = ("https://",) if settings.PRODUCTION else ("https://", "http://")
    if not endpoint_url.startswith(schemes):
        raise IllError(IllErrorCode.ENDPOINT_INVALID)
    try:
        amount = Decimal(str(fee)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise IllError(IllErrorCode.FEE_INVALID) from None
    if amount < 0:
        raise IllError(IllErrorCode.FEE_INVALID)
    for field in patron_fields:
        if field not in PatronField.values:
            raise IllError(IllErrorCode.PATRON_FIELD_UNKNOWN, field=field)
    fields = [value for value in PatronField.values if value in patron_fields]
    if fields:
        needed = {PATRON_FIELD_CATEGORY[f] for f in fields}
        if agreement is None or not needed <= set(agreement.categories):
            raise IllError(IllErrorCode.NO_AGREEMENT)
    fingerprint = _fingerprint(certificate)
    if partner is None:
        partner = LibraryPartner()
    else:
        partner = LibraryPartner.objects.select_for_update().get(pk=partner.pk)
    method = auth_method or partner.auth_method or PartnerAuth.SECRET
    if method not in PartnerAuth.values:
        raise IllError(IllErrorCode.CERTIFICATE_INVALID)
    if method == PartnerAuth.CERTIFICATE:
        if not (fingerprint or partner.cert_fingerprint):
            raise IllError(IllErrorCode.CERTIFICATE_MISSING)
        if not endpoint_url.startswith("https://"):
            raise IllError(IllErrorCode.CERTIFICATE_NEEDS_HTTPS)
    partner.auth_method = method
    if fingerprint:
        partner.cert_fingerprint = fingerprint
    partner.name = name.strip()[:120]
    partner.isil = isil
    partner.endpoint_url = endpoint_url
    if secret is not None and secret.strip():
        partner.secret = secret.strip()
    partner.patron_fields = fields
    partner.fee = amount
    partner.loan_days = loan_days
    partner.rota_order = rota_order
    partner.agreement = agreement
    partner.active = active
    partner.save()
    return partner


def _fingerprint(certificate: str | None) -> str:
    """The pinned fingerprint of what staff pasted ("" for nothing); refused when it is no
    certificate or fingerprint, or the certificate has expired."""
    if certificate is None or not certificate.strip():
        return ""
    text = certificate.strip()
    try:
        if "-----BEGIN" in text:
            parsed = certificates.certificate_parse(text)
            if parsed.not_valid_after_utc < timezone.now():
                raise IllError(IllErrorCode.CERTIFICATE_EXPIRED)
            return certificates.fingerprint_of(parsed)
        return certificates.fingerprint_from_text(text)
    except certificates.CertificateInvalid:
        raise IllError(IllErrorCode.CERTIFICATE_INVALID) from None
