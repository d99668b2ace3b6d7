from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The door for apps and other systems: the REST API under /api/v1/ and its OAuth 2 server."""

    name = "kaft.api"
    label = "api"
    verbose_name = _("REST API")
