from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterlibraryConfig(AppConfig):
    name = "kaft.interlibrary"
    label = "interlibrary"
    verbose_name = _("Interlibrary loan")
