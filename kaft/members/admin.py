from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kaft.members.models import Address, Member, MemberCategory, StaffProfile, User


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


@admin.register(User)
class KaftUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ("username", "is_staff", "is_active", "last_login")


@admin.register(MemberCategory)
class MemberCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "annual_fee", "max_age")


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Kept minimal: member work happens at the desk, where every look is logged."""

    list_display = ("card_number", "status", "category", "home_branch")
    list_filter = ("status", "category", "home_branch")
    search_fields = ("card_number",)
    inlines = [AddressInline]
    raw_id_fields = ("user",)
