"""The library's settings at the desk (administrators): a lending rule and a holiday changed here
take effect at the next checkout, and every change is recorded with its old and new value."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.catalog.models import Branch, ClosedDay, Item
from kaft.circulation.models import LoanRule
from kaft.circulation.services import loan_checkout
from kaft.core.models import SettingChange
from kaft.members.models import Member, MemberCategory, User
from tests.factories import ItemFactory, LoanRuleFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _rule_form(**values: object) -> dict[str, object]:
    form: dict[str, object] = {
        "branch": "",
        "category": "",
        "item_type": "",
        "loan_days": 21,
        "renewals_allowed": 2,
        "max_loans": 20,
        "max_holds": 10,
        "hold_shelf_days": 7,
        "fine_per_day": "0,25",
        "fine_grace_days": 0,
        "fine_cap": "",
    }
    form.update(values)
    return form


def test_a_rule_changed_at_the_desk_sets_the_next_due_date(
    admin: Client, central: Branch, adult: MemberCategory, staff: User
) -> None:
    LoanRuleFactory(loan_days=21)
    answer = admin.post(
        reverse("desk:settings_rules"),
        _rule_form(branch=central.pk, category=adult.pk, loan_days=14),
    )
    assert answer.status_code == 302
    member = cast(Member, MemberFactory(category=adult, home_branch=central))
    item = cast(Item, ItemFactory(home_branch=central))
    today = timezone.localdate()
    loan = loan_checkout(item=item, member=member, staff=staff, branch=central)
    assert loan.due_date >= today + dt.timedelta(days=14)
    assert loan.due_date < today + dt.timedelta(days=21)
    change = SettingChange.objects.get(field="loan_days")
    assert (change.old, change.new, change.subject) == ("", "14", "loan_rule")
    assert "Centrale Bibliotheek" in change.target


def test_changing_a_value_records_old_and_new(admin: Client, central: Branch) -> None:
    admin.post(reverse("desk:settings_rules"), _rule_form(loan_days=21))
    SettingChange.objects.all().delete()
    admin.post(reverse("desk:settings_rules"), _rule_form(loan_days=28, max_loans=25))
    changed = dict(SettingChange.objects.values_list("field", "new"))
    assert changed == {"loan_days": "28", "max_loans": "25"}
    assert LoanRule.objects.get().loan_days == 28
    page = admin.get(reverse("desk:settings_changes")).content.decode()
    assert "loan_days" in page and "28" in page


def test_which_rule_applies_shows_the_fallback(admin: Client, central: Branch) -> None:
    LoanRuleFactory(loan_days=21)
    page = admin.get(
        reverse("desk:settings_rules"),
        {"branch": str(central.pk), "category": "", "item_type": "av"},
    ).content.decode()
    assert 'id="rule-applies"' in page and "21 dagen" in page


def test_a_holiday_for_all_branches_moves_the_due_date(
    admin: Client, central: Branch, west: Branch, adult: MemberCategory, staff: User
) -> None:
    LoanRuleFactory(loan_days=14)
    today = timezone.localdate()
    due = today + dt.timedelta(days=14)
    answer = admin.post(
        reverse("desk:settings_closed_days"),
        {"branch": "", "date": due.isoformat(), "reason": "Kerstmis"},
    )
    assert answer.status_code == 302
    assert sorted(ClosedDay.objects.values_list("branch__code", flat=True)) == ["centrale", "west"]
    member = cast(Member, MemberFactory(category=adult, home_branch=central))
    loan = loan_checkout(
        item=cast(Item, ItemFactory(home_branch=central)),
        member=member,
        staff=staff,
        branch=central,
    )
    assert loan.due_date > due
    assert SettingChange.objects.filter(subject="closed_day").count() == 2


def test_a_day_in_the_past_is_refused(admin: Client, central: Branch) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    answer = admin.post(
        reverse("desk:settings_closed_days"),
        {"branch": central.pk, "date": yesterday.isoformat(), "reason": ""},
    )
    assert answer.status_code == 400
    assert not ClosedDay.objects.exists() and not SettingChange.objects.exists()


def test_desk_staff_cannot_change_settings(desk: Client) -> None:
    assert desk.get(reverse("desk:settings_rules")).status_code == 403
    assert desk.post(reverse("desk:settings_rules"), _rule_form()).status_code == 403
    assert not LoanRule.objects.exists()


def test_any_branch_shows_the_rule_of_a_branch_without_its_own(
    admin: Client, central: Branch
) -> None:
    LoanRuleFactory(loan_days=21)
    LoanRuleFactory(branch=central, loan_days=7)
    page = admin.get(
        reverse("desk:settings_rules"), {"branch": "", "category": "", "item_type": ""}
    ).content.decode()
    applies = page.split('id="rule-applies"')[1].split("</p>")[0]
    assert "21 dagen" in applies and "7 dagen" not in applies
