"""MijnBibliotheek: the member's interlibrary requests (state and fee) and the form "ask another
library for it" (reached from a search without results, or on its own). The request goes out as
:func:`kaft.interlibrary.services.requesting.request_raise` decides: to the rota, without the
member's data unless a partner requires some (then recorded in "Who received my data")."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kaft.core.errors import DomainError
from kaft.interlibrary.selectors.requests import requests_of_member
from kaft.interlibrary.services.requesting import request_raise
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import render_portal


class AskForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=500, required=False)
    author = forms.CharField(label=gettext_lazy("Author"), max_length=255, required=False)
    isbn = forms.CharField(label=gettext_lazy("ISBN"), max_length=20, required=False)
    description = forms.CharField(
        label=gettext_lazy("Anything else that helps to find it"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@member_required
@require_http_methods(["GET", "POST"])
def interlibrary(request: PortalRequest) -> HttpResponse:
    initial = {"title": str(request.GET.get("titel", ""))[:500]}
    form = AskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = request.member
        try:
            request_raise(
                branch=member.home_branch,
                member=member,
                staff=None,
                title=data["title"],
                author=data["author"],
                isbn=data["isbn"],
                description=data["description"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your request is sent to another library."))
            return redirect("portal:interlibrary")
    context = {
        "requests": list(requests_of_member(member_id=request.member.pk)),
        "form": form,
        "section": "interlibrary",
    }
    return render_portal(request, "portal/interlibrary.html", context)
