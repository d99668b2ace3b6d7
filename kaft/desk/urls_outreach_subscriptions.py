"""Desk URLs for a member's newsletter subscription; included by kaft/desk/urls.py."""

from django.urls import URLPattern, path

from kaft.desk.views import outreach_subscriptions as views

urlpatterns: list[URLPattern] = [
    path("members/<int:member_id>/newsletter/", views.member_newsletter, name="member_newsletter"),
    path(
        "members/<int:member_id>/newsletter/subscribe/",
        views.member_newsletter_subscribe,
        name="member_newsletter_subscribe",
    ),
    path(
        "members/<int:member_id>/newsletter/unsubscribe/",
        views.member_newsletter_unsubscribe,
        name="member_newsletter_unsubscribe",
    ),
]
