"""Direct-debit mandates: signed with the member's permission, ended when it is withdrawn.

Signing records the member's yes for the ``direct_debit`` consent through privacy's consent
service (which keeps the privacy statement version), and the mandate with its reference, date
of signature and IBAN (checked with schwifty, stored encrypted). Withdrawing the consent,
wherever it is done, runs :func:`mandate_end_on_withdrawal` (registered with privacy in
``BillingConfig.ready``): the mandate ends at once, or after a collection already announced.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.billing.errors import BillingError, BillingErrorCode
from kaft.billing.lifecycle import mandate_apply
from kaft.billing.models import (
    LIVE_MANDATE,
    CollectionStatus,
    Mandate,
    MandateAction,
    MandateEvent,
    MandateStatus,
    MandateVia,
    SepaCollection,
)
from kaft.billing.months import add_months
from kaft.members.locks import member_for_update
from kaft.members.models import Member, User
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_set
from kaft.privacy.services.erasure_steps import ErasureStep
from kaft.privacy.services.statement import statement_current

LAPSE_MONTHS = 36


def iban_checked(value: str) -> tuple[str, str]:
    """``value`` as a compact IBAN and the BIC schwifty knows for it ("" if none); BillingError
    IBAN_INVALID with what is wrong."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        iban = IBAN(value)
    except SchwiftyException as exc:
        raise BillingError(BillingErrorCode.IBAN_INVALID, detail=str(exc)) from None
    bic = iban.bic
    return iban.compact, str(bic) if bic else ""


def bic_checked(value: str) -> str:
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    value = value.strip().upper().replace(" ", "")
    if not value:
        return ""
    try:
        return str(BIC(value))
    except SchwiftyException:
        raise BillingError(BillingErrorCode.BIC_INVALID) from None


def iban_masked(iban: str) -> str:
    """The IBAN as shown anywhere but the file for the bank: country, then the last four
    digits (``NL** **** **** **34 56``)."""
    compact = iban.replace(" ", "")
    if len(compact) < 8:
        return "****"
    hidden = compact[:2] + "*" * (len(compact) - 6) + compact[-4:]
    return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))


def _reference(member: Member) -> str:
    """A new mandate reference (at most 35 characters, unique): the card-free member number
    and a random part, so it says nothing about the member."""
    return f"KAFT-{member.pk:08d}-{secrets.token_hex(4).upper()}"


@transaction.atomic
def mandate_sign(
    *,
    member: Member,
    iban: str,
    signed_on: dt.date,
    via: MandateVia,
    bic: str = "",
    staff: User | None = None,
    now: dt.datetime | None = None,
) -> Mandate:
    """Record ``member``'s direct-debit mandate and their permission.

    ``via`` paper: signed on paper at the desk (``staff`` recorded it); online: in
    MijnBibliotheek. The permission is recorded first (privacy's consent service; refused for a
    child without a parent, for example: CONSENT_REFUSED, nothing written). Refused too: an
    invalid IBAN or BIC, a date of signature in the future, a member who already has a live
    mandate. Locks the member."""
    now = now or timezone.now()
    if signed_on > timezone.localdate(now):
        raise BillingError(BillingErrorCode.SIGNED_ON_INVALID)
    compact, _known_bic = iban_checked(iban)
    bic = bic_checked(bic)
    locked = member_for_update(member.pk)
    if Mandate.objects.filter(member=locked, status__in=LIVE_MANDATE).exists():
        raise BillingError(BillingErrorCode.MANDATE_EXISTS)
    try:
        consent_set(
            member=locked,
            purpose=ConsentPurpose.DIRECT_DEBIT,
            given=True,
            via=ConsentVia.PAPER if via == MandateVia.PAPER else ConsentVia.PORTAL,
            staff=staff,
        )
    except PrivacyError as refused:
        raise BillingError(BillingErrorCode.CONSENT_REFUSED, detail=refused.message) from None
    try:
        with transaction.atomic():
            mandate = Mandate.objects.create(
                member=locked,
                reference=_reference(locked),
                signed_on=signed_on,
                via=via,
                iban=compact,
                bic=bic,
                created_at=now,
                statement_version=statement_current(),
                staff=staff,
            )
    except IntegrityError:
        raise BillingError(BillingErrorCode.MANDATE_EXISTS) from None
    MandateEvent.objects.create(mandate=mandate, action=MandateAction.SIGN, at=now, staff=staff)
    return mandate


def mandate_withdraw(*, member: Member, via: ConsentVia, staff: User | None = None) -> None:
    """The member withdraws the permission: recorded as a consent answer, which ends the
    mandate (:func:`mandate_end_on_withdrawal`)."""
    consent_set(
        member=member, purpose=ConsentPurpose.DIRECT_DEBIT, given=False, via=via, staff=staff
    )


def mandate_end_on_withdrawal(member: Member, staff: User | None) -> None:
    """Registered with privacy: the ``direct_debit`` consent was withdrawn. The live mandate ends
    now, or (``ending``) after the collection already announced to the member; that one is still
    made, as announced. Runs inside the consent's transaction; locks the mandate."""
    mandate = (
        Mandate.objects.select_for_update()
        .filter(member=member, status=MandateStatus.ACTIVE)
        .first()
    )
    if mandate is None:
        return
    now = timezone.now()
    announced = SepaCollection.objects.filter(
        mandate=mandate, status=CollectionStatus.ANNOUNCED, run__isnull=True
    ).exists()
    action = MandateAction.WITHDRAW_AFTER_COLLECTION if announced else MandateAction.WITHDRAW
    mandate_apply(mandate, action, now=now, staff=staff)


def mandates_lapse(*, today: dt.date | None = None) -> int:
    """Let every active mandate unused for 36 months lapse (the SEPA rulebook: a mandate with
    no collection for 36 months may no longer be used). Counted from the last collection, or
    from the signature when there was none. Returns how many lapsed; a rerun lapses nothing new.
    Locks each mandate it ends."""
    today = today or timezone.localdate()
    cutoff = add_months(today, -LAPSE_MONTHS)
    now = timezone.now()
    stale = Mandate.objects.filter(status=MandateStatus.ACTIVE).filter(
        last_collected_on__lt=cutoff
    ) | Mandate.objects.filter(
        status=MandateStatus.ACTIVE, last_collected_on__isnull=True, signed_on__lt=cutoff
    )
    lapsed = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            mandate = Mandate.objects.select_for_update().get(pk=pk)
            if mandate.status != MandateStatus.ACTIVE:
                continue
            mandate_apply(mandate, MandateAction.LAPSE, now=now)
            lapsed += 1
    return lapsed


def mandates_end_on_erasure(facts: ErasureStep) -> None:
    """Registered with privacy's erasure: a mandate of an erased member ends now (its row,
    unlinked from the member, is kept for the refund window and then deleted)."""
    for mandate in Mandate.objects.select_for_update().filter(
        member=facts.member, status__in=LIVE_MANDATE
    ):
        mandate_apply(
            mandate, MandateAction.WITHDRAW, now=facts.now, staff=facts.staff, reason="erased"
        )
