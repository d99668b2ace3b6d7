"""Portal URLs for retention (privacy by design); included by kaft/portal/urls.py in its namespace."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
