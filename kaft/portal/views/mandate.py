"""MijnBibliotheek: the member's direct-debit mandate, for the "Betalingen" page.

:func:`mandate_section_context` gives what ``portal/_mandate_section.html`` shows: the mandate
(the IBAN masked, the reference, the date of signature), debits announced and not yet made,
and the form to give permission online or the one-click withdrawal. The page that includes the
fragment adds ``mandate_section_context(request.member)`` to its context. The posts come here
and go back to the page they came from (``next``), by default the mandate page of its own.

Only the logged-in member's own mandate, never that of a member who shared their account.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kaft.billing.errors import BillingError
from kaft.billing.models import LIVE_MANDATE, MandateStatus, MandateVia
from kaft.billing.selectors.mandates import member_announced_collections, member_mandate
from kaft.billing.services.mandates import iban_masked, mandate_sign, mandate_withdraw
from kaft.core import params
from kaft.members.models import Member
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import render_portal
from kaft.privacy.models import ConsentVia


class OnlineMandateForm(forms.Form):
    iban = forms.CharField(label=gettext_lazy("Your IBAN"), max_length=42)
    confirmed = forms.BooleanField(
        label=gettext_lazy(
            "I am the account holder (or may sign for this account) and I give the library "
            "permission to collect what I owe by direct debit."
        )
    )


def mandate_section_context(
    member: Member, form: OnlineMandateForm | None = None
) -> dict[str, Any]:
    """What the mandate section of the "Betalingen" page shows for ``member``."""
    mandate = member_mandate(member)
    live = mandate is not None and mandate.status in LIVE_MANDATE
    return {
        "mandate": mandate,
        "mandate_live": live,
        "mandate_ending": live and mandate is not None and mandate.status == MandateStatus.ENDING,
        "mandate_iban": iban_masked(mandate.iban) if mandate is not None else "",
        "mandate_announced": list(member_announced_collections(member)) if live else [],
        "mandate_form": form or OnlineMandateForm(),
    }


def _back(request: PortalRequest) -> HttpResponse:
    return redirect(params.onward(request, request.POST.get("next"), reverse("portal:mandate")))


@member_required
@require_GET
def mandate(request: PortalRequest) -> HttpResponse:
    context = {"section": "payments", **mandate_section_context(request.member)}
    return render_portal(request, "portal/mandate.html", context)


@member_required
@require_POST
def mandate_give(request: PortalRequest) -> HttpResponse:
    """Give permission online: the mandate is signed today with the IBAN given."""
    form = OnlineMandateForm(request.POST)
    if form.is_valid():
        try:
            mandate_sign(
                member=request.member,
                iban=form.cleaned_data["iban"],
                signed_on=timezone.localdate(),
                via=MandateVia.ONLINE,
            )
        except BillingError as refused:
            form.add_error("iban", refused.message)
        else:
            messages.success(request, _("Thank you: your permission for direct debit is recorded."))
            return _back(request)
    context = {"section": "payments", **mandate_section_context(request.member, form)}
    return render_portal(request, "portal/mandate.html", context, status=400)


@member_required
@require_POST
def mandate_withdraw_view(request: PortalRequest) -> HttpResponse:
    """Withdraw the permission in one click."""
    mandate_withdraw(member=request.member, via=ConsentVia.PORTAL)
    messages.success(request, _("Your permission for direct debit is withdrawn."))
    return _back(request)
