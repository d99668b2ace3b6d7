"""Encryption at rest for fields of special weight (date of birth now, bank details later).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package)
under the keys in ``settings.KAFT_FIELD_KEYS``: the first key encrypts, every key decrypts. To
rotate, put a new key first, keep the old ones after it, and run ``kaft rotate-field-keys``: it
re-encrypts every encrypted column under the new key, after which the old key can be dropped.

The tokens are random per write, so an encrypted column cannot be searched or compared in SQL;
code reads the value on the Python side after it has found the row by something else.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "f1:"  # marks a Fernet token, so a plain value left by an old row is never mistaken


@functools.lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("KAFT_FIELD_KEYS is empty: Kaft needs a key to encrypt with.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"KAFT_FIELD_KEYS holds a key that is not a Fernet key: {exc}"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.KAFT_FIELD_KEYS))


def encrypt_text(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    try:
        return fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted field cannot be read with any key in KAFT_FIELD_KEYS."
        ) from exc


def rotate_token(token: str) -> str:
    """The same value encrypted under the current (first) key."""
    if not token.startswith(PREFIX):
        return token
    return PREFIX + fernet().rotate(token[len(PREFIX) :].encode()).decode()


class EncryptedDateField(models.TextField):
    """A date stored encrypted. Python sees a ``datetime.date`` (or None)."""

    description = "A date, encrypted at rest"
    # For django-stubs: what the attribute takes and gives on a model instance.
    _pyi_private_set_type: dt.date | str | None  # type: ignore[assignment]
    _pyi_private_get_type: dt.date  # type: ignore[assignment]

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> dt.date | None:
        if value is None or value == "":
            return None
        return dt.date.fromisoformat(decrypt_text(value))

    def to_python(self, value: Any) -> dt.date | None:
        if value is None or value == "" or isinstance(value, dt.date):
            return value or None
        if isinstance(value, str) and value.startswith(PREFIX):
            return dt.date.fromisoformat(decrypt_text(value))
        return dt.date.fromisoformat(str(value))

    def get_prep_value(self, value: Any) -> str | None:
        date = self.to_python(value)
        if date is None:
            return None
        return encrypt_text(date.isoformat())

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return models.Field.formfield(self, form_class=forms.DateField, **kwargs)

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) stored encrypted, for key rotation."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedDateField)
    ]
