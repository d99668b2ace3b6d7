from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Sip2Config(AppConfig):
    """The door for self-service kiosks: the SIP2 server and its kiosk accounts."""

    name = "kaft.sip2"
    label = "sip2"
    verbose_name = _("Self-service kiosks (SIP2)")
