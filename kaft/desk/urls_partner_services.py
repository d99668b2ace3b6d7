"""Desk URLs for a member's partner services (OpenID Connect sign-ins); included by
kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import partner_services

urlpatterns: list[URLPattern] = [
    path(
        "members/<int:member_id>/partner-services/",
        partner_services.member_partner_services,
        name="member_partner_services",
    ),
    path(
        "members/<int:member_id>/partner-services/<int:sign_in_id>/end/",
        partner_services.member_partner_access_end,
        name="member_partner_access_end",
    ),
]
