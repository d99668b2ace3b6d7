"""Copies at the desk: one copy's details, care and history; new copies for a title by scanning
their barcodes; one change for a list of barcodes.

The rules are the catalogue's (``kaft/catalog/services/items.py``, ``kaft/catalog/lifecycle.py``);
these screens ask and show. They show no member's data (a copy's history names staff, never a
borrower), so they write no access-log entry.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kaft.catalog.errors import CatalogError
from kaft.catalog.lifecycle import ITEM_TRANSITIONS, REASON_NEEDED, item_actions
from kaft.catalog.models import Branch, Item, ItemAction, ItemType, Record
from kaft.catalog.services.items import (
    barcodes_unique,
    item_change,
    item_edit,
    items_add,
    items_change,
    price_parse,
)
from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.labels_pdf import KINDS, SHEETS, labels_pdf
from kaft.desk.views.common import desk_render

# The most barcodes one pasted list may hold (a shelf or a box at a time).
LIST_MAX = 500
CARE_ACTIONS = sorted({action for (_state, action) in ITEM_TRANSITIONS}, key=list(ItemAction).index)


class CareForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Change"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, actions: list[ItemAction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            (action.value, action.label) for action in actions
        ]


class DetailsForm(forms.Form):
    call_number = forms.CharField(label=gettext_lazy("Call number"), max_length=64, required=False)
    item_type = forms.ChoiceField(label=gettext_lazy("Item type"), choices=ItemType.choices)
    replacement_price = forms.CharField(label=gettext_lazy("Replacement price (€)"), max_length=12)
    home_branch = params.ModelChoiceField(
        label=gettext_lazy("Home branch"),
        queryset=Branch.objects.order_by("name"),
        empty_label=None,
    )

    def clean_replacement_price(self) -> Any:
        try:
            return price_parse(self.cleaned_data["replacement_price"])
        except CatalogError as error:
            raise forms.ValidationError(error.message) from None


class ListForm(forms.Form):
    barcodes = forms.CharField(
        label=gettext_lazy("Barcodes, one per line (scan or paste)"),
        widget=forms.Textarea(attrs={"rows": 10, "autocomplete": "off", "spellcheck": "false"}),
        max_length=LIST_MAX * 40,
    )

    def barcode_list(self) -> list[str]:
        return self.cleaned_data["barcodes"].splitlines()

    def clean_barcodes(self) -> str:
        value = str(self.cleaned_data["barcodes"])
        if len([line for line in value.splitlines() if line.strip()]) > LIST_MAX:
            raise forms.ValidationError(_("At most %(n)s barcodes at a time.") % {"n": LIST_MAX})
        return value


class LabelsForm(ListForm):
    kind = forms.ChoiceField(label=gettext_lazy("Labels"), choices=list(KINDS.items()))
    sheet = forms.ChoiceField(
        label=gettext_lazy("Label sheet"),
        choices=[(sheet.name, sheet.label) for sheet in SHEETS.values()],
    )
    start = params.NumberField(
        label=gettext_lazy("Start at label (1 is top left, counting along the rows)"),
        min_value=1,
        max_value=max(sheet.per_sheet for sheet in SHEETS.values()),
        initial=1,
    )
    field_order = ["barcodes", "kind", "sheet", "start"]


class BulkForm(ListForm):
    action = forms.ChoiceField(
        label=gettext_lazy("Change"),
        choices=[(action.value, action.label) for action in CARE_ACTIONS],
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)
    field_order = ["action", "reason", "barcodes"]


def _copy(barcode: str) -> Item:
    item = (
        Item.objects.select_related("record", "home_branch", "current_branch")
        .filter(barcode=barcode)
        .first()
    )
    if item is None:
        raise Http404
    return item


@desk_view
@require_http_methods(["GET", "POST"])
def copy_manage(request: HttpRequest, barcode: str) -> HttpResponse:
    """One copy: its details (to change), the changes its status allows (with a reason), and its
    history, newest first."""
    desk_request = cast(DeskRequest, request)
    item = _copy(barcode)
    here = reverse("desk:copy", args=[item.barcode])
    care = CareForm(actions=item_actions(item))
    details = DetailsForm(
        initial={
            "call_number": item.call_number,
            "item_type": item.item_type,
            "replacement_price": f"{item.replacement_price:.2f}".replace(".", ","),
            "home_branch": item.home_branch_id,
        }
    )
    if request.method == "POST" and request.POST.get("form") == "care":
        care = CareForm(request.POST, actions=item_actions(item))
        if care.is_valid():
            action = ItemAction(care.cleaned_data["action"])
            try:
                item_change(
                    barcode=item.barcode,
                    action=action,
                    staff=desk_request.user,
                    branch=desk_request.staff_branch,
                    reason=care.cleaned_data["reason"],
                )
            except CatalogError as error:
                care.add_error(None, error.message)
            else:
                messages.success(request, _("Done: %(change)s.") % {"change": action.label})
                return redirect(here)
    elif request.method == "POST" and request.POST.get("form") == "details":
        details = DetailsForm(request.POST)
        if details.is_valid():
            data = details.cleaned_data
            try:
                _item, changes = item_edit(
                    barcode=item.barcode,
                    staff=desk_request.user,
                    branch=desk_request.staff_branch,
                    call_number=data["call_number"],
                    item_type=data["item_type"],
                    replacement_price=data["replacement_price"],
                    home_branch=data["home_branch"],
                )
            except CatalogError as error:
                details.add_error(None, error.message)
            else:
                if changes:
                    messages.success(request, _("The copy's details were saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(here)
    context = {
        "item": item,
        "care": care,
        "details": details,
        "events": item.events.select_related("branch", "staff__staff_profile").order_by(
            "-at", "-pk"
        )[:100],
    }
    status = 400 if request.method == "POST" else 200
    return desk_render(request, "desk/copy.html", context, status=status)


@desk_view
@require_http_methods(["GET", "POST"])
def copies_add(request: HttpRequest, record_id: int) -> HttpResponse:
    """New copies of a title: scan each new barcode on its own line. They get the branch this
    desk works at and the library's defaults (call number, item type, price), changed per copy
    afterwards."""
    desk = cast(DeskRequest, request)
    record = get_object_or_404(Record, pk=record_id)
    form = ListForm(request.POST or None)
    outcomes = None
    if request.method == "POST" and form.is_valid():
        outcomes = items_add(
            record=record, barcodes=form.barcode_list(), branch=desk.staff_branch, staff=desk.user
        )
        form = ListForm()
    added = [outcome.barcode for outcome in outcomes or [] if outcome.ok]
    context = {"record": record, "form": form, "outcomes": outcomes, "added": added}
    return desk_render(request, "desk/copies_add.html", context)


@desk_view
@require_http_methods(["GET", "POST"])
def copies_bulk(request: HttpRequest) -> HttpResponse:
    """One change for every barcode of a list, with a line per barcode: done, or why not."""
    desk = cast(DeskRequest, request)
    form = BulkForm(request.POST or None)
    outcomes = None
    if request.method == "POST" and form.is_valid():
        action = ItemAction(form.cleaned_data["action"])
        if action in REASON_NEEDED and not form.cleaned_data["reason"].strip():
            form.add_error("reason", _("Give a reason for this change."))
        else:
            outcomes = items_change(
                barcodes=form.barcode_list(),
                action=action,
                staff=desk.user,
                branch=desk.staff_branch,
                reason=form.cleaned_data["reason"],
            )
    context = {
        "form": form,
        "outcomes": outcomes,
        "done": sum(outcome.ok for outcome in outcomes or []),
    }
    return desk_render(request, "desk/copies_bulk.html", context)


@desk_view
@require_http_methods(["GET", "POST"])
def copy_labels(request: HttpRequest) -> HttpResponse:
    """Spine or barcode labels for a list of copies, as a PDF for a label sheet (from a chosen
    position on a partly used sheet). ``?barcodes=`` fills the list (the copies just added)."""
    initial = {"barcodes": request.GET.get("barcodes", "").replace(",", "\n"), "start": 1}
    form = LabelsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        wanted = barcodes_unique(form.barcode_list())
        found = {
            item.barcode: item
            for item in Item.objects.filter(barcode__in=wanted).select_related(
                "record", "home_branch"
            )
        }
        unknown = [barcode for barcode in wanted if barcode not in found]
        if unknown:
            form.add_error(
                "barcodes", _("No copy has these barcodes: %(list)s") % {"list": ", ".join(unknown)}
            )
        else:
            sheet = SHEETS[form.cleaned_data["sheet"]]
            kind = form.cleaned_data["kind"]
            content = labels_pdf(
                [found[barcode] for barcode in wanted],
                kind=kind,
                sheet=sheet,
                start=form.cleaned_data["start"],
            )
            response = HttpResponse(content, content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="etiketten-{kind}.pdf"'
            return response
    status = 400 if form.errors else 200
    return desk_render(request, "desk/copy_labels.html", {"form": form}, status=status)
