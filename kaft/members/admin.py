from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kaft.members.models import MemberCategory, StaffProfile, User


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


@admin.register(User)
class KaftUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ("username", "is_staff", "is_active", "last_login")


@admin.register(MemberCategory)
class MemberCategoryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "name_en",
        "annual_fee",
        "min_age",
        "max_age",
        "charges_no_fines",
    )


# Members are deliberately not in the admin: member work happens at the desk, through the
# services and with every look written to the access log. The admin would bypass both.
