"""Titles at the desk, for cataloguers: a title's page, describing a new title or changing one in
the title form, editing its MARC record, merging another title into it, deleting it, and
copying a title from another catalogue by ISBN (SRU).

The rules are the catalogue's (``kaft/catalog/services/records.py``,
``kaft/catalog/services/copy_cataloguing.py``) and, for merging and deleting, circulation's
(``kaft/circulation/services/records.py``); these screens ask and show. Who may use them is
decided as for copies: every desk role but finance (:func:`kaft.desk.access.desk_view`). They
show no member's data (a title's reservations only as a count), so they write no access-log
entry.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.isbn import normalise_isbn
from kaft.catalog.languages import LANGUAGE_NAMES, language_name
from kaft.catalog.marc.editing import RELATORS, Description, marc_text, summary_clean
from kaft.catalog.marc.mapping import clean
from kaft.catalog.models import Audience, MaterialType, Record
from kaft.catalog.selectors.records import record_events, record_find
from kaft.catalog.services.copy_cataloguing import CopySearch, copy_search, copy_take
from kaft.catalog.services.records import (
    record_create,
    record_describe,
    record_description,
    record_marc,
    record_marc_save,
)
from kaft.circulation.models import ACTIVE_HOLD_STATUSES, Hold
from kaft.circulation.selectors.copies import copies_of_records
from kaft.circulation.services.records import record_delete, record_merge
from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.views.common import desk_render

# Contributor rows the title form offers: those the title has, plus this many empty ones.
EMPTY_ROWS = 3
MAX_ROWS = 300


class RecordForm(forms.Form):
    """The title form. Contributor rows are ``name_<n>`` and ``role_<n>`` from 0."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=500)
    subtitle = forms.CharField(label=gettext_lazy("Subtitle"), max_length=500, required=False)
    isbn = forms.CharField(label=gettext_lazy("ISBN/EAN"), max_length=40, required=False)
    publisher = forms.CharField(label=gettext_lazy("Publisher"), max_length=255, required=False)
    year = params.NumberField(
        label=gettext_lazy("Year"), min_value=1000, max_value=2100, required=False
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    material_type = forms.ChoiceField(
        label=gettext_lazy("Material type"), choices=MaterialType.choices
    )
    audience = forms.ChoiceField(label=gettext_lazy("Audience"), choices=Audience.choices)
    subjects = forms.CharField(
        label=gettext_lazy("Subjects and genres, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        required=False,
    )

    def __init__(self, *args: Any, rows: int, language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = sorted(LANGUAGE_NAMES, key=lambda code: str(LANGUAGE_NAMES[code]))
        if language and language not in LANGUAGE_NAMES:
            codes.insert(0, language)
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", "—")] + [
            (code, f"{language_name(code)} ({code})") for code in codes
        ]
        roles = [("", gettext_lazy("— (no role)"))] + [
            (code, label) for code, (_term, label) in RELATORS.items()
        ]
        self.rows = list(range(min(rows, MAX_ROWS)))
        for row in self.rows:
            self.fields[f"name_{row}"] = forms.CharField(
                label=gettext_lazy("Name (surname, first name)"), max_length=255, required=False
            )
            self.fields[f"role_{row}"] = forms.ChoiceField(
                label=gettext_lazy("Role"), choices=roles, required=False
            )

    def contributor_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"name_{row}"], self[f"role_{row}"]) for row in self.rows]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("title", "subtitle", "isbn", "publisher", "year")]

    def more_fields(self) -> list[Any]:
        names = ("language", "material_type", "audience", "subjects", "summary")
        return [self[name] for name in names]

    def clean_title(self) -> str:
        title = clean(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Give the title."))
        return title

    def clean_isbn(self) -> str:
        text = self.cleaned_data["isbn"].strip()
        if not text:
            return ""
        isbn = normalise_isbn(text)
        if isbn is None:
            raise forms.ValidationError(
                CatalogError(CatalogErrorCode.ISBN_INVALID, isbn=text).message
            )
        return isbn

    def description(self) -> Description:
        data = self.cleaned_data
        seen: set[str] = set()
        contributors = []
        for row in self.rows:
            name = clean(data.get(f"name_{row}") or "")
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                contributors.append((name, data.get(f"role_{row}") or ""))
        subjects: list[str] = []
        for line in data["subjects"].splitlines():
            subject = clean(line)
            if subject and subject.casefold() not in {s.casefold() for s in subjects}:
                subjects.append(subject)
        return Description(
            title=data["title"][:500],
            subtitle=clean(data["subtitle"]),
            contributors=contributors,
            isbn=data["isbn"],
            publisher=clean(data["publisher"]),
            year=data["year"],
            language=data["language"],
            material_type=MaterialType(data["material_type"]),
            audience=Audience(data["audience"]),
            subjects=subjects,
            summary=summary_clean(data["summary"]),
        )


def _initial(description: Description) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": description.title,
        "subtitle": description.subtitle,
        "isbn": description.isbn,
        "publisher": description.publisher,
        "year": description.year,
        "language": description.language,
        "material_type": description.material_type,
        "audience": description.audience,
        "subjects": "\n".join(description.subjects),
        "summary": description.summary,
    }
    for row, (name, role) in enumerate(description.contributors):
        initial[f"name_{row}"] = name
        initial[f"role_{row}"] = role
    return initial


def _rows_posted(request: HttpRequest, default: int) -> int:
    posted = [key for key in request.POST if key.startswith("name_")]
    return max(default, min(len(posted), MAX_ROWS))


class MarcForm(forms.Form):
    marc = forms.CharField(
        label=gettext_lazy("MARC record, one field per line"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "marc-text"}),
        max_length=200_000,
        strip=False,
    )


class MergeFindForm(forms.Form):
    other = forms.CharField(
        label=gettext_lazy("The other title: its ISBN, a copy's barcode or its title number"),
        max_length=64,
    )


class MergeConfirmForm(forms.Form):
    other_id = params.IdField(widget=forms.HiddenInput)
    confirm = forms.ChoiceField(choices=[("yes", "yes")], widget=forms.HiddenInput)


class IsbnForm(forms.Form):
    isbn = forms.CharField(label=gettext_lazy("ISBN"), max_length=40)


class TakeForm(forms.Form):
    isbn = forms.CharField(max_length=40, widget=forms.HiddenInput)
    position = params.NumberField(min_value=1, max_value=1000, widget=forms.HiddenInput)
    control_number = forms.CharField(max_length=64, widget=forms.HiddenInput)


def _record(record_id: int) -> Record:
    return get_object_or_404(Record, pk=record_id)


def _open_holds(record: Record) -> int:
    return Hold.objects.filter(record=record, status__in=ACTIVE_HOLD_STATUSES).count()


@desk_view
@require_http_methods(["GET"])
def record_page(request: HttpRequest, record_id: int) -> HttpResponse:
    """A title: its description, its copies, its MARC record and its history at the desk."""
    record = _record(record_id)
    context = {
        "record": record,
        "copies": copies_of_records([record.pk])[record.pk],
        "open_holds": _open_holds(record),
        "language": language_name(record.language) if record.language else "",
        "marc": marc_text(record_marc(record)),
        "events": record_events(record)[:100],
    }
    return desk_render(request, "desk/record.html", context)


@desk_view
@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest) -> HttpResponse:
    """A new title, described in the title form."""
    desk = cast(DeskRequest, request)
    rows = EMPTY_ROWS + 1
    initial = {"material_type": MaterialType.BOOK, "audience": Audience.ADULT, "language": "dut"}
    isbn = normalise_isbn(request.GET.get("isbn", "")) or ""
    if isbn:
        initial["isbn"] = isbn
    if request.method == "POST":
        form = RecordForm(request.POST, rows=_rows_posted(request, rows))
        if form.is_valid():
            try:
                record = record_create(
                    description=form.description(), staff=desk.user, branch=desk.staff_branch
                )
            except CatalogError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The title was described."))
                return redirect("desk:record", record_id=record.pk)
    else:
        form = RecordForm(initial=initial, rows=rows)
    status = 400 if request.method == "POST" else 200
    return desk_render(request, "desk/record_form.html", {"form": form, "record": None}, status)


@desk_view
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, record_id: int) -> HttpResponse:
    """The title form for a title: what is changed is written into its MARC record."""
    desk = cast(DeskRequest, request)
    record = _record(record_id)
    description = record_description(record)
    rows = len(description.contributors) + EMPTY_ROWS
    if request.method == "POST":
        form = RecordForm(
            request.POST, rows=_rows_posted(request, rows), language=description.language
        )
        if form.is_valid():
            try:
                _record_saved, changes = record_describe(
                    record_id=record.pk,
                    description=form.description(),
                    staff=desk.user,
                    branch=desk.staff_branch,
                )
            except CatalogError as error:
                form.add_error(None, error.message)
            else:
                if changes:
                    messages.success(request, _("The title's description was saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("desk:record", record_id=record.pk)
    else:
        form = RecordForm(initial=_initial(description), rows=rows, language=description.language)
    status = 400 if request.method == "POST" else 200
    return desk_render(request, "desk/record_form.html", {"form": form, "record": record}, status)


@desk_view
@require_http_methods(["GET", "POST"])
def record_marc_edit(request: HttpRequest, record_id: int) -> HttpResponse:
    """The title's MARC record as text, to change field by field."""
    desk = cast(DeskRequest, request)
    record = _record(record_id)
    if request.method == "POST":
        form = MarcForm(request.POST)
        if form.is_valid():
            try:
                _saved, changes = record_marc_save(
                    record_id=record.pk,
                    text=form.cleaned_data["marc"],
                    staff=desk.user,
                    branch=desk.staff_branch,
                )
            except CatalogError as error:
                form.add_error("marc", error.message)
            else:
                messages.success(request, _("The MARC record was saved."))
                return redirect("desk:record", record_id=record.pk)
    else:
        form = MarcForm(initial={"marc": marc_text(record_marc(record))})
    status = 400 if request.method == "POST" else 200
    return desk_render(request, "desk/record_marc.html", {"form": form, "record": record}, status)


@desk_view
@require_http_methods(["GET", "POST"])
def record_merge_view(request: HttpRequest, record_id: int) -> HttpResponse:
    """Merge another title into this one: find it, see both, confirm."""
    desk = cast(DeskRequest, request)
    record = _record(record_id)
    find = MergeFindForm(request.POST or None)
    other: Record | None = None
    error = ""
    if request.method == "POST" and "confirm" in request.POST:
        confirm = MergeConfirmForm(request.POST)
        find = MergeFindForm()
        error = _("Choose the other title again.")
        if confirm.is_valid():
            try:
                record_merge(
                    keep_id=record.pk,
                    other_id=confirm.cleaned_data["other_id"],
                    staff=desk.user,
                    branch=desk.staff_branch,
                )
            except CatalogError as refused:
                error = refused.message
            else:
                messages.success(request, _("The other title was merged into this one."))
                return redirect("desk:record", record_id=record.pk)
    elif request.method == "POST" and find.is_valid():
        other = record_find(find.cleaned_data["other"])
        if other is None:
            find.add_error("other", _("No title has this ISBN, copy barcode or title number."))
        elif other.pk == record.pk:
            find.add_error("other", CatalogError(CatalogErrorCode.MERGE_SAME_RECORD).message)
            other = None
    status = 400 if error or find.errors else 200
    context: dict[str, Any] = {"record": record, "find": find, "other": other, "error": error}
    if other is not None:
        context.update(
            confirm=MergeConfirmForm(initial={"other_id": other.pk, "confirm": "yes"}),
            other_copies=other.items.count(),
            other_holds=_open_holds(other),
            record_copies=record.items.count(),
        )
    return desk_render(request, "desk/record_merge.html", context, status)


@desk_view
@require_http_methods(["GET", "POST"])
def record_delete_view(request: HttpRequest, record_id: int) -> HttpResponse:
    """Delete a title that has no copies and no open reservations."""
    desk = cast(DeskRequest, request)
    record = _record(record_id)
    error = ""
    if request.method == "POST":
        try:
            record_delete(record_id=record.pk, staff=desk.user, branch=desk.staff_branch)
        except CatalogError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("Title %(number)s (“%(title)s”) was deleted.")
                % {"number": record.pk, "title": record.title},
            )
            return redirect("desk:items")
    context = {
        "record": record,
        "copies": record.items.count(),
        "open_holds": _open_holds(record),
        "error": error,
    }
    return desk_render(request, "desk/record_delete.html", context, 400 if error else 200)


@desk_view
@require_http_methods(["GET", "POST"])
def record_copy(request: HttpRequest) -> HttpResponse:
    """Copy cataloguing: search another catalogue by ISBN (``?isbn=``), see its hits (and which
    are here already), take one over."""
    desk = cast(DeskRequest, request)
    form = IsbnForm(request.GET if "isbn" in request.GET else None)
    search: CopySearch | None = None
    error = ""
    status = 200
    if request.method == "POST":
        take = TakeForm(request.POST)
        if not take.is_valid():
            error, status = _("Choose a record from the list again."), 400
        else:
            try:
                record = copy_take(
                    isbn=take.cleaned_data["isbn"],
                    position=take.cleaned_data["position"],
                    control_number=take.cleaned_data["control_number"],
                    staff=desk.user,
                    branch=desk.staff_branch,
                )
            except CatalogError as refused:
                error, status = refused.message, 400
            else:
                messages.success(
                    request, _("The title was taken over. Add its copies below the title.")
                )
                return redirect("desk:record", record_id=record.pk)
    elif form.is_valid():
        try:
            search = copy_search(isbn=form.cleaned_data["isbn"])
        except CatalogError as refused:
            error = refused.message
    context: dict[str, Any] = {"form": form, "search": search, "error": error}
    if search is not None:
        context["takes"] = [
            (
                candidate,
                TakeForm(
                    initial={
                        "isbn": search.isbn,
                        "position": candidate.position,
                        "control_number": candidate.data.control_number,
                    }
                )
                if candidate.data is not None
                else None,
            )
            for candidate in search.candidates
        ]
        context["new_url"] = reverse("desk:record_new") + f"?isbn={search.isbn}"
    return desk_render(request, "desk/record_copy.html", context, status)
