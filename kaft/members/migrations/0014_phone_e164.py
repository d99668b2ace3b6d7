"""Existing phone numbers become E.164 (+31612345678), as kaft/members/phones.py keeps them.

A number that cannot be read, or that its country's numbering plan does not allow, is left as it
was; the migration names how many and which members (by id, never the number) so staff can ask
them for it. Going back leaves the numbers in E.164 (they are still the same numbers)."""

import sys

import phonenumbers
from django.db import migrations


def to_e164(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    unreadable = []
    for member in Member.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        text = member.phone.strip()
        if text.startswith("00"):
            text = "+" + text[2:]
        try:
            number = phonenumbers.parse(text, "NL")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            unreadable.append(member.pk)
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 != member.phone:
            Member.objects.filter(pk=member.pk).update(phone=e164)
    if unreadable:
        shown = ", ".join(str(pk) for pk in unreadable[:50])
        more = f" and {len(unreadable) - 50} more" if len(unreadable) > 50 else ""
        sys.stdout.write(
            f"\n  Phone numbers left as they were (not a number Kaft can read): "
            f"{len(unreadable)} member(s), ids {shown}{more}\n"
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0013_sms_titles")]

    operations = [migrations.RunPython(to_e164, migrations.RunPython.noop)]
