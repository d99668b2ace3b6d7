"""The desk's interests: the library's list (administrators), and a member's interests.

**The list** (``interests/``): every interest, offered or not; adding one, offering it again or
no longer, and adding the suggested list of a Dutch public library. Names, catalogue subjects
and order of an existing interest are changed in the admin. No member data: only how many
members chose each interest.

**A member's page**: whether they consent to their interests being kept,
and which interests they chose (read-only: the member chooses them in MijnBibliotheek; the
consent is given or withdrawn on the member's consents page, and withdrawing deletes them).

Showing the page writes the access log (``status``, as the consent page: interests exist only
with the member's consent).
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.catalog.models import Audience, Branch
from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view, member_look
from kaft.desk.views.common import desk_render
from kaft.members.models import Member, StaffRole
from kaft.outreach.errors import OutreachError
from kaft.outreach.models import Interest, InterestKind
from kaft.outreach.selectors.interests import member_interests
from kaft.outreach.services.interests import (
    interest_create,
    interest_set_active,
    interests_seed_defaults,
)
from kaft.privacy.models import AccessPurpose, ConsentPurpose, DataPart
from kaft.privacy.services.consent import consent_given

INTEREST_PARTS = (DataPart.STATUS,)
ADMINISTRATORS = (StaffRole.ADMINISTRATOR,)


class InterestForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("code"), max_length=50)
    name_nl = forms.CharField(label=gettext_lazy("name (Dutch)"), max_length=80)
    name_en = forms.CharField(label=gettext_lazy("name (English)"), max_length=80)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=InterestKind.choices)
    branch = forms.ModelChoiceField(
        label=gettext_lazy("branch"),
        queryset=Branch.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All branches"),
    )
    subjects = forms.CharField(
        label=gettext_lazy("catalogue subjects"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("audience"),
        choices=[("", "—"), *Audience.choices],
        required=False,
    )
    order = forms.IntegerField(label=gettext_lazy("order"), min_value=0, max_value=32767)


def _list_page(request: HttpRequest, form: InterestForm, status: int = 200) -> HttpResponse:
    interests = (
        Interest.objects.select_related("branch")
        .annotate(chosen=Count("chosen_by"))
        .order_by("order", "name_nl")
    )
    context = {"interests": interests, "form": form}
    return desk_render(request, "desk/outreach/interests_list.html", context, status=status)


@desk_view(roles=ADMINISTRATORS)
@require_http_methods(["GET", "POST"])
def interests_list(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list_page(request, InterestForm(initial={"order": 100}))
    form = InterestForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    data = form.cleaned_data
    try:
        interest = interest_create(
            code=data["code"],
            name_nl=data["name_nl"],
            name_en=data["name_en"],
            kind=InterestKind(data["kind"]),
            subjects=data["subjects"],
            audience=data["audience"],
            branch=data["branch"],
            order=data["order"],
        )
    except OutreachError as error:
        form.add_error(None, error.message)
        return _list_page(request, form, status=400)
    messages.success(request, _("Interest added: %(name)s.") % {"name": interest.name})
    return redirect("desk:interests")


@desk_view(roles=ADMINISTRATORS)
@require_POST
def interests_seed(request: HttpRequest) -> HttpResponse:
    added = interests_seed_defaults()
    messages.success(request, _("Suggested interests added: %(count)s.") % {"count": added})
    return redirect("desk:interests")


@desk_view(roles=ADMINISTRATORS)
@require_POST
def interest_active(request: HttpRequest) -> HttpResponse:
    """Offer an interest (``active=1``) or no longer (``active=0``). An ``interest`` that names
    no id (not digits, too long, out of range) is 404, as an unknown one: never another's."""
    interest_id, answer = request.POST.get("interest", ""), request.POST.get("active", "")
    if not interest_id or answer not in ("1", "0"):
        messages.error(request, _("Choose an interest to offer or to stop offering."))
        return redirect("desk:interests")
    interest = get_object_or_404(Interest, pk=params.id_or_404(interest_id))
    try:
        interest_set_active(interest=interest, active=answer == "1")
    except OutreachError as error:
        messages.error(request, error.message)
    return redirect("desk:interests")


@desk_view
@require_GET
def member_interests_view(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = get_object_or_404(Member.objects.select_related("home_branch"), pk=member_id)
    member_look(desk, member, INTEREST_PARTS, purpose=AccessPurpose.DESK)
    context = {
        "member": member,
        "given": consent_given(member=member, purpose=ConsentPurpose.INTERESTS),
        "chosen": member_interests(member),
    }
    return desk_render(request, "desk/outreach/interests_member.html", context)
