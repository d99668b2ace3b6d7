"""Desk URLs for family (privacy by design); included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
