"""Desk URLs for the library's settings (administrators); included by kaft/desk/urls.py in its
namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import library_settings as views

urlpatterns: list[URLPattern] = [
    path("settings/rules/", views.settings_rules, name="settings_rules"),
    path(
        "settings/rules/<int:rule_id>/delete/",
        views.settings_rule_delete,
        name="settings_rule_delete",
    ),
    path("settings/closed-days/", views.settings_closed_days, name="settings_closed_days"),
    path(
        "settings/closed-days/<int:closed_day_id>/remove/",
        views.settings_closed_day_remove,
        name="settings_closed_day_remove",
    ),
    path("settings/changes/", views.settings_changes, name="settings_changes"),
]
