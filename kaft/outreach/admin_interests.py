"""Admin for the library's list of interests (kaft/outreach/models/interests.py).

Only the list: which member chose what is personal data, seen by the member in MijnBibliotheek
and in their export, never here. An interest no longer wanted is made inactive rather than
deleted: deleting it deletes the members' choices of it too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.interests import InterestErrorCode
from kaft.outreach.models import Interest
from kaft.outreach.selectors.interests import interest_newsletter_waiting

FIELDS = (
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


class InterestAdminForm(forms.ModelForm):
    """Refuses what :func:`kaft.outreach.services.interests.interest_set_active` refuses: no
    longer offering (or renaming the code of) an interest a scheduled or sending newsletter
    issue goes to."""

    class Meta:
        model = Interest
        fields = FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        before = self.instance
        if before.pk is None or not before.active:
            return data
        stops = "active" in data and not data["active"]
        renamed = "code" in data and data["code"] != before.code
        if stops or renamed:
            waiting = interest_newsletter_waiting(before.code)
            if waiting is not None:
                error = OutreachError(
                    InterestErrorCode.NEWSLETTER_WAITING,
                    interest=before.name,
                    subject=waiting.subject,
                )
                raise forms.ValidationError(error.message)
        return data


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    form = InterestAdminForm
    list_display = ("name_nl", "name_en", "code", "kind", "branch", "active", "order")
    list_editable = ("active", "order")
    list_filter = ("kind", "active", "branch")
    search_fields = ("name_nl", "name_en", "code", "subjects")
    ordering = ("order", "name_nl")
    fields = FIELDS

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        # The list's "active" checkbox is checked the same way.
        kwargs.setdefault("form", InterestAdminForm)
        return super().get_changelist_form(request, **kwargs)
