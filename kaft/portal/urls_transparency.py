"""Portal URLs for transparency (privacy by design); included by kaft/portal/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.portal.views import transparency

urlpatterns: list[URLPattern] = [
    path("mijn/inzage/", transparency.access_log, name="access_log"),
    path("mijn/inzage/familie/", transparency.family_log, name="family_log"),
    path("mijn/verstrekkingen/", transparency.disclosures, name="disclosures"),
    path(
        "mijn/verstrekkingen/diensten/beeindigen/",
        transparency.partner_access_end_view,
        name="partner_access_end",
    ),
    path("privacy/partners/", transparency.partners, name="partners"),
]
