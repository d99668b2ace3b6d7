"""The library's own settings at the desk, for administrators: the lending rules (with the rule
that applies to any combination, fallbacks shown), the branches' closed days (a holiday for all
branches at once), and the record of every change (who, when, old and new value).

The rules are the domains' (``kaft/circulation/services/rules.py``,
``kaft/catalog/services/calendar.py``); these screens ask and show. No member's data.
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

from kaft.catalog.models import Branch, ClosedDay, ItemType
from kaft.catalog.services.calendar import closed_day_add, closed_day_remove
from kaft.circulation.models import LoanRule
from kaft.circulation.selectors.loans import rule_for
from kaft.circulation.services.rules import (
    VALUES,
    loan_rule_delete,
    loan_rule_label,
    loan_rule_save,
)
from kaft.core import params
from kaft.core.models import SettingChange
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.views.common import desk_render
from kaft.members.models import MemberCategory, StaffRole

ADMINISTRATORS = (StaffRole.ADMINISTRATOR,)
ANY = ""


def _branches() -> list[tuple[str, str]]:
    return [(ANY, _("any branch"))] + [(str(b.pk), b.name) for b in Branch.objects.order_by("name")]


def _categories() -> list[tuple[str, str]]:
    rows = MemberCategory.objects.order_by("name")
    return [(ANY, _("any category"))] + [(str(c.pk), str(c.label)) for c in rows]


def _kinds() -> list[tuple[str, str]]:
    return [(ANY, _("any item type"))] + [(k.value, str(k.label)) for k in ItemType]


class CombinationForm(forms.Form):
    branch = forms.ChoiceField(label=gettext_lazy("Branch"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Member category"), required=False)
    item_type = forms.ChoiceField(label=gettext_lazy("Item type"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["branch"]).choices = _branches()
        cast(forms.ChoiceField, self.fields["category"]).choices = _categories()
        cast(forms.ChoiceField, self.fields["item_type"]).choices = _kinds()

    def combination(self) -> tuple[Branch | None, MemberCategory | None, str]:
        data = self.cleaned_data
        branch = Branch.objects.get(pk=data["branch"]) if data["branch"] else None
        category = MemberCategory.objects.get(pk=data["category"]) if data["category"] else None
        return branch, category, data["item_type"] or ""


class RuleForm(CombinationForm):
    loan_days = params.NumberField(
        label=gettext_lazy("Loan period (days)"), min_value=1, max_value=365
    )
    renewals_allowed = params.NumberField(
        label=gettext_lazy("Renewals allowed"), min_value=0, max_value=99
    )
    max_loans = params.NumberField(label=gettext_lazy("Maximum loans"), min_value=0, max_value=5000)
    max_holds = params.NumberField(
        label=gettext_lazy("Maximum reservations"), min_value=0, max_value=999
    )
    hold_shelf_days = params.NumberField(
        label=gettext_lazy("Days on the holds shelf"), min_value=1, max_value=60
    )
    fine_per_day = forms.DecimalField(
        label=gettext_lazy("Late fee per day (€)"),
        min_value=0,
        max_value=99,
        decimal_places=2,
        localize=True,
    )
    fine_grace_days = params.NumberField(
        label=gettext_lazy("Days without a late fee"), min_value=0, max_value=99
    )
    fine_cap = forms.DecimalField(
        label=gettext_lazy("Highest late fee per item (€; empty: none)"),
        min_value=0,
        max_value=9999,
        decimal_places=2,
        required=False,
        localize=True,
    )


class ClosedDayForm(forms.Form):
    branch = forms.ChoiceField(label=gettext_lazy("Branch"), required=False)
    date = params.DateField(label=gettext_lazy("Date"))
    reason = forms.CharField(
        label=gettext_lazy("Reason (e.g. Christmas)"), max_length=120, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(ANY, _("All branches"))] + _branches()[1:]
        cast(forms.ChoiceField, self.fields["branch"]).choices = choices


def _today_or_later(form: ClosedDayForm) -> None:
    day = form.cleaned_data.get("date")
    if day is not None and day < timezone.localdate():
        form.add_error("date", _("Choose today or a day to come."))


def _specificity(rule: LoanRule) -> tuple[int, str]:
    score = 4 * (rule.branch_id is not None) + 2 * (rule.category_id is not None)
    return (-(score + (rule.item_type != "")), loan_rule_label(rule))


@desk_view(roles=ADMINISTRATORS)
@require_http_methods(["GET", "POST"])
def settings_rules(request: HttpRequest) -> HttpResponse:
    """Every lending rule, most specific first; the rule a combination gets (``?branch=…``);
    a form that makes or changes the rule of a combination."""
    desk = cast(DeskRequest, request)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        branch, category, kind = form.combination()
        values = {field: form.cleaned_data[field] for field in VALUES}
        rule = loan_rule_save(
            branch=branch, category=category, item_type=kind, values=values, staff=desk.user
        )
        messages.success(request, _("Saved: %(rule)s.") % {"rule": loan_rule_label(rule)})
        return redirect("desk:settings_rules")
    rules = sorted(LoanRule.objects.select_related("branch", "category"), key=_specificity)
    asked = CombinationForm(request.GET or None)
    applies = None
    if request.GET and asked.is_valid():
        branch, category, kind = asked.combination()
        applies = rule_for(branch=branch, category=category, item_type=kind)
    context = {
        "rules": [(rule, loan_rule_label(rule)) for rule in rules],
        "form": form,
        "asked": asked,
        "applies": applies,
        "applies_label": loan_rule_label(applies) if applies is not None and applies.pk else "",
    }
    return desk_render(
        request, "desk/settings_rules.html", context, status=400 if form.errors else 200
    )


@desk_view(roles=ADMINISTRATORS)
@require_POST
def settings_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    rule = get_object_or_404(LoanRule.objects.select_related("branch", "category"), pk=rule_id)
    label = loan_rule_label(rule)
    loan_rule_delete(rule=rule, staff=desk.user)
    messages.success(request, _("Removed: %(rule)s.") % {"rule": label})
    return redirect("desk:settings_rules")


@desk_view(roles=ADMINISTRATORS)
@require_http_methods(["GET", "POST"])
def settings_closed_days(request: HttpRequest) -> HttpResponse:
    """The closed days to come, per branch; a form adding a day to one branch or to all."""
    desk = cast(DeskRequest, request)
    form = ClosedDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _today_or_later(form)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["branch"]
        branches = list(
            Branch.objects.filter(pk=chosen) if chosen else Branch.objects.order_by("name")
        )
        added = closed_day_add(
            branches=branches,
            date=form.cleaned_data["date"],
            reason=form.cleaned_data["reason"],
            staff=desk.user,
        )
        messages.success(request, _("Closed day added at %(n)s branches.") % {"n": len(added)})
        return redirect("desk:settings_closed_days")
    days = ClosedDay.objects.filter(date__gte=timezone.localdate()).select_related("branch")
    context = {"form": form, "days": days.order_by("date", "branch__name")}
    return desk_render(
        request, "desk/settings_closed_days.html", context, status=400 if form.errors else 200
    )


@desk_view(roles=ADMINISTRATORS)
@require_POST
def settings_closed_day_remove(request: HttpRequest, closed_day_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    closed_day_remove(
        closed_day=get_object_or_404(ClosedDay.objects.select_related("branch"), pk=closed_day_id),
        staff=desk.user,
    )
    messages.success(request, _("The branch is open on that day again."))
    return redirect("desk:settings_closed_days")


@desk_view(roles=ADMINISTRATORS)
@require_GET
def settings_changes(request: HttpRequest) -> HttpResponse:
    """Every change to the settings, newest first (the last 500)."""
    changes = SettingChange.objects.select_related("staff__staff_profile").order_by("-at", "-pk")
    return desk_render(request, "desk/settings_changes.html", {"changes": changes[:500]})
