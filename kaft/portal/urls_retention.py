"""Portal URLs for retention (privacy by design); included by kaft/portal/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.portal.views import retention

urlpatterns: list[URLPattern] = [
    path("bewaartermijnen/", retention.retention_periods_page, name="retention"),
]
