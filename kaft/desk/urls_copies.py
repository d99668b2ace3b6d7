"""Desk URLs for copies: one copy's details, care and history, new copies of a title, and one
change for a list of barcodes; included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import copies

urlpatterns: list[URLPattern] = [
    path("copies/<str:barcode>/", copies.copy_manage, name="copy"),
    path("records/<int:record_id>/copies/new/", copies.copies_add, name="copies_add"),
    path("copies-list/", copies.copies_bulk, name="copies_bulk"),
    path("labels/", copies.copy_labels, name="copy_labels"),
]
