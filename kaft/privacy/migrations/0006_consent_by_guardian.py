"""Which yes a parent or guardian gave: it lapses on the member's 16th birthday (UAVG art. 5).

Existing consents are marked from their history: a current yes whose latest event was given by
a parent or guardian.
"""

from django.db import migrations, models


def mark_guardian_consents(apps, schema_editor):
    Consent = apps.get_model("privacy", "Consent")
    ConsentEvent = apps.get_model("privacy", "ConsentEvent")
    for consent in Consent.objects.filter(given=True).iterator():
        latest = (
            ConsentEvent.objects.filter(member_id=consent.member_id, purpose=consent.purpose)
            .order_by("-at", "-pk")
            .first()
        )
        if latest is not None and latest.given and latest.via == "guardian":
            Consent.objects.filter(pk=consent.pk).update(by_guardian=True)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0005_legal_produced_sealed"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="by_guardian",
            field=models.BooleanField(default=False, verbose_name="given by a parent or guardian"),
        ),
        migrations.RunPython(mark_guardian_consents, migrations.RunPython.noop),
    ]
