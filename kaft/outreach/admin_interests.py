"""Admin for the library's list of interests (kaft/outreach/models/interests.py).

Only the list: which member chose what is personal data, seen by the member in MijnBibliotheek
and in their export, never here. An interest no longer wanted is made inactive rather than
deleted: deleting it deletes the members' choices of it too.
"""

from __future__ import annotations

from django.contrib import admin

from kaft.outreach.models import Interest


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ("name_nl", "name_en", "code", "kind", "branch", "active", "order")
    list_editable = ("active", "order")
    list_filter = ("kind", "active", "branch")
    search_fields = ("name_nl", "name_en", "code", "subjects")
    ordering = ("order", "name_nl")
    fields = (
        "code",
        "name_nl",
        "name_en",
        "kind",
        "branch",
        "subjects",
        "audience",
        "active",
        "order",
    )
