"""Desk URLs for family (privacy by design); included by kaft/desk/urls.py in its namespace.

Notes and parents or guardians of a member. Which note or link to end is posted, not in the URL.
"""

from django.urls import URLPattern, path

from kaft.desk.views import family

urlpatterns: list[URLPattern] = [
    path("members/<int:member_id>/notes/", family.member_notes_view, name="member_notes"),
    path(
        "members/<int:member_id>/notes/delete/",
        family.member_note_delete,
        name="member_note_delete",
    ),
    path("members/<int:member_id>/guardians/", family.member_guardians, name="member_guardians"),
    path(
        "members/<int:member_id>/guardians/end/",
        family.member_guardian_end,
        name="member_guardian_end",
    ),
]
