"""The outbox in the admin: look, filter, and send a failed message again (no editing); and the
reminder schedule, which the library edits here."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaft.notices.errors import NoticeError
from kaft.notices.models import (
    DeliveryAttempt,
    Notice,
    ReminderMessage,
    ReminderSchedule,
    ReminderStep,
)
from kaft.notices.services.outbox import notice_retry


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "ok", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Notice | None = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "message_type",
        "channel",
        "language",
        "status",
        "attempts",
        "problem",
        "sent_at",
    )
    list_filter = ("status", "message_type", "channel", "problem")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    # No member, address or text: what a member reads is theirs, and the admin does not write
    # the access log. Staff see what went wrong and can send it again.
    fields = (
        "message_type",
        "channel",
        "language",
        "status",
        "problem",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "dedup_key",
    )
    readonly_fields = fields
    inlines = [DeliveryAttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notice | None = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notice]) -> None:
        done = 0
        for notice in queryset:
            try:
                notice_retry(notice=notice)
            except NoticeError as error:
                self.message_user(request, f"#{notice.pk}: {error.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message will be sent again.",
                    "%(count)d messages will be sent again.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )


# --- the reminder schedule ----------------------------------------------------------------------


class ReminderStepFormSet(BaseInlineFormSet):
    """The steps of one schedule, checked together: each on its own day (they run in the order
    of their days), an administration fee only with a message, and nothing after the step
    that counts the loan as lost (a lost loan is closed: later steps would never run)."""

    def clean(self) -> None:
        self._clean_steps()  # first: a clearer word than the formset's own check of duplicates
        super().clean()

    def _clean_steps(self) -> None:
        steps = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("days_after_due") is None:
                continue
            steps.append(data)
            if (
                data.get("message") == ReminderMessage.NONE
                and (data.get("administration_fee") or Decimal("0")) > 0
            ):
                form.add_error(
                    "administration_fee",
                    _("An administration fee is charged with a message: choose a message."),
                )
        days = [step["days_after_due"] for step in steps]
        if len(days) != len(set(days)):
            raise ValidationError(_("Two steps of a schedule cannot fall on the same day."))
        lost = [step["days_after_due"] for step in steps if step.get("declare_lost")]
        if lost and max(days) > min(lost):
            raise ValidationError(
                _(
                    "The step that counts the loan as lost must be the last one: a lost loan "
                    "gets no further steps."
                )
            )


class ReminderStepInline(admin.TabularInline):
    model = ReminderStep
    formset = ReminderStepFormSet
    fields = (
        "days_after_due",
        "message",
        "channel",
        "administration_fee",
        "charge_replacement",
        "make_invoice",
        "declare_lost",
    )
    ordering = ("days_after_due",)
    extra = 1


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    """Which steps overdue loans go through, per member category (empty: the default)."""

    list_display = ("__str__", "step_days")
    inlines = [ReminderStepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReminderSchedule]:
        return super().get_queryset(request).select_related("category").prefetch_related("steps")

    @admin.display(description=_("steps (days after the due date)"))
    def step_days(self, schedule: ReminderSchedule) -> str:
        return ", ".join(
            f"+{step.days_after_due} {step.get_message_display()}"
            for step in sorted(schedule.steps.all(), key=lambda step: step.days_after_due)
        )
