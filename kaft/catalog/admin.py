"""Admin for branches, titles and copies. Saving or deleting titles here keeps the index in step."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kaft.catalog.models import Branch, ClosedDay, Item, Record
from kaft.catalog.search import search_index_records


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "isil", "city")
    search_fields = ("name", "code", "isil", "city")
    inlines = [ClosedDayInline]


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    fields = ("barcode", "home_branch", "current_branch", "call_number", "item_type", "status")
    readonly_fields = ("status",)  # changed only by circulation services
    show_change_link = True


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "material_type", "language", "isbn", "control_number")
    list_filter = ("material_type", "audience", "language")
    search_fields = ("title", "isbn", "control_number")
    exclude = ("marc",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [ItemInline]

    def save_model(self, request: HttpRequest, obj: Record, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        search_index_records([obj.pk])

    def delete_model(self, request: HttpRequest, obj: Record) -> None:
        record_id = obj.pk
        super().delete_model(request, obj)
        search_index_records([record_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Record]) -> None:
        record_ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        search_index_records(record_ids)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("barcode", "record", "home_branch", "current_branch", "item_type", "status")
    list_filter = ("status", "item_type", "home_branch")
    list_select_related = ("record", "home_branch", "current_branch")
    search_fields = ("barcode", "record__title")
    raw_id_fields = ("record",)
    readonly_fields = ("status",)  # changed only by circulation services
