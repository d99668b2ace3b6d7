"""Mend the frame of a damaged ISO 2709 record: the way a permissive reader reads it.

The fields of a damaged record are usually intact, each ended by a field terminator (0x1E);
what breaks is the frame around them: a base address that points elsewhere, a stray byte in
the directory, a record length that is off, a lost record terminator (0x1D). :func:`rebuild`
makes leader and directory anew from the fields, when the directory still says which tag each
field has. :mod:`kaft.catalog.marc.reading` decides when to use it.
"""

from __future__ import annotations

import re

END_OF_RECORD = 0x1D
FIELD_TERMINATOR = 0x1E
_TAG = re.compile(rb"[0-9A-Za-z]{3}")
_DIRECTORY = re.compile(rb"(?:[0-9A-Za-z]{3}[0-9]{9})+")
# A field terminator followed by a leader: record length, status, type, level, control, coding,
# indicator and subfield-code counts, base address.
NEXT_LEADER = re.compile(rb"\x1e(?=\d{5}[a-z][a-z][a-z ][ a-z][ a]\d\d\d{5})")


def directory_sound(chunk: bytes) -> bool:
    """Whether the directory is whole: entries of a tag and nine digits ending at the base
    address, one field terminator after the base address for each entry, and the field that
    ends last ending where the record does. pymarc reads a shifted directory without complaint, into
    fields with wrong tags. (Checked with a few calls in C: this runs for every record.)"""
    if not chunk[12:17].isdigit():
        return False
    base = int(chunk[12:17])
    directory = chunk[24 : base - 1]
    if base < 25 or chunk[base - 1 : base] != b"\x1e" or not _DIRECTORY.fullmatch(directory):
        return False
    entries = len(directory) // 12
    if not entries or chunk.count(FIELD_TERMINATOR, base) != entries:
        return False
    last = directory[-12:]
    if base + int(last[7:12]) + int(last[3:7]) == len(chunk) - 1:
        return True
    # Entries need not be in the order of their fields: the field that ends last.
    ends = (
        int(directory[i + 7 : i + 12]) + int(directory[i + 3 : i + 7])
        for i in range(0, len(directory), 12)
    )
    return base + max(ends) == len(chunk) - 1


def _tags(directory: bytes, fields: list[bytes]) -> list[bytes] | None:
    """The tag of each field: the three bytes before the entry that has the field's length and
    offset (which survives stray bytes in the directory, and a length that lost a digit), else
    the directory read in steps of twelve when that gives one valid tag per field."""
    tags, offset = [], 0
    for value in fields:
        size = len(value) + 1
        # Anywhere in the directory: its entries need not be in the order of the fields.
        for key in (b"%04d%05d" % (size, offset), b"%03d%05d" % (size, offset)):
            found = directory.find(key)
            if found >= 3 and _TAG.fullmatch(directory[found - 3 : found]):
                break
        else:
            break
        tags.append(directory[found - 3 : found])
        offset += size
    else:
        return tags
    steps = [directory[i : i + 3] for i in range(0, len(directory) - len(directory) % 12, 12)]
    if len(steps) == len(fields) and all(_TAG.fullmatch(tag) for tag in steps):
        return steps
    return None


def split_fields(chunk: bytes) -> list[tuple[bytes, bytes]] | None:
    """(tag, field bytes without terminator) for each field, or None when the directory's tags
    and the fields between terminators do not pair up one to one."""
    end = chunk.find(bytes([FIELD_TERMINATOR]), 24)
    if len(chunk) < 24 or end < 0:
        return None
    directory = chunk[24:end]
    body = chunk[end + 1 :].removesuffix(bytes([END_OF_RECORD]))
    if bytes([END_OF_RECORD]) in body:
        return None  # two records run together
    fields = body.split(bytes([FIELD_TERMINATOR]))
    if fields and fields[-1] == b"":
        fields.pop()
    tags = _tags(directory, fields)
    if not fields or tags is None:
        return None
    return list(zip(tags, fields, strict=True))


def rebuild(leader: bytes, fields: list[tuple[bytes, bytes]]) -> bytes | None:
    """The record with a leader and directory made anew from ``fields``, or None when it is
    too long for ISO 2709 (99,999 bytes, 9,999 per field)."""
    entries, data, offset = [], [], 0
    for tag, value in fields:
        if len(value) + 1 > 9999:
            return None
        entries.append(tag + b"%04d%05d" % (len(value) + 1, offset))
        data.append(value + bytes([FIELD_TERMINATOR]))
        offset += len(value) + 1
    base = 24 + 12 * len(entries) + 1
    length = base + offset + 1
    if length > 99999:
        return None
    indicators = leader[10:12] if leader[10:12].isdigit() else b"22"
    leader = b"%05d" % length + leader[5:10] + indicators + b"%05d" % base + leader[17:20] + b"4500"
    body = b"".join(entries) + bytes([FIELD_TERMINATOR]) + b"".join(data)
    return leader + body + bytes([END_OF_RECORD])
