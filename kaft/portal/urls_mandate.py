"""Portal URLs for the direct-debit mandate; included by kaft/portal/urls.py in its namespace.

No id in these URLs: only the logged-in member's own mandate."""

from django.urls import URLPattern, path

from kaft.portal.views import mandate

urlpatterns: list[URLPattern] = [
    path("mijn/machtiging/", mandate.mandate, name="mandate"),
    path("mijn/machtiging/geven/", mandate.mandate_give, name="mandate_give"),
    path("mijn/machtiging/intrekken/", mandate.mandate_withdraw_view, name="mandate_withdraw"),
]
