"""Stored family-request messages written before this version named the member who asked (by
first name); that copy would outlive the asker's erasure. They are rendered again with the
current text, which names nobody; the owner sees who asked in MijnBibliotheek."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def rerender_family_requests(apps, schema_editor):
    from kaft.notices.render import render_message

    Notice = apps.get_model("notices", "Notice")
    FamilyAccess = apps.get_model("members", "FamilyAccess")
    for notice in Notice.objects.filter(message_type="family_request").iterator():
        access_id = notice.dedup_key.rsplit(":", 1)[-1]
        access = FamilyAccess.objects.filter(pk=int(access_id)).first() if access_id.isdigit() else None
        answer_by = timezone.localtime(access.answer_by).date() if access is not None else None
        # Kaft's own text: the library's texts and details have no tables yet at this point.
        message = render_message(
            "family_request",
            language=notice.language,
            context={"answer_by": answer_by, "library_name": settings.KAFT_LIBRARY_NAME},
            library_texts=False,
        )
        Notice.objects.filter(pk=notice.pk).update(subject=message.subject, body=message.body)


class Migration(migrations.Migration):

    dependencies = [
        ("notices", "0004_message_types"),
        ("members", "0005_message_types"),
    ]

    operations = [migrations.RunPython(rerender_family_requests, migrations.RunPython.noop)]
