"""Empty what earlier versions copied into the change history from requests with a shorter rule.

A refused correction's reason belongs to the request, and how a lost-login check went to the
check; both are deleted under the answered-requests rule, while the history is kept as long as
the member. The history keeps only that it happened.
"""

from django.db import migrations


def drop_copied_reasons(apps, schema_editor):
    MemberEvent = apps.get_model("members", "MemberEvent")
    copied = MemberEvent.objects.filter(action__in=["identity_refused", "login_help"])
    copied.exclude(note="").update(note="")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_card_number_rule"),
    ]

    operations = [
        migrations.RunPython(drop_copied_reasons, migrations.RunPython.noop),
    ]
