"""Desk URLs for completing online sign-ups; included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import signups

urlpatterns: list[URLPattern] = [
    path(
        "members/<int:member_id>/identity-checked/",
        signups.member_identity_checked,
        name="member_identity_checked",
    ),
]
