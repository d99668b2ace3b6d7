"""The default reminder schedule: what most Dutch public libraries do, editable in the admin."""

from decimal import Decimal

from django.db import migrations

# days after the due date, message, channel ("" = the member's choice), fee, replacement,
# invoice, lost
DEFAULT_STEPS = [
    (7, "reminder", "", Decimal("0.00"), False, False, False),  # herinnering 1
    (21, "reminder", "", Decimal("0.00"), False, False, False),  # herinnering 2
    (42, "invoice", "letter", Decimal("2.50"), True, True, False),  # aanmaning with invoice
    (90, "none", "", Decimal("0.00"), False, False, True),  # long overdue: lost
]


def create_default(apps, schema_editor):
    schedule_model = apps.get_model("notices", "ReminderSchedule")
    step_model = apps.get_model("notices", "ReminderStep")
    if schedule_model.objects.filter(category__isnull=True).exists():
        return
    schedule = schedule_model.objects.create(category=None)
    for days, message, channel, fee, replacement, invoice, lost in DEFAULT_STEPS:
        step_model.objects.create(
            schedule=schedule,
            days_after_due=days,
            message=message,
            channel=channel,
            administration_fee=fee,
            charge_replacement=replacement,
            make_invoice=invoice,
            declare_lost=lost,
        )


def remove_default(apps, schema_editor):
    apps.get_model("notices", "ReminderSchedule").objects.filter(category__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0010_reminder_schedule")]

    operations = [migrations.RunPython(create_default, remove_default)]
