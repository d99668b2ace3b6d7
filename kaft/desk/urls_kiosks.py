"""Desk URLs for kiosks: the kiosk accounts (administrators) and a member's kiosk PIN; included by
kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import kiosk_pin, kiosks

urlpatterns: list[URLPattern] = [
    path("kiosks/", kiosks.kiosk_list, name="kiosks"),
    path("kiosks/new/", kiosks.kiosk_new, name="kiosk_new"),
    path("kiosks/<int:kiosk_id>/", kiosks.kiosk_edit, name="kiosk_edit"),
    path("kiosks/<int:kiosk_id>/deactivate/", kiosks.kiosk_deactivate, name="kiosk_deactivate"),
    path("members/<int:member_id>/kiosk-pin/", kiosk_pin.member_kiosk_pin, name="member_kiosk_pin"),
    path(
        "members/<int:member_id>/kiosk-pin/remove/",
        kiosk_pin.member_kiosk_pin_remove_view,
        name="member_kiosk_pin_remove",
    ),
]
