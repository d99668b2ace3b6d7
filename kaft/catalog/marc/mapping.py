"""Map a MARC21 bibliographic record onto the catalogue's fields.

Identity: 001 (with its 003, see :func:`kaft.catalog.services.importing.separate_agencies`), else the
first 035 $a, else the ISBN, else ``kaft:<hash>`` of title, contributors,
publisher and year (so a record without any number is still found again on re-import).

Holdings (852, 949, Koha's 952) become items, one per field: see :mod:`kaft.catalog.marc.holdings`.
A holding without a barcode gets a generated one (see :func:`generated_barcode`). Which branch a
location code means, and what happens to a copy of another library, is decided by the importer.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import pymarc

from kaft.catalog.isbn import normalise_isbn
from kaft.catalog.marc.holdings import HoldingData, holdings_in
from kaft.catalog.models import Audience, MaterialType

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_NUMBER = re.compile(r"\d+")
_TRAILING = " /:;,.="
_YOUTH_WORDS = ("juvenile", "children", "kinder", "jeugd", "jongeren", "kids", "young")
_ELECTRONIC_WORDS = ("ebook", "e-book", "electronic book", "online")
_BLANK_LANGUAGES = {"", "   ", "|||", "zxx", "und", "###"}


@dataclass
class RecordData:
    control_number: str
    isbn: str
    title: str
    subtitle: str = ""
    contributors: str = ""
    publisher: str = ""
    year: int | None = None
    language: str = ""
    material_type: str = MaterialType.BOOK
    subjects: str = ""
    audience: str = Audience.ADULT
    summary: str = ""
    holdings: list[HoldingData] = field(default_factory=list)
    agency: str = ""  # 003: whose numbering the 001 follows


class MissingTitle(Exception):
    """The record has no 245 $a."""


class UnimarcRecord(MissingTitle):
    """The record has no 245 $a but a 200 $a: it is UNIMARC, whose title sits in 200."""


def clean(text: str) -> str:
    """NFC, single spaces, without the ISBD punctuation cataloguers put at the end of a part."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    while text and text[-1] in _TRAILING:
        # Keep the full stop of an initial ("Smith, J.").
        if text[-1] == "." and len(text) >= 2 and text[-2].isupper() and text[-3:-2] in (" ", ""):
            break
        text = text[:-1].rstrip()
    return text


def _dedupe(values: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            result.append(value)
    return result


def _first(fields: list[pymarc.Field], *codes: str) -> str:
    for item in fields:
        for value in item.get_subfields(*codes):
            if value.strip():
                return value
    return ""


def generated_barcode(control_number: str, number: int) -> str:
    """A stable barcode for copy ``number`` of a record: the same on every re-import."""
    digest = hashlib.sha1(control_number.encode("utf-8")).hexdigest()[:16].upper()
    return f"K{digest}{number:02d}"


def _material_type(leader: str, by_tag: dict[str, list[pymarc.Field]], f008: str) -> str:
    kind, level = leader[6:7], leader[7:8]
    if level == "s" and kind in ("a", "t"):
        return MaterialType.MAGAZINE
    if kind in ("a", "t"):
        electronic = any((f.data or "")[:1] == "c" for f in by_tag.get("007", []))
        electronic = electronic or f008[23:24] in ("o", "q", "s")
        for item in by_tag.get("338", []):
            text = " ".join(item.get_subfields("a", "b")).lower()
            electronic = electronic or "online" in text or "cr" in text.split()
        for item in by_tag.get("856", []):
            text = " ".join(item.get_subfields("3", "y", "z")).lower()
            if item.indicator2 == "0" or any(word in text for word in _ELECTRONIC_WORDS):
                electronic = True
        return MaterialType.EBOOK if electronic else MaterialType.BOOK
    if kind == "i":
        return MaterialType.AUDIOBOOK
    if kind == "j":
        return MaterialType.MUSIC
    if kind == "g":
        return MaterialType.DVD
    if kind in ("e", "f"):
        return MaterialType.MAP
    if kind in ("c", "d"):
        return MaterialType.SCORE
    if kind == "m" and f008[26:27] == "g":
        return MaterialType.GAME
    if kind == "r" and f008[33:34] == "g":
        return MaterialType.GAME
    return MaterialType.OTHER


def _audience(leader: str, by_tag: dict[str, list[pymarc.Field]], f008: str) -> str:
    if leader[6:7] in "atcdijgkormp" and leader[7:8] != "s" and f008[22:23] in ("a", "b", "c", "j"):
        return Audience.YOUTH
    for item in by_tag.get("521", []):
        text = " ".join(item.get_subfields("a")).lower()
        numbers = _NUMBER.findall(text)
        if item.indicator1 == "0" or (numbers and int(numbers[0]) < 18):
            return Audience.YOUTH
        if any(word in text for word in _YOUTH_WORDS):
            return Audience.YOUTH
    return Audience.ADULT


def _publication(by_tag: dict[str, list[pymarc.Field]]) -> list[pymarc.Field]:
    fields_264 = by_tag.get("264", [])
    published = [f for f in fields_264 if f.indicator2 == "1"]
    return published + by_tag.get("260", []) + fields_264


def _year(publication: list[pymarc.Field], f008: str) -> int | None:
    for item in publication:
        for value in item.get_subfields("c"):
            match = _YEAR.search(value)
            if match and 1000 <= int(match.group(1)) <= 2100:
                return int(match.group(1))
    candidate = f008[7:11]
    if candidate.isdigit() and 1000 <= int(candidate) <= 2100:
        return int(candidate)
    return None


def _language(by_tag: dict[str, list[pymarc.Field]], f008: str) -> str:
    code = f008[35:38].strip().lower()
    if len(code) == 3 and code.isalpha() and code not in _BLANK_LANGUAGES:
        return code
    found = _first(by_tag.get("041", []), "a").strip().lower()[:3]
    return found if found.isalpha() and found not in _BLANK_LANGUAGES else ""


def map_record(record: pymarc.Record) -> RecordData:
    by_tag: dict[str, list[pymarc.Field]] = defaultdict(list)
    for item in record.fields:
        by_tag[item.tag].append(item)
    leader = str(record.leader)
    f008 = (by_tag["008"][0].data or "") if by_tag.get("008") else ""
    title_fields = by_tag.get("245", [])
    title = clean(_first(title_fields, "a"))
    if not title:
        if any(
            value.strip() for item in by_tag.get("200", []) for value in item.get_subfields("a")
        ):
            raise UnimarcRecord
        raise MissingTitle
    parts = [clean(v) for v in title_fields[0].get_subfields("n", "p")] if title_fields else []
    if parts:
        title = ". ".join([title, *parts])
    isbn = ""
    for item in by_tag.get("020", []) + by_tag.get("024", []):
        found = normalise_isbn(" ".join(item.get_subfields("a")))
        if found:
            isbn = found
            break
    contributors = _dedupe(
        [
            clean(
                " ".join(
                    item.get_subfields("a", "b")
                    if item.tag[1:] == "10"
                    else item.get_subfields("a")
                )
            )
            for tag in ("100", "110", "111", "700", "710", "711")
            for item in by_tag.get(tag, [])
        ]
    )
    subjects = _dedupe(
        [
            clean(value)
            for tag in ("600", "610", "611", "630", "650", "651", "655")
            for item in by_tag.get(tag, [])
            for value in item.get_subfields("a")
        ]
    )
    publication = _publication(by_tag)
    data = RecordData(
        control_number="",
        isbn=isbn,
        title=title[:500],
        subtitle=clean(_first(title_fields[:1], "b"))[:500],
        contributors="\n".join(contributors),
        publisher=clean(_first(publication, "b"))[:255],
        year=_year(publication, f008),
        language=_language(by_tag, f008),
        material_type=_material_type(leader, by_tag, f008),
        subjects="\n".join(subjects),
        audience=_audience(leader, by_tag, f008),
        summary="\n\n".join(
            clean_summary for item in by_tag.get("520", []) if (clean_summary := _summary(item))
        ),
        holdings=holdings_in(by_tag),
    )
    data.control_number = _identity(by_tag, data)
    if by_tag.get("001") and by_tag.get("003"):
        data.agency = " ".join((by_tag["003"][0].data or "").split())
    return data


def _summary(item: pymarc.Field) -> str:
    text = " ".join(item.get_subfields("a"))
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _identity(by_tag: dict[str, list[pymarc.Field]], data: RecordData) -> str:
    for item in by_tag.get("001", []):
        if item.data and item.data.strip():
            return clean(item.data)[:64]
    found = _first(by_tag.get("035", []), "a").strip()
    if found:
        return " ".join(found.split())[:64]
    if data.isbn:
        return data.isbn
    key = "|".join(
        [data.title, data.subtitle, data.contributors, data.publisher, str(data.year or "")]
    )
    return "kaft:" + hashlib.sha1(key.casefold().encode("utf-8")).hexdigest()[:24]
