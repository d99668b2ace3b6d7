"""Empty the refusal reasons that earlier versions copied into the change history.

A refused correction's reason belongs to the request (deleted under the answered-requests rule);
a copy in the history would be kept as long as the member. The reason stays on the request.
"""

from django.db import migrations


def drop_copied_reasons(apps, schema_editor):
    MemberEvent = apps.get_model("members", "MemberEvent")
    MemberEvent.objects.filter(action="identity_refused").exclude(note="").update(note="")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_message_types"),
    ]

    operations = [
        migrations.RunPython(drop_copied_reasons, migrations.RunPython.noop),
    ]
