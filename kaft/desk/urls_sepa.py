"""Desk URLs for direct debit; included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import sepa

urlpatterns: list[URLPattern] = [
    path("members/<int:member_id>/mandate/", sepa.member_mandate, name="member_mandate"),
    path(
        "members/<int:member_id>/mandate/end/", sepa.member_mandate_end, name="member_mandate_end"
    ),
    path("finance/direct-debit/", sepa.sepa, name="sepa"),
    path("finance/direct-debit/announce/", sepa.sepa_announce_view, name="sepa_announce"),
    path("finance/direct-debit/run/", sepa.sepa_run_view, name="sepa_run"),
    path(
        "finance/direct-debit/runs/<int:run_id>/download/",
        sepa.sepa_run_download,
        name="sepa_run_download",
    ),
    path("finance/direct-debit/returns/", sepa.sepa_returns_view, name="sepa_returns"),
]
