from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "kaft.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        # Newsletter subscriptions: withdrawing the newsletter consent anywhere (desk, portal,
        # erasure) ends the subscription; a new e-mail address clears a bounce's mark.
        from kaft.members.services.email_hooks import on_email_changed
        from kaft.outreach.services.newsletter_subscriptions import (
            subscription_end_on_withdrawal,
            subscriptions_email_changed,
        )
        from kaft.privacy.models import ConsentPurpose
        from kaft.privacy.services.consent_hooks import on_consent_withdrawn

        on_consent_withdrawn(ConsentPurpose.NEWSLETTER, subscription_end_on_withdrawal)
        # Research panel: leaving it anywhere deletes the invitations not answered yet.
        from kaft.outreach.services.panel_invitations import panel_left

        on_consent_withdrawn(ConsentPurpose.RESEARCH_PANEL, panel_left)

        # Interests: withdrawing the interests consent anywhere deletes the member's interests.
        from kaft.outreach.services.interests import interests_delete_on_withdrawal

        on_consent_withdrawn(ConsentPurpose.INTERESTS, interests_delete_on_withdrawal)
        on_email_changed(subscriptions_email_changed)
