from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "kaft.notices"
    label = "notices"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # Erasing a member sends a goodbye: notices takes part in privacy's erasure as a
        # registered step (privacy sits below notices and does not import it).
        from kaft.notices.services.goodbye import notice_queue_goodbye
        from kaft.privacy.services.erasure_steps import erasure_step

        erasure_step(notice_queue_goodbye)
