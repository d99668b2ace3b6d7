from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kaft.portal"
    label = "portal"
