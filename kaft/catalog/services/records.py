"""Describing titles at the desk: a new title from the title form, a changed title form, a
changed MARC record; and the catalogue's part of merging and deleting titles.

The MARC record is what is stored; the title's columns are always derived from it by the
import's own mapping (:func:`kaft.catalog.marc.mapping.map_record`, the same ``RECORD_FIELDS``)
and the search index is refreshed in the same transaction by the same call the import makes
(:func:`kaft.catalog.search.search_index_records`), so a title described here is found exactly
as an imported one. The form is written into the MARC record by
:mod:`kaft.catalog.marc.editing`. Holdings fields (852, 949, 952) in an edited record make no
copies: copies are added at the desk.

Every change writes a :class:`~kaft.catalog.models.RecordEvent` (who, when, branch, the fields
changed; never a member). Each service runs in one transaction and locks the title first
(``kaft/catalog/locks.py``). A refusal raises :class:`~kaft.catalog.errors.CatalogError` and
writes nothing. Merging and deleting touch reservations and loans too, so the door calls
``kaft.circulation.services.records``, which calls :func:`record_absorb` and
:func:`record_remove` here after its own part.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pymarc
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.locks import record_for_update
from kaft.catalog.marc.editing import (
    Description,
    control_fields_set,
    description_apply,
    description_of,
    marc_bytes,
    marc_load,
    marc_new,
    marc_parse,
)
from kaft.catalog.marc.mapping import MissingTitle, RecordData, map_record
from kaft.catalog.models import Branch, Item, Record, RecordAction, RecordEvent
from kaft.catalog.search import search_index_records
from kaft.catalog.services.importing import RECORD_FIELDS
from kaft.core.actor import stored_login

# The columns a change lists in the title's history (the MARC itself is not listed).
SHOWN_FIELDS = [name for name in RECORD_FIELDS if name != "marc"]


def control_number_new() -> str:
    """A control number (001) for a title described at the desk: Kaft's own, never reused."""
    return f"kaft-{uuid.uuid4().hex[:16]}"


def record_marc(record: Record) -> pymarc.Record:
    """The title's MARC record: as stored, or (a title without one, from before the desk could
    describe titles) made from its columns."""
    marc = marc_load(record.marc)
    if marc is not None:
        return marc
    marc = marc_new(record.control_number or control_number_new())
    empty = Description(title="", language="")
    description_apply(marc, empty, record_description_of_columns(record))
    return marc


def record_description_of_columns(record: Record) -> Description:
    return Description(
        title=record.title,
        subtitle=record.subtitle,
        contributors=[(name, "") for name in record.contributor_list],
        isbn=record.isbn,
        publisher=record.publisher,
        year=record.year,
        language=record.language,
        material_type=record.material_type,
        audience=record.audience,
        subjects=record.subject_list,
        summary=record.summary,
    )


def record_description(record: Record) -> Description:
    """What the title form shows for this title, read from its MARC record."""
    try:
        return description_of(record_marc(record))
    except MissingTitle:  # a stored record without 245 $a (only the admin can make one)
        return record_description_of_columns(record)


def _mapped(marc: pymarc.Record) -> RecordData:
    try:
        return map_record(marc)
    except MissingTitle:
        raise CatalogError(CatalogErrorCode.NO_TITLE) from None


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _check_free(record: Record | None, data: RecordData) -> None:
    """Refuse a control number or ISBN another title has (a value the title already had is
    left alone: two imported titles may share one)."""
    others = Record.objects.exclude(pk=record.pk) if record else Record.objects.all()
    number_changed = record is None or record.control_number != data.control_number
    taken = others.filter(control_number=data.control_number).first() if number_changed else None
    if taken is not None:
        raise CatalogError(
            CatalogErrorCode.CONTROL_NUMBER_TAKEN,
            number=taken.pk,
            title=taken.title,
            control_number=data.control_number,
        )
    if data.isbn and (record is None or record.isbn != data.isbn):
        taken = others.filter(isbn=data.isbn).order_by("pk").first()
        if taken is not None:
            raise CatalogError(
                CatalogErrorCode.ISBN_TAKEN, number=taken.pk, title=taken.title, isbn=data.isbn
            )


def _store(
    record: Record | None,
    marc: pymarc.Record,
    *,
    action: RecordAction,
    staff: Any,
    branch: Branch | None,
    now: dt.datetime | None,
) -> tuple[Record, dict[str, list[str]]]:
    """Save ``marc`` as the title's record (a new title when ``record`` is None), its columns
    mapped from it, the index refreshed, the event written. Returns the title and the columns
    that changed (name: [old, new])."""
    control_fields_set(marc, (record.control_number if record else None) or control_number_new())
    data = _mapped(marc)
    raw = marc_bytes(marc)
    _check_free(record, data)
    before = Record(pk=record.pk, control_number=record.control_number) if record else None
    target = record or Record()
    changes: dict[str, list[str]] = {}
    for name in SHOWN_FIELDS:
        old, new = getattr(target, name), getattr(data, name)
        if record is None or old != new:
            changes[name] = [_shown(old) if record else "", _shown(new)]
        setattr(target, name, new)
    target.marc = raw
    try:
        with transaction.atomic():  # another desk taking the same 001 at this moment
            target.save()
    except IntegrityError:
        _check_free(before, data)
        raise
    search_index_records([target.pk])
    if changes or action == RecordAction.MARC:
        record_event_write(
            record=target, action=action, staff=staff, branch=branch, now=now, changes=changes
        )
    return target, changes


def record_event_write(
    *,
    record: Record,
    action: RecordAction,
    staff: Any,
    branch: Branch | None,
    now: dt.datetime | None = None,
    changes: dict[str, Any] | None = None,
) -> RecordEvent:
    return RecordEvent.objects.create(
        record=record,
        record_number=record.pk,
        title=record.title[:500],
        action=action,
        at=now or timezone.now(),
        branch=branch,
        staff=stored_login(staff),
        changes=changes or {},
    )


@transaction.atomic
def record_create(
    *, description: Description, staff: Any, branch: Branch | None, now: dt.datetime | None = None
) -> Record:
    """A new title from the title form: a MARC record of Kaft's own (001 ``kaft-…``) with the
    form's fields. Refused: an ISBN/EAN another title has."""
    marc = marc_new(control_number_new())
    description_apply(marc, Description(title="", language=""), description)
    record, _changes = _store(
        None, marc, action=RecordAction.CREATE, staff=staff, branch=branch, now=now
    )
    return record


@transaction.atomic
def record_describe(
    *,
    record_id: int,
    description: Description,
    staff: Any,
    branch: Branch | None,
    now: dt.datetime | None = None,
) -> tuple[Record, dict[str, list[str]]]:
    """The title form changed: only the MARC fields behind what changed are rewritten. Returns
    the title and its columns that changed (none: no event). Locks the title."""
    record = record_for_update(record_id)
    marc = record_marc(record)
    description_apply(marc, record_description(record), description)
    return _store(record, marc, action=RecordAction.EDIT, staff=staff, branch=branch, now=now)


@transaction.atomic
def record_marc_save(
    *, record_id: int, text: str, staff: Any, branch: Branch | None, now: dt.datetime | None = None
) -> tuple[Record, dict[str, list[str]]]:
    """The MARC editor's text becomes the title's record (a record without 001 keeps the title's
    control number); the columns follow through the import's mapping. Refused, with nothing
    written: a line that is no field, a repeated 001/003/005/008/245, no title (245 $a), a
    control number or ISBN of another title, a record past 99,999 bytes. Locks the title."""
    record = record_for_update(record_id)
    marc = marc_parse(text)
    return _store(record, marc, action=RecordAction.MARC, staff=staff, branch=branch, now=now)


def record_absorb(
    *,
    keep: Record,
    other: Record,
    staff: Any,
    branch: Branch | None,
    moved: dict[str, int],
    now: dt.datetime | None = None,
) -> RecordEvent:
    """The catalogue's part of a merge, run by ``kaft.circulation.services.records.record_merge``
    in its transaction with both titles locked, after it moved the reservations and loans:
    ``other``'s copies and history go to ``keep``, ``other`` is deleted, the index follows, and
    ``keep``'s history says who merged which title (its number, title, control number and ISBN)
    and how many of each moved (``moved``)."""
    copies = Item.objects.filter(record=other).update(record=keep)
    RecordEvent.objects.filter(record=other).update(record=keep)
    merged = {
        "number": other.pk,
        "title": other.title,
        "control_number": other.control_number or "",
        "isbn": other.isbn,
    }
    event = record_event_write(
        record=keep,
        action=RecordAction.MERGE,
        staff=staff,
        branch=branch,
        now=now,
        changes={"merged": merged, "moved": {"copies": copies, **moved}},
    )
    other_id = other.pk
    other.delete()
    search_index_records([keep.pk, other_id])
    return event


def record_remove(
    *, record: Record, staff: Any, branch: Branch | None, now: dt.datetime | None = None
) -> RecordEvent:
    """The catalogue's part of deleting a title, run by
    ``kaft.circulation.services.records.record_delete`` with the title locked after its checks:
    refused while the title has copies; the event keeps its number and title."""
    count = Item.objects.filter(record=record).count()
    if count:
        raise CatalogError(CatalogErrorCode.RECORD_HAS_COPIES, count=count)
    event = record_event_write(
        record=record,
        action=RecordAction.DELETE,
        staff=staff,
        branch=branch,
        now=now,
        changes={"control_number": record.control_number or "", "isbn": record.isbn},
    )
    record_id = record.pk
    record.delete()
    search_index_records([record_id])
    event.refresh_from_db()
    return event
