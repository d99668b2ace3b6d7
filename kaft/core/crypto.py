"""Encryption at rest for fields of special weight (a date of birth, a mandate's IBAN).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package)
under the keys in ``settings.KAFT_FIELD_KEYS``: the first key encrypts, every key decrypts. To
rotate, put a new key first, keep the old ones after it, and run ``kaft rotate-field-keys``: it
re-encrypts every encrypted column under the new key, after which the old key can be dropped.

The tokens are random per write, so an encrypted column cannot be searched or compared in SQL;
code reads the value on the Python side after it has found the row by something else.

Copies: a value that is encrypted in its own column is never stored in clear anywhere else
(produced data, snapshots, events, messages). Every encrypted field is an :class:`EncryptedField`,
so :func:`is_encrypted` knows it whatever its type; code that copies a field's value into a
stored row or JSON snapshot calls :func:`stored_copy`, which seals it (an ``f1:`` token, like the
column itself). :func:`unseal` opens the tokens in a snapshot only where it leaves Kaft (a
download), and ``kaft rotate-field-keys`` re-encrypts tokens inside JSON columns too.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, cast

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


class EncryptedField(models.TextField):
    """The base of every field stored encrypted (date of birth now, bank details later): a new
    encrypted field subclasses this, and every copy, snapshot and key rotation covers it."""

    def copy_text(self, value: Any) -> str:
        """The clear text of a Python value of this field, as it is sealed in a copy."""
        return str(value)


class EncryptedDateField(EncryptedField):
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

    def copy_text(self, value: Any) -> str:
        date = self.to_python(value)
        return "" if date is None else date.isoformat()


class EncryptedCharField(EncryptedField):
    """A short text stored encrypted (an IBAN). Python sees a ``str`` (or None)."""

    description = "A text, encrypted at rest"
    _pyi_private_set_type: str | None  # type: ignore[assignment]
    _pyi_private_get_type: str  # type: ignore[assignment]

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return None
        return decrypt_text(value)

    def to_python(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt_text(value)
        return str(value)

    def get_prep_value(self, value: Any) -> str | None:
        text = self.to_python(value)
        if text is None:
            return None
        return encrypt_text(text)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return models.Field.formfield(self, form_class=forms.CharField, **kwargs)

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def copy_text(self, value: Any) -> str:
        text = self.to_python(value)
        return "" if text is None else text


def is_encrypted(field: Any) -> bool:
    """Whether ``field`` (a model field) is stored encrypted."""
    return isinstance(field, EncryptedField)


def is_sealed(value: Any) -> bool:
    """Whether ``value`` is an encrypted token (as stored in an encrypted column or a copy)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def stored_copy(instance: models.Model, name: str) -> Any:
    """``instance.<name>`` as it may be copied into another stored row or JSON snapshot: the
    plain value, except for an encrypted field, whose value is sealed (None stays None)."""
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if not is_encrypted(field) or value is None:
        return value
    return encrypt_text(cast(EncryptedField, field).copy_text(value))


def unseal(data: Any) -> Any:
    """A JSON structure with every sealed string opened: for data at the moment it leaves Kaft."""
    if isinstance(data, dict):
        return {key: unseal(value) for key, value in data.items()}
    if isinstance(data, list):
        return [unseal(value) for value in data]
    if is_sealed(data):
        return decrypt_text(data)
    return data


def rotate_sealed(data: Any) -> Any:
    """A JSON structure with every sealed string re-encrypted under the current key."""
    if isinstance(data, dict):
        return {key: rotate_sealed(value) for key, value in data.items()}
    if isinstance(data, list):
        return [rotate_sealed(value) for value in data]
    if is_sealed(data):
        return rotate_token(data)
    return data


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) stored encrypted, for key rotation."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if is_encrypted(field)
    ]


def snapshot_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) of a JSON column: where sealed copies may live, for rotation."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.JSONField)
    ]
