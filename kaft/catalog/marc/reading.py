"""Split a MARC file into records, one :class:`ReadRecord` per record, bad ones included.

ISO 2709 is read record by record with our own framing, so that each record can be decoded in
the character set it really uses and a damaged record never stops the rest of the file:

* leader/09 ``a`` means UTF-8; a record without that flag whose bytes are valid UTF-8, contain
  non-ASCII bytes and no MARC-8 escape sequence (ESC) is read as UTF-8 too (a common export
  fault); anything else is MARC-8. A record flagged UTF-8 whose bytes are MARC-8 or Latin-1 is
  read in that character set, with a warning (:mod:`kaft.catalog.marc.charsets`). Other invalid
  UTF-8 bytes become U+FFFD instead of losing the record.
* Whitespace between records and at the end of the file (a trailing newline) is skipped.
* A damaged record is first given to pymarc with its own lenient options (invalid UTF-8
  replaced, the character set forced). When pymarc refuses its leader or directory (a bad base
  address, a directory entry with extra bytes), the record is read the way a permissive reader
  does: the tags from the directory, the fields from the field terminators (0x1E), provided the
  two counts agree. Such a record is imported with a warning (``warning``).
* A record whose leader length does not end on a record terminator is read up to its real end:
  the next record terminator, or the end of a field that is followed at once by the next
  record's leader (the terminator itself is lost); again only when the directory agrees with
  the fields found, and with a warning. Otherwise it is reported, and reading resumes there.

MARCXML is parsed as a whole first: a file that is not well-formed XML is refused as a whole, so
nothing of it is imported (see :class:`FileProblem`).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax import SAXParseException

import pymarc
from pymarc import Subfield
from pymarc import exceptions as marc_errors
from pymarc.marc8 import marc8_to_unicode
from pymarc.marcxml import XmlHandler, parse_xml

from kaft.catalog.errors import CatalogErrorCode
from kaft.catalog.marc.charsets import from_latin1, wrong_utf8_flag
from kaft.catalog.marc.repair import (
    END_OF_RECORD,
    NEXT_LEADER,
    directory_sound,
    rebuild,
    split_fields,
)

ESCAPE = 0x1B
_LONGEST_SPAN = 16_000_000  # a HathiTrust serial record can pass 1 MB
_WHITESPACE = b" \t\r\n\x00\x1a"
_CONTROL_NUMBER = re.compile(rb"\x1e([^\x1e\x1d]{1,64})\x1e")


@dataclass
class ReadRecord:
    """One record of a file, or the reason it could not be read."""

    position: int  # 1-based number of the record in its file
    record: pymarc.Record | None = None
    marc: bytes | None = None  # the record as ISO 2709, as received (MARCXML: as UTF-8)
    code: CatalogErrorCode | None = None
    params: dict[str, Any] = field(default_factory=dict)
    control_number: str | None = None
    size: int = 0  # bytes of the file this record took, for the progress bar
    warning: CatalogErrorCode | None = None  # read, but from damaged bytes


class FileProblem(Exception):
    """The file as a whole cannot be read; ``position`` is the record where reading failed."""

    def __init__(self, code: CatalogErrorCode, position: int = 0, **params: Any) -> None:
        self.code = code
        self.position = position
        self.params = params
        super().__init__(code.value)


def file_format(path: Path) -> str:
    """``"iso2709"``, ``"marcxml"`` or ``"empty"``; raises FileProblem when it is neither."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise FileProblem(
            CatalogErrorCode.FILE_UNREADABLE, detail=exc.strerror or str(exc)
        ) from exc
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip(_WHITESPACE)
    if not head:
        return "empty"
    if head.startswith(b"<"):
        return "marcxml"
    if head[:5].isdigit():
        return "iso2709"
    raise FileProblem(CatalogErrorCode.NOT_MARC, position=1)


def read_file(path: Path) -> Iterator[ReadRecord]:
    kind = file_format(path)
    if kind == "marcxml":
        yield from read_marcxml(path)
    elif kind == "iso2709":
        with path.open("rb") as handle:
            yield from read_iso2709(handle)


# --- ISO 2709 -------------------------------------------------------------------------------


def _is_utf8(chunk: bytes) -> bool:
    if chunk[9:10] == b"a":
        return True
    if ESCAPE in chunk or chunk.isascii():
        return False
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _skip_past_terminator(handle: IO[bytes], start: int) -> None:
    handle.seek(start)
    while block := handle.read(8192):
        index = block.find(bytes([END_OF_RECORD]))
        if index >= 0:
            handle.seek(start + index + 1)
            return
        start += len(block)


def _control_number(chunk: bytes, tag: bytes = b"001") -> str | None:
    """The 001 (or another control field) of a record, when its directory says where it is."""
    try:
        base = int(chunk[12:17])
        directory = chunk[24 : base - 1]
        for offset in range(0, len(directory) - 11, 12):
            if directory[offset : offset + 3] == tag:
                length = int(directory[offset + 3 : offset + 7])
                start = base + int(directory[offset + 7 : offset + 12])
                value = chunk[start : start + length].rstrip(b"\x1e").decode("utf-8").strip()
                return value or None
    except (ValueError, UnicodeDecodeError):
        return None
    return None


def agency_of(marc: bytes | memoryview | None) -> str:
    """The 003 (whose numbering the 001 follows) of a stored record, or ``""``."""
    if not marc:
        return ""
    return _control_number(bytes(marc), b"003") or ""


_PYMARC_ERRORS: list[tuple[type[Exception], CatalogErrorCode]] = [
    (marc_errors.BaseAddressInvalid, CatalogErrorCode.BASE_ADDRESS_INVALID),
    (marc_errors.BaseAddressNotFound, CatalogErrorCode.BASE_ADDRESS_MISSING),
    (marc_errors.RecordDirectoryInvalid, CatalogErrorCode.DIRECTORY_INVALID),
    # Data is decoded leniently, so a decoding error can only come from the directory.
    (UnicodeDecodeError, CatalogErrorCode.DIRECTORY_INVALID),
    (marc_errors.NoFieldsFound, CatalogErrorCode.NO_FIELDS),
    (ValueError, CatalogErrorCode.DIRECTORY_INVALID),  # a length or offset that is no number
]


def _to_nfc(record: pymarc.Record) -> None:
    """UTF-8 records may carry decomposed accents (e + U+0301); the catalogue keeps NFC."""
    for item in record.fields:
        if item.is_control_field():
            item.data = unicodedata.normalize("NFC", item.data or "")
            continue
        item.subfields = [
            sub
            if sub.value.isascii()
            else Subfield(sub.code, unicodedata.normalize("NFC", sub.value))
            for sub in item.subfields
        ]


def _pymarc_record(chunk: bytes) -> pymarc.Record:
    utf8 = _is_utf8(chunk)
    record = pymarc.Record(
        data=chunk,
        to_unicode=True,
        force_utf8=utf8,
        hide_utf8_warnings=True,
        utf8_handling="replace",
    )
    if utf8 and not chunk.isascii():
        _to_nfc(record)
    return record


def _refusal(position: int, chunk: bytes, exc: Exception) -> ReadRecord:
    for kind, code in _PYMARC_ERRORS:
        if isinstance(exc, kind):
            return ReadRecord(
                position, code=code, control_number=_control_number(chunk), size=len(chunk)
            )
    return ReadRecord(
        position,
        code=CatalogErrorCode.RECORD_UNREADABLE,
        params={"detail": str(exc) or type(exc).__name__},
        control_number=_control_number(chunk),
        size=len(chunk),
    )


def _text(raw: bytes, utf8: bool) -> str:
    return raw.decode("utf-8", "replace") if utf8 else marc8_to_unicode(raw, True)


def _assemble(chunk: bytes, fields: list[tuple[bytes, bytes]]) -> pymarc.Record:
    """A record too long for ISO 2709 (a serial with thousands of holdings), built field by
    field the way pymarc decodes them."""
    utf8 = _is_utf8(chunk)
    record = pymarc.Record(leader=chunk[:24].decode("ascii", "replace"), force_utf8=utf8)
    for raw_tag, value in fields:
        tag = raw_tag.decode("ascii")
        if tag < "010" and tag.isdigit():
            record.add_field(pymarc.Field(tag=tag, data=_text(value, utf8)))
            continue
        first, *parts = value.split(b"\x1f")
        indicators = (first.decode("ascii", "replace") + "  ")[:2]
        subfields = [
            Subfield(part[:1].decode("ascii", "replace"), _text(part[1:], utf8))
            for part in parts
            if part
        ]
        record.add_field(
            pymarc.Field(
                tag=tag,
                indicators=pymarc.Indicators(indicators[0], indicators[1]),
                subfields=subfields,
            )
        )
    if utf8:
        _to_nfc(record)
    return record


def _rebuilt(
    position: int, chunk: bytes, size: int, warning: CatalogErrorCode
) -> ReadRecord | None:
    fields = split_fields(chunk)
    if fields is None:
        return None
    if wrong_utf8_flag(chunk) == "latin1":
        fields = [(tag, from_latin1(value)) for tag, value in fields]
    repaired = rebuild(chunk[:24], fields)
    try:
        if repaired is None:
            record, warning = _assemble(chunk, fields), CatalogErrorCode.RECOVERED_OVERSIZE
        else:
            record = _pymarc_record(repaired)
    except Exception:  # the rebuilt record is no better
        return None
    if not record.fields:
        return None
    return ReadRecord(position, record=record, marc=repaired, size=size, warning=warning)


def _parse(position: int, chunk: bytes) -> ReadRecord:
    sound = directory_sound(chunk)
    flag = wrong_utf8_flag(chunk)
    if flag == "marc8":  # the same bytes, read as MARC-8
        chunk = chunk[:9] + b" " + chunk[10:]
    if not sound or flag == "latin1":
        warning = CatalogErrorCode.RECOVERED_DIRECTORY
        if sound:
            warning = CatalogErrorCode.RECOVERED_LATIN1
        recovered = _rebuilt(position, chunk, len(chunk), warning)
        if recovered is not None:
            return recovered
    if flag == "marc8" and sound:
        try:
            record = _pymarc_record(chunk)
        except Exception as exc:  # reported as any other unreadable record
            return _refusal(position, chunk, exc)
        warning = CatalogErrorCode.RECOVERED_MARC8
        return ReadRecord(position, record=record, marc=chunk, size=len(chunk), warning=warning)
    if not chunk[12:17].isdigit():
        return ReadRecord(position, code=CatalogErrorCode.BASE_ADDRESS_INVALID, size=len(chunk))
    try:
        return ReadRecord(position, record=_pymarc_record(chunk), marc=chunk, size=len(chunk))
    except Exception as exc:  # pymarc raises many kinds; each becomes a reported problem
        return _refusal(position, chunk, exc)


def _recover_unterminated(handle: IO[bytes], position: int, start: int, chunk: bytes) -> ReadRecord:
    """A record whose leader length does not end on a terminator: it runs to the next
    terminator, or to the end of a field followed by what looks like the next record's leader
    (a lost terminator). Read from there with a warning when its directory agrees."""
    handle.seek(start)
    gathered = bytearray()
    while len(gathered) < _LONGEST_SPAN and (block := handle.read(65536)):
        index = block.find(bytes([END_OF_RECORD]))
        if index >= 0:
            gathered += block[: index + 1]
            break
        gathered += block
    span = bytes(gathered)
    following = NEXT_LEADER.search(span, 24)
    found = span[: following.start() + 1] if following else span
    handle.seek(start + len(found))
    recovered = _rebuilt(position, found, len(found), CatalogErrorCode.RECOVERED_END_OF_RECORD)
    if recovered is not None:
        return recovered
    return ReadRecord(
        position,
        code=CatalogErrorCode.END_OF_RECORD_MISSING,
        control_number=_control_number(chunk),
        size=len(found),
    )


def read_iso2709(handle: IO[bytes]) -> Iterator[ReadRecord]:
    position = 0
    while True:
        start = handle.tell()
        first = handle.read(5)
        skipped = len(first) - len(first.lstrip(_WHITESPACE))
        while first and skipped:  # whitespace between records
            start += skipped
            handle.seek(start)
            first = handle.read(5)
            skipped = len(first) - len(first.lstrip(_WHITESPACE))
        if not first:
            return
        position += 1
        if len(first) < 5:
            yield ReadRecord(position, code=CatalogErrorCode.RECORD_TRUNCATED, size=len(first))
            return
        if not first.isdigit() or int(first) < 25:
            _skip_past_terminator(handle, start)
            size = handle.tell() - start
            yield ReadRecord(position, code=CatalogErrorCode.RECORD_LENGTH_INVALID, size=size)
            continue
        chunk = first + handle.read(int(first) - 5)
        if len(chunk) < int(first):
            if END_OF_RECORD in chunk:  # the length is too long, and this is the last record
                yield _recover_unterminated(handle, position, start, chunk)
                continue
            yield ReadRecord(
                position,
                code=CatalogErrorCode.RECORD_TRUNCATED,
                control_number=_control_number(chunk),
                size=len(chunk),
            )
            return
        if chunk[-1] != END_OF_RECORD:
            yield _recover_unterminated(handle, position, start, chunk)
            continue
        yield _parse(position, chunk)


# --- MARCXML --------------------------------------------------------------------------------


class _Collector(XmlHandler):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(strict=False, normalize_form="NFC")
        self.records: list[pymarc.Record] = []

    def process_record(self, record: pymarc.Record) -> None:
        self.records.append(record)


def _as_marc(record: pymarc.Record) -> bytes | None:
    try:
        return bytes(record.as_marc())
    except Exception:  # a record pymarc cannot serialise is still imported, without its copy
        return None


def read_marcxml(path: Path) -> Iterator[ReadRecord]:
    try:
        with path.open("rb") as handle:
            records = _parse_marcxml(handle)
    except OSError as exc:
        raise FileProblem(CatalogErrorCode.FILE_UNREADABLE, detail=str(exc)) from exc
    size = path.stat().st_size // max(1, len(records))
    for index, record in enumerate(records, start=1):
        yield ReadRecord(index, record=record, marc=_as_marc(record), size=size)


def read_marcxml_bytes(data: bytes) -> Iterator[ReadRecord]:
    """MARCXML received over the network (copy cataloguing), read as a file of it is."""
    records = _parse_marcxml(io.BytesIO(data))
    size = len(data) // max(1, len(records))
    for index, record in enumerate(records, start=1):
        yield ReadRecord(index, record=record, marc=_as_marc(record), size=size)


def _parse_marcxml(handle: IO[bytes]) -> list[pymarc.Record]:
    collector = _Collector()
    try:
        parse_xml(handle, collector)
    except SAXParseException as exc:
        detail = f"{exc.getLineNumber()}:{exc.getColumnNumber()} {exc.getMessage()}"
        raise FileProblem(
            CatalogErrorCode.XML_MALFORMED, position=len(collector.records) + 1, detail=detail
        ) from exc
    return collector.records
