from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def creditor_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """At startup: a creditor identifier, name or IBAN that is set but wrong stops Kaft with
    the reason (kaft/billing/creditor.py)."""
    from kaft.billing.creditor import creditor_check_messages

    return [
        checks.Error(message, id="kaft.billing.E001", hint="See the README's settings table.")
        for message in creditor_check_messages()
    ]


class BillingConfig(AppConfig):
    name = "kaft.billing"
    label = "billing"
    verbose_name = _("Payments and charges")

    def ready(self) -> None:
        # Erasure waits while a member owes the library money. Privacy sits below billing, so
        # billing tells privacy how to ask (privacy never imports billing).
        from kaft.billing.selectors.charges import member_owed_or_none, members_owing
        from kaft.billing.services.mandates import (
            mandate_end_on_withdrawal,
            mandates_end_on_erasure,
        )
        from kaft.privacy.models import ConsentPurpose
        from kaft.privacy.services.consent_hooks import on_consent_withdrawn
        from kaft.privacy.services.erasure_steps import erasure_step
        from kaft.privacy.services.owed import owed_sources

        owed_sources(by_member=member_owed_or_none, owing=members_owing)

        # Blocks follow money, and loans that end settle their fines: circulation sits below
        # billing, so billing registers its borrow check and its loan steps there.
        from kaft.billing.selectors.blocks import MONEY_CHECK
        from kaft.billing.services.fines import fines_loan_step
        from kaft.billing.services.lost import loans_lost_charge
        from kaft.circulation.selectors.refusals import borrow_check_register
        from kaft.circulation.services.loan_steps import loan_step, loans_lost_step

        borrow_check_register(MONEY_CHECK)
        loan_step(fines_loan_step)
        loans_lost_step(loans_lost_charge)
        # Withdrawing the direct-debit permission, wherever it is done, ends the mandate.
        on_consent_withdrawn(ConsentPurpose.DIRECT_DEBIT, mandate_end_on_withdrawal)
        erasure_step(mandates_end_on_erasure)
        checks.register(creditor_check)
