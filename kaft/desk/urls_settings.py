"""Desk URLs for the library's settings (administrators); included by kaft/desk/urls.py in its
namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import library_settings as views
from kaft.desk.views import settings_texts as texts

urlpatterns: list[URLPattern] = [
    path("settings/rules/", views.settings_rules, name="settings_rules"),
    path(
        "settings/rules/<int:rule_id>/delete/",
        views.settings_rule_delete,
        name="settings_rule_delete",
    ),
    path("settings/categories/", views.settings_categories, name="settings_categories"),
    path(
        "settings/categories/<int:category_id>/",
        views.settings_category,
        name="settings_category",
    ),
    path(
        "settings/categories/<int:category_id>/delete/",
        views.settings_category_delete,
        name="settings_category_delete",
    ),
    path("settings/opening-days/", views.settings_opening_days, name="settings_opening_days"),
    path("settings/closed-days/", views.settings_closed_days, name="settings_closed_days"),
    path(
        "settings/closed-days/<int:closed_day_id>/remove/",
        views.settings_closed_day_remove,
        name="settings_closed_day_remove",
    ),
    path("settings/library/", texts.settings_library, name="settings_library"),
    path("settings/messages/", texts.settings_messages, name="settings_messages"),
    path(
        "settings/messages/<str:template>/<str:channel>/<str:language>/",
        texts.settings_message,
        name="settings_message",
    ),
    path(
        "settings/messages/<str:template>/<str:channel>/<str:language>/remove/",
        texts.settings_message_remove,
        name="settings_message_remove",
    ),
    path("settings/changes/", views.settings_changes, name="settings_changes"),
]
