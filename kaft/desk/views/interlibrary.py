"""Interlibrary loan at the desk (*Interbibliothecair leenverkeer*): the requests in both roles,
the pick list of partners' requests, one request with its moves, a new request, and (for
administrators) the register of partner libraries.

The screens only ask and show; every move is a service of :mod:`kaft.interlibrary`. The
overview names the members who asked (one access-log entry per member, part "Reservations");
a request's own page shows its member's request (logged the same way).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kaft.core import params
from kaft.core.errors import DomainError
from kaft.desk.access import DeskRequest, card_holder, desk_view, member_look, members_listed
from kaft.desk.views.common import desk_render
from kaft.interlibrary.lifecycle import request_actions
from kaft.interlibrary.models import IllAction, IllRole, LibraryPartner, PartnerAuth, PatronField
from kaft.interlibrary.selectors.requests import (
    partners_active,
    partners_all,
    request_detail,
    requests_open,
    requests_pick_list,
)
from kaft.interlibrary.services.partners import library_partner_save
from kaft.interlibrary.services.requesting import (
    request_cancel,
    request_raise,
    request_receive,
    request_renew_ask,
    request_ship_return,
)
from kaft.interlibrary.services.supplying import (
    supply_answer,
    supply_check_in,
    supply_move,
    supply_ship,
)
from kaft.members.models import StaffRole
from kaft.privacy.models import AccessPurpose, DataPart, Partner

ADMINISTRATORS = (StaffRole.ADMINISTRATOR,)

# The buttons of a request's page: the move, who makes it, its label.
REQUESTING_MOVES = {
    "receive": gettext_lazy("Received at the desk: lend to the member"),
    "ship_return": gettext_lazy("Shipped back"),
    "renew": gettext_lazy("Ask for renewal"),
    "cancel": gettext_lazy("Cancel"),
}
SUPPLYING_MOVES = {
    "expect": gettext_lazy("Expect to supply"),
    "will_supply": gettext_lazy("Will supply"),
    "unfill": gettext_lazy("Cannot supply"),
    "retry": gettext_lazy("Retry possible"),
    "ship": gettext_lazy("Lend and ship"),
    "check_in": gettext_lazy("Received back"),
    "recall": gettext_lazy("Recall"),
    "write_off": gettext_lazy("Completed without return"),
}


@desk_view
@require_GET
def interlibrary_list(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    requesting = list(requests_open(role=IllRole.REQUESTING))
    members = list({r.member_id: r.member for r in requesting if r.member is not None}.values())
    if members:
        members_listed(desk, members, purpose=AccessPurpose.DESK, parts=(DataPart.HOLDS,))
    return desk_render(
        request,
        "desk/interlibrary/list.html",
        {
            "requesting": requesting,
            "pick_list": list(requests_pick_list()),
            "supplying": list(requests_open(role=IllRole.SUPPLYING)),
        },
    )


def _moves(role: str, allowed: list[IllAction]) -> list[tuple[str, Any]]:
    if role == IllRole.REQUESTING:
        wanted = {
            "receive": IllAction.RECEIVE in allowed,
            "ship_return": IllAction.SHIP_RETURN in allowed,
            "renew": IllAction.RENEW in allowed,
            "cancel": IllAction.CANCEL in allowed,
        }
        return [(key, label) for key, label in REQUESTING_MOVES.items() if wanted[key]]
    return [(key, label) for key, label in SUPPLYING_MOVES.items() if IllAction(key) in allowed]


def _move(desk: DeskRequest, ill: Any, move: str, barcode: str) -> None:
    staff, branch = desk.user, desk.staff_branch
    if ill.role == IllRole.REQUESTING:
        if move == "receive":
            request_receive(request=ill, staff=staff, branch=branch)
        elif move == "ship_return":
            request_ship_return(request=ill, staff=staff, branch=branch)
        elif move == "renew":
            request_renew_ask(request=ill, staff=staff)
        elif move == "cancel":
            request_cancel(request=ill, staff=staff)
        else:
            raise Http404
        return
    if move in ("expect", "will_supply", "unfill", "retry"):
        supply_answer(request=ill, action=IllAction(move), staff=staff)
    elif move == "ship":
        supply_ship(request=ill, barcode=barcode, staff=staff, branch=branch)
    elif move == "check_in":
        supply_check_in(request=ill, staff=staff, branch=branch)
    elif move in ("recall", "write_off"):
        supply_move(request=ill, action=IllAction(move), staff=staff)
    else:
        raise Http404


@desk_view
@never_cache
@require_http_methods(["GET", "POST"])
def interlibrary_detail(request: HttpRequest, ill_request_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    ill = request_detail(request_id=ill_request_id)
    if ill is None:
        raise Http404
    if request.method == "POST":
        move = str(request.POST.get("move", ""))
        barcode = params.text_from(request.POST.get("barcode"), max_length=32) or ""
        try:
            _move(desk, ill, move, barcode)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done."))
        return redirect("desk:interlibrary_detail", ill_request_id=ill.pk)
    if ill.member is not None:
        member_look(desk, ill.member, [DataPart.HOLDS], purpose=AccessPurpose.DESK)
    return desk_render(
        request,
        "desk/interlibrary/detail.html",
        {
            "ill": ill,
            "moves": _moves(ill.role, request_actions(ill)),
            "events": list(ill.events.all()),
            "outbox": list(ill.messages.all()),
        },
    )


class RequestForm(forms.Form):
    card = forms.CharField(
        label=gettext_lazy("Card number of the member (empty: for the library)"),
        max_length=20,
        required=False,
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=500, required=False)
    author = forms.CharField(label=gettext_lazy("Author"), max_length=255, required=False)
    isbn = forms.CharField(label=gettext_lazy("ISBN"), max_length=20, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    partner = params.ModelChoiceField(
        label=gettext_lazy("Ask this library (empty: the rota)"),
        queryset=LibraryPartner.objects.filter(active=True).order_by("rota_order", "name"),
        required=False,
    )


@desk_view
@never_cache
@require_http_methods(["GET", "POST"])
def interlibrary_new(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = card_holder(data["card"].strip()) if data["card"].strip() else None
        if data["card"].strip() and member is None:
            form.add_error("card", _("No member has this card number."))
        else:
            try:
                ill = request_raise(
                    branch=desk.staff_branch,
                    member=member,
                    staff=desk.user,
                    title=data["title"],
                    author=data["author"],
                    isbn=data["isbn"],
                    description=data["description"],
                    partner=data["partner"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The request is sent."))
                return redirect("desk:interlibrary_detail", ill_request_id=ill.pk)
    return desk_render(
        request,
        "desk/interlibrary/new.html",
        {"form": form, "partners": list(partners_active())},
    )


class PartnerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    isil = forms.CharField(label=gettext_lazy("ISIL code"), max_length=16)
    endpoint_url = forms.CharField(label=gettext_lazy("ISO 18626 address"), max_length=300)
    auth_method = forms.ChoiceField(
        label=gettext_lazy("How this library and we prove who we are"),
        choices=PartnerAuth.choices,
        initial=PartnerAuth.SECRET,
        required=False,  # not sent: the stored choice (a shared secret for a new partner)
        widget=forms.RadioSelect,
    )
    secret = forms.CharField(
        label=gettext_lazy("Shared secret (empty: keep the stored one)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    certificate = forms.CharField(
        label=gettext_lazy(
            "The library's client certificate (PEM) or its SHA-256 fingerprint "
            "(empty: keep the stored one)"
        ),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
    )
    patron_fields = forms.MultipleChoiceField(
        label=gettext_lazy("Patron data this library requires"),
        choices=PatronField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agreement = params.ModelChoiceField(
        label=gettext_lazy("Agreement in the privacy register"),
        queryset=Partner.objects.order_by("name"),
        required=False,
    )
    fee = forms.DecimalField(
        label=gettext_lazy("Fee per request (€)"), min_value=0, max_digits=7, decimal_places=2
    )
    loan_days = params.NumberField(
        label=gettext_lazy("Loan period when we supply (days)"), min_value=1, max_value=365
    )
    rota_order = params.NumberField(
        label=gettext_lazy("Place in the rota"), min_value=0, max_value=999
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False)


def _partner_form_page(
    request: HttpRequest, form: PartnerForm, partner: LibraryPartner | None
) -> HttpResponse:
    return desk_render(
        request,
        "desk/interlibrary/partner_form.html",
        {"form": form, "partner": partner},
        status=400 if form.is_bound and form.errors else 200,
    )


def _partner_save(request: HttpRequest, form: PartnerForm, partner: LibraryPartner | None) -> Any:
    data = form.cleaned_data
    try:
        saved = library_partner_save(
            partner=partner,
            name=data["name"],
            isil=data["isil"],
            endpoint_url=data["endpoint_url"],
            secret=data["secret"] or None,
            auth_method=data["auth_method"] or None,
            certificate=data["certificate"] or None,
            patron_fields=list(data["patron_fields"]),
            fee=data["fee"],
            loan_days=data["loan_days"],
            rota_order=data["rota_order"],
            agreement=data["agreement"],
            active=data["active"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, _("Partner library %(name)s is saved.") % {"name": saved.name})
    return redirect("desk:interlibrary_partners")


@desk_view(roles=ADMINISTRATORS)
@require_GET
def interlibrary_partners(request: HttpRequest) -> HttpResponse:
    return desk_render(
        request, "desk/interlibrary/partners.html", {"partners": list(partners_all())}
    )


@desk_view(roles=ADMINISTRATORS)
@never_cache
@require_http_methods(["GET", "POST"])
def interlibrary_partner_new(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(
        request.POST or None, initial={"fee": "0.00", "loan_days": 28, "rota_order": 10}
    )
    if request.method == "POST" and form.is_valid():
        done = _partner_save(request, form, None)
        if done is not None:
            return cast(HttpResponse, done)
    return _partner_form_page(request, form, None)


@desk_view(roles=ADMINISTRATORS)
@never_cache
@require_http_methods(["GET", "POST"])
def interlibrary_partner_edit(request: HttpRequest, library_partner_id: int) -> HttpResponse:
    partner = get_object_or_404(LibraryPartner, pk=library_partner_id)
    initial = {
        "name": partner.name,
        "isil": partner.isil,
        "endpoint_url": partner.endpoint_url,
        "auth_method": partner.auth_method,
        "patron_fields": partner.patron_fields,
        "agreement": partner.agreement,
        "fee": partner.fee,
        "loan_days": partner.loan_days,
        "rota_order": partner.rota_order,
        "active": partner.active,
    }
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _partner_save(request, form, partner)
        if done is not None:
            return cast(HttpResponse, done)
    return _partner_form_page(request, form, partner)
