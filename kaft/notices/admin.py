"""The outbox in the admin: look, filter, and send a failed message again. No editing."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaft.notices.errors import NoticeError
from kaft.notices.models import DeliveryAttempt, Notice
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
