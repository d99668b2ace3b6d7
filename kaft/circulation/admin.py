from django.contrib import admin

from kaft.circulation.models import LoanRule


@admin.register(LoanRule)
class LoanRuleAdmin(admin.ModelAdmin):
    """Lending rules are policy, set by the library's administrators."""

    list_display = (
        "branch",
        "category",
        "item_type",
        "loan_days",
        "renewals_allowed",
        "max_loans",
        "max_holds",
        "hold_shelf_days",
        "fine_per_day",
        "fine_grace_days",
        "fine_cap",
    )
    list_filter = ("branch", "category", "item_type")
