"""``kaft rotate-field-keys``: re-encrypt every encrypted column under the first key.

Put the new key first in ``KAFT_FIELD_KEYS`` and keep the old ones after it; run this; then the
old keys can be removed. Rows are read in chunks as raw (still encrypted) column values, rotated
in Python (Fernet's rotate: decrypt with any key, encrypt with the first) and written back with
one UPDATE per chunk: two queries per chunk, never one per row. Safe to run again.

Sealed copies of encrypted values inside JSON columns (the data produced for a request from police
or justice, see :func:`kaft.core.crypto.stored_copy`) are re-encrypted too, row by row: only rows
that hold a token are written.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.db.models import Case, Value, When
from django.db.models.functions import Cast

from kaft.core.crypto import (
    PREFIX,
    encrypted_fields,
    fernet,
    rotate_sealed,
    rotate_token,
    snapshot_fields,
)

CHUNK = 500


def rotate_field(model: type[models.Model], field_name: str, *, chunk: int = CHUNK) -> int:
    """Re-encrypt ``field_name`` in every row of ``model``; return the number of values."""
    pk_name = "pk"
    manager = model._base_manager
    done = 0
    last_pk: Any = None
    while True:
        rows = manager.filter(**{f"{field_name}__isnull": False}).order_by(pk_name)
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        # Cast to plain text: the raw column value, not decrypted by the field on the way out.
        raw = list(
            rows.annotate(_raw=Cast(field_name, output_field=models.TextField())).values_list(
                pk_name, "_raw"
            )[:chunk]
        )
        if not raw:
            return done
        last_pk = raw[-1][0]
        rotated = [(pk, _rotated(model, field_name, pk, token)) for pk, token in raw if token]
        if rotated:
            with transaction.atomic():
                manager.filter(pk__in=[pk for pk, _token in rotated]).update(
                    **{
                        field_name: Case(
                            *[
                                When(pk=pk, then=Value(token, output_field=models.TextField()))
                                for pk, token in rotated
                            ],
                            output_field=models.TextField(),
                        )
                    }
                )
            done += len(rotated)


def rotate_snapshots(model: type[models.Model], field_name: str, *, chunk: int = CHUNK) -> int:
    """Re-encrypt the sealed values inside the JSON column ``field_name`` of every row of
    ``model``; return the number of rows that held one."""
    manager = model._base_manager
    done = 0
    last_pk: Any = None
    while True:
        rows = manager.filter(**{f"{field_name}__isnull": False}).order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows.values_list("pk", field_name)[:chunk])
        if not batch:
            return done
        last_pk = batch[-1][0]
        for pk, data in batch:
            if PREFIX not in json.dumps(data):
                continue
            try:
                rotated = rotate_sealed(data)
            except InvalidToken as exc:
                raise ImproperlyConfigured(
                    f"{model._meta.label}.{field_name} of row {pk} holds a value that cannot be "
                    "read with any key in KAFT_FIELD_KEYS: keep the old key after the new one "
                    "until the rotation is done."
                ) from exc
            manager.filter(pk=pk).update(**{field_name: rotated})
            done += 1


def _rotated(model: type[models.Model], field_name: str, pk: Any, token: str) -> str:
    try:
        return rotate_token(token)
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            f"{model._meta.label}.{field_name} of row {pk} cannot be read with any key in "
            "KAFT_FIELD_KEYS: keep the old key after the new one until the rotation is done."
        ) from exc


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the first key in KAFT_FIELD_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk", type=int, default=CHUNK, help="rows per bulk update")

    def handle(self, *args: Any, **options: Any) -> None:
        fernet()  # a missing or malformed key fails here, before any row is touched
        total = 0
        for model, field_name in encrypted_fields():
            count = rotate_field(model, field_name, chunk=options["chunk"])
            total += count
            label = f"{model._meta.label}.{field_name}"
            self.stdout.write(f"{label}: {count} re-encrypted")
        for model, field_name in snapshot_fields():
            count = rotate_snapshots(model, field_name, chunk=options["chunk"])
            if count:
                total += count
                label = f"{model._meta.label}.{field_name}"
                self.stdout.write(f"{label}: {count} rows with sealed copies re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} values re-encrypted."))
