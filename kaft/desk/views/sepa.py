"""Direct debit at the desk.

- A member's mandate (any member of staff): shown with the IBAN masked, a paper mandate
  recorded (the member signed the form and gives permission), the permission withdrawn. The
  page writes the access log (identity and payments).
- The finance screen (the finance role only): announce a collection date (billing records the
  debits, then notices queues each member's announcement), make the pain.008 file of a date,
  download a stored file again (logged for every member in it), and read a bank's file of
  returned debits (billing reopens the charges, then notices tells the members).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.billing.errors import BillingError
from kaft.billing.models import MandateVia, SepaFormat, SepaRun
from kaft.billing.selectors import mandates as mandate_reads
from kaft.billing.selectors.mandates import (
    announced_dates,
    member_announced_collections,
    return_files_recent,
    runs_recent,
)
from kaft.billing.services.mandates import iban_masked, mandate_sign, mandate_withdraw
from kaft.billing.services.sepa_returns import sepa_returns_import
from kaft.billing.services.sepa_run import sepa_announce, sepa_run, sepa_run_file
from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view, member_look, members_listed
from kaft.desk.views.common import desk_render
from kaft.members.models import Member, StaffRole
from kaft.notices.services.collections import (
    notices_queue_debit_returned,
    notices_queue_sepa_prenotices,
)
from kaft.privacy.models import AccessPurpose, ConsentVia, DataPart

FINANCE = (StaffRole.FINANCE,)
MANDATE_PARTS = (DataPart.IDENTITY, DataPart.PAYMENTS)
MAX_RETURN_FILE = 20 * 1024 * 1024


class PaperMandateForm(forms.Form):
    iban = forms.CharField(label=gettext_lazy("IBAN"), max_length=42)
    bic = forms.CharField(
        label=gettext_lazy("BIC (only if the form has one)"), max_length=11, required=False
    )
    signed_on = params.DateField(label=gettext_lazy("Date of signature"))
    confirmed = forms.BooleanField(
        label=gettext_lazy(
            "The member signed the mandate form and gives permission for direct debit."
        )
    )


class DateForm(forms.Form):
    collection_date = params.DateField(label=gettext_lazy("Collection date"))


class RunForm(DateForm):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=SepaFormat.choices, initial=SepaFormat.PAIN_008_001_02
    )


class ReturnFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File from the bank (pain.002 or camt.054)"))


def _member(member_id: int) -> Member:
    return get_object_or_404(Member.objects.select_related("category"), pk=member_id)


def _mandate_page(
    request: HttpRequest, member: Member, form: PaperMandateForm | None = None, status: int = 200
) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member_look(desk, member, MANDATE_PARTS, purpose=AccessPurpose.DESK)
    mandate = mandate_reads.member_mandate(member)
    context: dict[str, Any] = {
        "member": member,
        "mandate": mandate,
        "iban": iban_masked(mandate.iban) if mandate else "",
        "live": mandate is not None and mandate.status in ("active", "ending"),
        "announced": list(member_announced_collections(member)),
        "form": form or PaperMandateForm(initial={"signed_on": timezone.localdate()}),
    }
    return desk_render(request, "desk/mandate.html", context, status=status)


@desk_view
@require_http_methods(["GET", "POST"])
def member_mandate(request: HttpRequest, member_id: int) -> HttpResponse:
    """The member's mandate; POST records a mandate signed on paper."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    if request.method != "POST":
        return _mandate_page(request, member)
    form = PaperMandateForm(request.POST)
    if not form.is_valid():
        return _mandate_page(request, member, form, status=400)
    try:
        mandate_sign(
            member=member,
            iban=form.cleaned_data["iban"],
            bic=form.cleaned_data["bic"],
            signed_on=form.cleaned_data["signed_on"],
            via=MandateVia.PAPER,
            staff=desk.user,
        )
    except BillingError as refused:
        form.add_error(None, refused.message)
        return _mandate_page(request, member, form, status=400)
    messages.success(request, _("The mandate was recorded."))
    return redirect("desk:member_mandate", member_id=member.pk)


@desk_view
@require_POST
def member_mandate_end(request: HttpRequest, member_id: int) -> HttpResponse:
    """The member withdraws the permission at the desk: the mandate ends (after a collection
    already announced)."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    mandate_withdraw(member=member, via=ConsentVia.DESK, staff=desk.user)
    messages.success(request, _("The permission for direct debit was withdrawn."))
    return redirect("desk:member_mandate", member_id=member.pk)


# --- the finance screen ------------------------------------------------------------------------


def _finance_page(
    request: HttpRequest,
    *,
    announce: DateForm | None = None,
    run: RunForm | None = None,
    returns: ReturnFileForm | None = None,
) -> HttpResponse:
    """The finance screen; a refused form is shown on it with its message (status 200, as the
    other desk screens answer a refused form)."""
    context = {
        "announce_form": announce or DateForm(prefix="announce"),
        "run_form": run or RunForm(prefix="run"),
        "returns_form": returns or ReturnFileForm(prefix="returns"),
        "announced": announced_dates(),
        "runs": runs_recent(),
        "return_files": return_files_recent(),
    }
    return desk_render(request, "desk/sepa.html", context)


@desk_view(roles=FINANCE)
@require_GET
def sepa(request: HttpRequest) -> HttpResponse:
    return _finance_page(request)


@desk_view(roles=FINANCE)
@require_POST
def sepa_announce_view(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    form = DateForm(request.POST, prefix="announce")
    if not form.is_valid():
        return _finance_page(request, announce=form)
    day = form.cleaned_data["collection_date"]
    try:
        announced = sepa_announce(collection_date=day, staff=desk.user)
    except BillingError as refused:
        form.add_error(None, refused.message)
        return _finance_page(request, announce=form)
    queued = notices_queue_sepa_prenotices(collection_date=day)
    messages.success(
        request,
        _("%(count)s direct debits announced (€ %(total)s); %(queued)s messages to members.")
        % {"count": announced.count, "total": f"{announced.total:.2f}", "queued": queued},
    )
    return redirect("desk:sepa")


@desk_view(roles=FINANCE)
@require_POST
def sepa_run_view(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    form = RunForm(request.POST, prefix="run")
    if not form.is_valid():
        return _finance_page(request, run=form)
    try:
        run = sepa_run(
            collection_date=form.cleaned_data["collection_date"],
            fmt=form.cleaned_data["format"],
            staff=desk.user,
        )
    except BillingError as refused:
        form.add_error(None, refused.message)
        return _finance_page(request, run=form)
    messages.success(
        request,
        _("The file with %(count)s direct debits (€ %(total)s) is ready to download.")
        % {"count": run.count, "total": f"{run.total:.2f}"},
    )
    return redirect("desk:sepa")


@desk_view(roles=FINANCE)
@require_GET
def sepa_run_download(request: HttpRequest, run_id: int) -> HttpResponse:
    """The stored pain.008 file again; every member in it is logged as looked at (payments)."""
    desk = cast(DeskRequest, request)
    run = get_object_or_404(SepaRun, pk=run_id)
    members = list(Member.objects.filter(sepa_collections__run=run).distinct().order_by("pk"))
    try:
        data = sepa_run_file(run)
    except OSError:
        messages.error(request, _("The file of this run is no longer there."))
        return redirect("desk:sepa")
    members_listed(
        desk,
        members,
        purpose=AccessPurpose.COLLECTIONS,
        parts=(DataPart.IDENTITY, DataPart.PAYMENTS),
    )
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = (
        f'attachment; filename="{run.collection_date:%Y-%m-%d}-{run.message_id}.xml"'
    )
    return response


@desk_view(roles=FINANCE)
@require_POST
def sepa_returns_view(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    form = ReturnFileForm(request.POST, request.FILES, prefix="returns")
    if not form.is_valid():
        return _finance_page(request, returns=form)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_RETURN_FILE:
        form.add_error("file", _("This file is too large for a bank's return file."))
        return _finance_page(request, returns=form)
    try:
        report = sepa_returns_import(
            data=upload.read(), source=str(upload.name)[:200], staff=desk.user
        )
    except BillingError as refused:
        form.add_error(None, refused.message)
        return _finance_page(request, returns=form)
    queued = notices_queue_debit_returned(return_file=report)
    messages.success(
        request,
        _(
            "%(returned)s returned direct debits booked, %(unknown)s not found; "
            "%(queued)s messages to members."
        )
        % {"returned": report.returned, "unknown": report.unknown, "queued": queued},
    )
    return redirect("desk:sepa")
