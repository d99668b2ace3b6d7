"""Desk URLs of the staff statistics page; included by kaft/desk/urls.py."""

from django.urls import URLPattern, path

from kaft.desk.views import outreach_statistics as views

urlpatterns: list[URLPattern] = [
    path("outreach-statistics/", views.statistics_page, name="outreach_statistics"),
    path(
        "outreach-statistics/<slug:table>.csv",
        views.statistics_csv,
        name="outreach_statistics_csv",
    ),
]
