"""Desk URLs for rights (privacy by design); included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import rights

urlpatterns: list[URLPattern] = [
    path("members/corrections/", rights.corrections, name="corrections"),
    path(
        "members/<int:member_id>/correction/",
        rights.correction_decide,
        name="correction_decide",
    ),
    path("members/erasures/", rights.erasures, name="erasures"),
]
