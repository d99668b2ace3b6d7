from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kaft.core"
    label = "core"
    verbose_name = "Kaft"
