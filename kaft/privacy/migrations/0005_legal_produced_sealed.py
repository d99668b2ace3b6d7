"""Data produced for police or justice before encrypted values were sealed in copies: seal them.

Approved requests kept the date of birth (the member's, and the one asked for in a correction)
in clear in ``LegalRequest.produced``. This seals every value of a field that is encrypted in its
own column (``kaft.core.crypto.EncryptedField``), and replaces the links to other people that
were stored by name and card number (who ended a family access) and the names of staff in the
access log by the role they had, as data produced from now on does. Free text produced earlier
is left as it was.
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import migrations

from kaft.core.crypto import encrypt_text, is_encrypted, is_sealed

PEOPLE = ("members.Member", "members.User")
# Values that are a role already (PartyRole): a second run leaves them.
ROLE_VALUES = {"member", "family_member", "guardian", "child", "other_member", "staff"}
# The roles of links to another person, as in the register's ``roles`` at the time.
ROLES = {
    ("members.FamilyAccess", "owner"): "family_member",
    ("members.FamilyAccess", "grantee"): "family_member",
    ("members.FamilyAccess", "ended_by"): "family_member",
    ("members.FamilyAccessEvent", "owner"): "family_member",
    ("members.FamilyAccessEvent", "actor"): "family_member",
    ("members.GuardianLink", "child"): "child",
    ("members.GuardianLink", "guardian"): "guardian",
    ("privacy.ConsentEvent", "guardian"): "guardian",
    ("privacy.AccessLogEntry", "staff_name"): "staff",
}


def _display(member: Any) -> str:
    name = " ".join(p for p in (member.first_name, member.name_prefix, member.last_name) if p)
    return f"{name} ({member.card_number})"


def _row(model: Any, label: str, row: dict[str, Any], subject: Any) -> bool:
    changed = False
    for key, value in list(row.items()):
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if not isinstance(value, str) or not value or value in ROLE_VALUES:
            continue
        if is_encrypted(field) and not is_sealed(value):
            row[key] = encrypt_text(value)
        elif (label, key) in ROLES and not field.is_relation:
            row[key] = ROLES[(label, key)]
        elif field.is_relation and field.related_model._meta.label in PEOPLE:
            if label == "members.Member" and key == "user":
                continue  # the member's own login
            if field.related_model._meta.label == "members.Member":
                own = value == _display(subject)
                row[key] = "member" if own else ROLES.get((label, key), "other_member")
            else:
                row[key] = ROLES.get((label, key), "staff")
        else:
            continue
        changed = True
    return changed


def seal(apps: Any, schema_editor: Any) -> None:
    legal_model = apps.get_model("privacy", "LegalRequest")
    for legal in legal_model.objects.filter(produced__isnull=False).select_related("member"):
        produced = legal.produced
        data = produced.get("data") if isinstance(produced, dict) else None
        if not isinstance(data, dict):
            continue
        changed = False
        for tables in data.values():
            for label, rows in (tables or {}).items():
                try:
                    model = apps.get_model(label)
                except (LookupError, ValueError):
                    continue
                for row in rows or []:
                    if isinstance(row, dict):
                        changed = _row(model, label, row, legal.member) or changed
        if changed:
            legal_model.objects.filter(pk=legal.pk).update(produced=produced)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_default_statement"),
        ("members", "0005_message_types"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
