from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "kaft.billing"
    label = "billing"
    verbose_name = _("Payments and charges")

    def ready(self) -> None:
        # Erasure waits while a member owes the library money. Privacy sits below billing, so
        # billing tells privacy how to ask (privacy never imports billing).
        from kaft.billing.selectors.charges import member_owed_or_none, members_owing
        from kaft.privacy.services.owed import owed_sources

        owed_sources(by_member=member_owed_or_none, owing=members_owing)

        # Blocks follow money, and loans that end settle their fines: circulation sits below
        # billing, so billing registers its borrow check and its loan steps there.
        from kaft.billing.selectors.blocks import MONEY_CHECK
        from kaft.billing.services.fines import fines_loan_step
        from kaft.circulation.selectors.refusals import borrow_check_register
        from kaft.circulation.services.loan_steps import loan_step

        borrow_check_register(MONEY_CHECK)
        loan_step(fines_loan_step)
