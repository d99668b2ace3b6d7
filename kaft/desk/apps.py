from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "kaft.desk"
    label = "desk"
