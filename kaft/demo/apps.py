from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo library (``kaft demo``): it fills every domain, so it sits on top, beside the
    doors, and nothing imports it."""

    name = "kaft.demo"
    label = "demo"
    verbose_name = _("Demo library")
