"""The library's own details (name, address, contact, logo) for pages, messages and letters.

Administrators change them at the desk (*Bibliotheekgegevens*); until they do, the settings give
them (``KAFT_LIBRARY_NAME``, ``KAFT_LIBRARY_ADDRESS``, ``KAFT_LIBRARY_PHONE``). :func:`library`
reads the one :class:`~kaft.core.models.LibraryProfile` row through a :class:`~kaft.core.memo.Memo`,
so a page or a batch of messages costs no query for it; every worker sees a change within a
minute. Every change is recorded (:mod:`kaft.core.settings_log`).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode
from kaft.core.memo import Memo
from kaft.core.models import LibraryProfile
from kaft.core.settings_log import setting_changes_write

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 2000  # pixels
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}  # never SVG: it can carry script
FIELDS = ("name", "street", "postcode", "city", "phone", "email", "website")


class LibraryErrorCode(ErrorCode):
    NAME_REQUIRED = "name_required"
    LOGO_INVALID = "logo_invalid"
    LOGO_TOO_LARGE = "logo_too_large"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.NAME_REQUIRED: _("The library needs a name."),
            cls.LOGO_INVALID: _("The logo must be a PNG or JPEG picture. Nothing was changed."),
            cls.LOGO_TOO_LARGE: _(
                "The logo may be at most 512 KB and 2000 by 2000 pixels. Nothing was changed."
            ),
        }


class LibraryError(DomainError):
    pass


@dataclass(frozen=True)
class Library:
    name: str
    street: str
    postcode: str
    city: str
    phone: str
    email: str
    website: str
    logo_version: str  # "" when there is no logo; changes with the picture (cache busting)

    @property
    def address_lines(self) -> list[str]:
        place = f"{self.postcode} {self.city}".strip()
        return [line for line in (self.street, place) if line]


DUTCH_POSTCODE = re.compile(r"^(\d{4}\s?[A-Za-z]{2})\s+(.+)$")


def _from_settings() -> Library:
    lines = list(settings.KAFT_LIBRARY_ADDRESS)
    last = lines[-1] if lines else ""
    found = DUTCH_POSTCODE.match(last)
    postcode, city = (found.group(1), found.group(2)) if found else ("", last)
    return Library(
        name=settings.KAFT_LIBRARY_NAME,
        street=", ".join(lines[:-1]),
        postcode=postcode,
        city=city,
        phone=settings.KAFT_LIBRARY_PHONE,
        email="",
        website="",
        logo_version="",
    )


def _stored() -> Library | None:
    row = LibraryProfile.objects.defer("logo").order_by("pk").first()  # the picture: when shown
    if row is None:
        return None
    return Library(
        name=row.name,
        street=row.street,
        postcode=row.postcode,
        city=row.city,
        phone=row.phone,
        email=row.email,
        website=row.website,
        logo_version=_logo_version(row) if row.logo_type else "",
    )


def _logo_version(row: LibraryProfile) -> str:
    return hashlib.sha256(f"{row.pk}:{row.changed_at.isoformat()}".encode()).hexdigest()[:12]


_MEMO: Memo[Library | None] = Memo(_stored)


def library() -> Library:
    """The library's details as pages, messages and letters show them."""
    return _MEMO.get() or _from_settings()


def library_forget() -> None:
    _MEMO.forget()


def library_preset_empty() -> None:
    """Tests: the database has no row (so no query is spent finding that out)."""
    _MEMO.preset(None)


def library_logo() -> tuple[bytes, str, str] | None:
    """The logo, its media type and its version, or None."""
    row = LibraryProfile.objects.only("logo", "logo_type", "changed_at").order_by("pk").first()
    if row is None or not row.logo_type:
        return None
    return bytes(row.logo), row.logo_type, _logo_version(row)


def logo_check(data: bytes) -> str:
    """The media type of ``data`` if it is an acceptable logo; else :class:`LibraryError`."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        raise LibraryError(LibraryErrorCode.LOGO_TOO_LARGE)
    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind = picture.format or ""
            width, height = picture.size
            picture.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise LibraryError(LibraryErrorCode.LOGO_INVALID) from error
    if kind not in LOGO_TYPES:
        raise LibraryError(LibraryErrorCode.LOGO_INVALID)
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise LibraryError(LibraryErrorCode.LOGO_TOO_LARGE)
    return LOGO_TYPES[kind]


@transaction.atomic
def library_profile_save(
    *,
    values: Mapping[str, str],
    staff: Any,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> LibraryProfile:
    """Store the library's details (``values``: the :data:`FIELDS`); a new ``logo`` replaces
    the old one, ``remove_logo`` takes it away. Refused: no name, a logo that is not a PNG or
    JPEG picture or is too large. Every field changed is recorded."""
    cleaned = {field: str(values.get(field, "") or "").strip() for field in FIELDS}
    if not cleaned["name"]:
        raise LibraryError(LibraryErrorCode.NAME_REQUIRED)
    logo_type = logo_check(logo) if logo is not None else None
    row = LibraryProfile.objects.select_for_update().order_by("pk").first()
    before = _stored() or _from_settings()
    had_logo = bool(row and row.logo_type)
    if row is None:
        row = LibraryProfile(**cleaned)
    for field, value in cleaned.items():
        setattr(row, field, value)
    changes: dict[str, tuple[Any, Any]] = {
        field: (getattr(before, field), cleaned[field]) for field in FIELDS
    }
    if logo is not None and logo_type is not None:
        row.logo, row.logo_type = logo, logo_type
        changes["logo"] = (_("a logo") if had_logo else None, _("a new logo"))
    elif remove_logo and had_logo:
        row.logo, row.logo_type = b"", ""
        changes["logo"] = (_("a logo"), None)
    row.save()
    setting_changes_write(
        subject="library", target=str(_("The library")), changes=changes, staff=staff
    )
    library_forget()
    transaction.on_commit(library_forget)
    return row
