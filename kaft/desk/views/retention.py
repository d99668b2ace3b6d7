"""Retention settings for the privacy officer: each rule, its period and bounds, the last runs of
the job and how many rows are past their rule right now, with a button that runs the job now
(the privacy officer's role only). Shows no member's data, so no access-log entry is written."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.views.common import desk_render
from kaft.members.models import StaffRole
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import RetentionRun
from kaft.privacy.registry import RULES, rule_label
from kaft.privacy.services.retention import (
    retention_overdue_counts,
    retention_periods,
    retention_setting_change,
)
from kaft.privacy.services.retention.run_now import retention_run_current, retention_run_request

OFFICERS = (StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR)
RUNNERS = (StaffRole.PRIVACY_OFFICER,)  # who may run the job now
RUNS_SHOWN = 10


class RetentionSettingForm(forms.Form):
    rule = forms.CharField(widget=forms.HiddenInput)
    # The bounds of each rule are the service's; this only keeps the number a number.
    days = params.NumberField(label=gettext_lazy("Days"), min_value=0, max_value=100_000)


@desk_view(roles=OFFICERS)
@require_http_methods(["GET", "POST"])
def retention_settings(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    error_rule, error = "", ""
    if request.method == "POST":
        form = RetentionSettingForm(request.POST)
        if form.is_valid():
            rule = form.cleaned_data["rule"]
            try:
                retention_setting_change(
                    rule=rule,
                    days=form.cleaned_data["days"],
                    staff=desk.user,  # type: ignore[arg-type]
                )
            except PrivacyError as refused:
                error_rule, error = rule, refused.message
            else:
                messages.success(
                    request, _("The period for “%(rule)s” was saved.") % {"rule": rule_label(rule)}
                )
                return redirect("desk:retention")
        else:
            error_rule = str(request.POST.get("rule", ""))
            error = _("Enter a whole number of days.")
    periods = retention_periods()
    overdue = retention_overdue_counts()
    rules: list[dict[str, Any]] = [
        {
            "rule": rule,
            "days": periods[key],
            "overdue": overdue.get(key, 0),
            "error": error if key == error_rule else "",
        }
        for key, rule in RULES.items()
    ]
    runs = list(RetentionRun.objects.select_related("requested_by__staff_profile")[:RUNS_SHOWN])
    return desk_render(
        request,
        "desk/retention.html",
        {
            "rules": rules,
            "current": retention_run_current(),
            "may_run": desk.staff_profile.role in RUNNERS,
            "runs": [
                {
                    "run": run,
                    "total": sum(
                        n for per_model in run.counts.values() for n in per_model.values()
                    ),
                    "per_rule": {
                        rule_label(key): sum(per_model.values())
                        for key, per_model in run.counts.items()
                        if sum(per_model.values())
                    },
                }
                for run in runs
            ],
            "overdue_total": sum(overdue.values()),
        },
        status=400 if error else 200,
    )


@desk_view(roles=OFFICERS)
@require_POST
def retention_run_now(request: HttpRequest) -> HttpResponse:
    """Queue the retention job now; the retention page then shows its progress and result.

    The page's roles may ask (an administrator past the second factor too); the service lets
    only a privacy officer run it and refuses others with a message."""
    desk = cast(DeskRequest, request)
    try:
        retention_run_request(staff=desk.user)  # type: ignore[arg-type]
    except PrivacyError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The retention job has started. This page shows its progress."))
    return redirect("desk:retention")
