"""Desk URLs for retention (privacy by design); included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import retention

urlpatterns: list[URLPattern] = [
    path("privacy/retention/", retention.retention_settings, name="retention"),
    path("privacy/retention/run/", retention.retention_run_now, name="retention_run"),
]
