"""Every time personal data leaves Kaft for another organisation, it is recorded here.

:func:`disclosure_record` is the one service that writes a :class:`Disclosure`: the desk export to
a partner, an approved request from police or justice (:mod:`.legal`) and any later integration
call it. The register of partner organisations is kept here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from kaft.members.models import Member, User
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import (
    ConsentPurpose,
    DataCategory,
    Disclosure,
    LegalBasis,
    LegalRequest,
    Partner,
)
from kaft.privacy.services.consent import consent_given


def categories_clean(categories: Iterable[str]) -> list[str]:
    """The categories as their values, known ones only, in the register's order, once each.

    Raises :class:`PrivacyError` for an unknown category or an empty list."""
    given = [str(c) for c in categories]
    for value in given:
        if value not in DataCategory.values:
            raise PrivacyError(PrivacyErrorCode.DISCLOSURE_UNKNOWN_CATEGORY, category=value)
    if not given:
        raise PrivacyError(PrivacyErrorCode.DISCLOSURE_NO_CATEGORIES)
    return [value for value in DataCategory.values if value in given]


@transaction.atomic
def disclosure_record(
    *,
    member: Member,
    categories: Iterable[DataCategory],
    partner: Partner | None = None,
    recipient: str = "",
    purpose: str = "",
    legal_basis: str = "",
    staff: User | None = None,
    legal_request: LegalRequest | None = None,
    hidden_until: dt.date | None = None,
    consented_now: bool = False,
) -> Disclosure:
    """Record that ``categories`` of ``member``'s data went to ``partner`` (its name, purpose and
    legal basis are used unless given) or to ``recipient`` (an authority).

    Refused (nothing written): no or unknown categories; neither partner nor recipient; an
    inactive partner; no legal basis. ``hidden_until``: a non-disclosure order; the member sees
    the row from that day on. ``consented_now``: the member agreed to this very disclosure just
    now (a sign-in to a partner service on its consent page), which is the consent a partner on
    consent needs."""
    values = categories_clean(categories)
    if partner is not None:
        if not partner.active:
            raise PrivacyError(PrivacyErrorCode.DISCLOSURE_PARTNER_INACTIVE)
        # Only what the register says this partner receives, and on consent only with it.
        extra = [value for value in values if value not in partner.categories]
        if extra:
            labels = dict(DataCategory.choices)
            raise PrivacyError(
                PrivacyErrorCode.DISCLOSURE_NOT_AGREED,
                categories=", ".join(str(labels[value]) for value in extra),
            )
        if (
            partner.legal_basis == LegalBasis.CONSENT
            and not consented_now
            and not consent_given(member=member, purpose=ConsentPurpose.PARTNER_SERVICES)
        ):
            raise PrivacyError(PrivacyErrorCode.DISCLOSURE_NO_CONSENT)
        recipient = recipient.strip() or partner.name
        purpose = purpose.strip() or partner.purpose
        legal_basis = legal_basis.strip() or partner.legal_basis
    recipient, purpose, legal_basis = recipient.strip(), purpose.strip(), legal_basis.strip()
    if not recipient:
        raise PrivacyError(PrivacyErrorCode.DISCLOSURE_NO_RECIPIENT)
    if not legal_basis:
        raise PrivacyError(PrivacyErrorCode.DISCLOSURE_NO_LEGAL_BASIS)
    return Disclosure.objects.create(
        member=member,
        partner=partner,
        recipient=recipient[:120],
        purpose=purpose[:300],
        legal_basis=legal_basis[:120],
        categories=values,
        at=timezone.now(),
        staff=staff,
        legal_request=legal_request,
        hidden_until=hidden_until,
    )


@transaction.atomic
def partner_save(
    *,
    partner: Partner | None,
    name: str,
    purpose: str,
    legal_basis: str,
    agreement_kind: str,
    agreement_date: dt.date | None,
    categories: Iterable[str],
    privacy_statement_url: str = "",
    active: bool = True,
) -> Partner:
    """Add a partner organisation to the register (``partner`` None) or change one (locked)."""
    values = categories_clean(categories)
    if partner is None:
        partner = Partner()
    else:
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
    partner.name = name.strip()
    partner.purpose = purpose.strip()
    partner.legal_basis = legal_basis
    partner.agreement_kind = agreement_kind
    partner.agreement_date = agreement_date
    partner.categories = values
    partner.privacy_statement_url = privacy_statement_url.strip()
    partner.active = active
    partner.full_clean()
    partner.save()
    return partner
