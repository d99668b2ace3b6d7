"""Staff log in (and pick the branch they work at) and out."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kaft.core.library import library
from kaft.desk.access import (
    ALL_ROLES,
    DeskRequest,
    desk_view,
    staff_branch_choose,
    staff_profile_of,
)
from kaft.desk.forms import BranchForm, StaffLoginForm
from kaft.desk.views.common import desk_render
from kaft.members.models import StaffRole

# Where each role lands after login when no ``next`` says otherwise; other roles: the lending
# screen.
LANDING = {
    StaffRole.PRIVACY_OFFICER: "desk:privacy_dashboard",
    StaffRole.FINANCE: "desk:cash_report",
}


class DeskLoginView(auth_views.LoginView):
    """Django's login view (new session key, ``next`` only on this site), for staff.

    Without ``next`` the staff member lands where their role works (:data:`LANDING`).
    """

    template_name = "desk/login.html"
    authentication_form = StaffLoginForm
    next_page = "desk:checkout"

    def get_default_redirect_url(self) -> str:
        profile = staff_profile_of(self.request.user)
        landing = LANDING.get(StaffRole(profile.role)) if profile is not None else None
        return resolve_url(landing or self.next_page)

    def form_valid(self, form: StaffLoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        branch = form.cleaned_data.get("branch")
        if branch is not None:
            staff_branch_choose(self.request, branch)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["library_name"] = library().name
        return context


class DeskLogoutView(auth_views.LogoutView):
    """POST only: a link cannot log staff out. The session (branch, member) goes with it."""

    next_page = "desk:login"


@desk_view(roles=ALL_ROLES)
@require_http_methods(["GET", "POST"])
def branch_pick(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    form = BranchForm(request.POST or None, initial={"branch": desk.staff_branch.pk})
    if request.method == "POST" and form.is_valid():
        branch = form.cleaned_data["branch"]
        staff_branch_choose(request, branch)
        messages.success(request, _("You now work at %(branch)s.") % {"branch": branch.name})
        if desk.staff_profile.role == StaffRole.FINANCE:
            return redirect("desk:cash_report")
        return redirect("desk:checkout")
    return desk_render(request, "desk/branch.html", {"form": form})
