"""Portal URLs for security (privacy by design); included by kaft/portal/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.portal.views import security

urlpatterns: list[URLPattern] = [
    path("mijn/beveiliging/", security.security, name="security"),
    path("mijn/beveiliging/pincode/", security.kiosk_pin, name="kiosk_pin"),
    path(
        "mijn/beveiliging/pincode/verwijderen/",
        security.kiosk_pin_remove,
        name="kiosk_pin_remove",
    ),
    path("wachtwoord/code/", security.password_reset_code, name="password_reset_code"),
    path("wachtwoord/vergeten/", security.password_reset_request, name="password_reset"),
    path("wachtwoord/nieuw/", security.password_reset_link, name="password_reset_link"),
    path("cookies/", security.cookies, name="cookies"),
    path("cookies/keuze/", security.cookie_choice, name="cookie_choice"),
]
