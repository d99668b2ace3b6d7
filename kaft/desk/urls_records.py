"""Desk URLs for titles: a title's page, the title form (new and changed), the MARC editor,
merging, deleting, and copying a title from another catalogue by ISBN; included by
kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import records

urlpatterns: list[URLPattern] = [
    path("records/new/", records.record_new, name="record_new"),
    path("records/copy/", records.record_copy, name="record_copy"),
    path("records/<int:record_id>/", records.record_page, name="record"),
    path("records/<int:record_id>/edit/", records.record_edit, name="record_edit"),
    path("records/<int:record_id>/marc/", records.record_marc_edit, name="record_marc"),
    path("records/<int:record_id>/merge/", records.record_merge_view, name="record_merge"),
    path("records/<int:record_id>/delete/", records.record_delete_view, name="record_delete"),
]
