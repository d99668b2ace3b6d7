"""Desk URLs for transparency (privacy by design); included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import dashboard, legal, transparency, trends

urlpatterns: list[URLPattern] = [
    path("privacy/", dashboard.privacy_dashboard, name="privacy_dashboard"),
    path("privacy/looks.csv", trends.looks_csv, name="trends_looks_csv"),
    path("privacy/disclosures.csv", trends.disclosures_csv, name="trends_disclosures_csv"),
    path("privacy/consents.csv", trends.consents_csv, name="trends_consents_csv"),
    path("privacy/partners/", transparency.partners, name="partners"),
    path("privacy/partners/new/", transparency.partner_new, name="partner_new"),
    path("privacy/partners/<int:partner_id>/", transparency.partner_edit, name="partner_edit"),
    path("members/<int:member_id>/export/", transparency.member_export, name="member_export"),
    path("privacy/legal/", legal.legal_list, name="legal_requests"),
    path("privacy/legal/new/", legal.legal_new, name="legal_new"),
    path("privacy/legal/<int:legal_request_id>/", legal.legal_detail, name="legal_detail"),
    path("privacy/legal/<int:legal_request_id>/decide/", legal.legal_decide, name="legal_decide"),
    path(
        "privacy/legal/<int:legal_request_id>/download/",
        legal.legal_download,
        name="legal_download",
    ),
]
