"""Desk URLs for security (privacy by design); included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import security

urlpatterns: list[URLPattern] = [
    path("otp/", security.otp, name="otp"),
    path("members/<int:member_id>/login-help/", security.login_help, name="login_help"),
]
