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
