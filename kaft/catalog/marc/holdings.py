"""Copies (holdings) in MARC: where they sit in a record, and what kind of record a record is.

A copy is described either inside the bibliographic record or in a MARC21 holdings record of
its own (leader/06 ``u``, ``v``, ``x`` or ``y``) that names its title by that title's 001 in its
004. Each field below gives one copy, with the location codes to try, in order:

* 852 — $b (sublocation, often a branch code), then $a (the holding institution, often an
  ISIL); $p barcode; $k/$h/$i/$m call number. In a holdings record, each 876 with a $p barcode
  is one copy at the location of the 852 (the 852 alone is one copy when there is no 876).
* 949 — $b location, $a barcode, $c call number (the local field of several systems).
* 952 — Koha's items: $a home branch, then $b holding branch; $p barcode; $o call number.

The location shown in a warning is the first code the cataloguer would look at: 852 $a, 949 $b,
952 $a (or the other code when that one is empty).
"""

from __future__ import annotations

from dataclasses import dataclass

import pymarc

HOLDINGS_KINDS = frozenset("uvxy")
AUTHORITY_KIND = "z"
OTHER_KINDS = frozenset("wq")  # classification, community information


@dataclass
class HoldingData:
    tag: str
    barcode: str
    locations: tuple[str, ...]  # codes to try, in order; empty when the field names none
    call_number: str
    shown: str = ""  # the location as a warning shows it


def record_kind(record: pymarc.Record) -> str:
    """``bibliographic``, ``holdings``, ``authority`` or ``other`` (from leader/06)."""
    kind = str(record.leader)[6:7]
    if kind in HOLDINGS_KINDS:
        return "holdings"
    if kind == AUTHORITY_KIND:
        return "authority"
    if kind in OTHER_KINDS:
        return "other"
    return "bibliographic"


def _value(field: pymarc.Field, code: str) -> str:
    for value in field.get_subfields(code):
        if value.strip():
            return " ".join(value.split())
    return ""


def _holding(
    tag: str, barcode: str, preferred: list[str], shown_first: list[str], call: str
) -> HoldingData:
    locations = tuple(dict.fromkeys(code for code in preferred if code))
    shown = next((code for code in shown_first if code), "")
    return HoldingData(tag, barcode, locations, " ".join(call.split()), shown)


def _852(field: pymarc.Field, barcode: str | None = None) -> HoldingData:
    a, b = _value(field, "a"), _value(field, "b")
    call = " ".join(v.strip() for v in field.get_subfields("k", "h", "i", "m"))
    found = _value(field, "p") if barcode is None else barcode
    return _holding("852", found, [b, a], [a, b], call)


def holdings_in(fields: dict[str, list[pymarc.Field]]) -> list[HoldingData]:
    """The copies a bibliographic record describes in its 852, 949 and 952 fields."""
    holdings = [_852(field) for field in fields.get("852", [])]
    for field in fields.get("949", []):
        b = _value(field, "b")
        holdings.append(_holding("949", _value(field, "a"), [b], [b], _value(field, "c")))
    for field in fields.get("952", []):
        a, b = _value(field, "a"), _value(field, "b")
        holdings.append(_holding("952", _value(field, "p"), [a, b], [a, b], _value(field, "o")))
    return holdings


def holdings_record_copies(record: pymarc.Record) -> list[HoldingData]:
    """The copies of a MARC21 holdings record: one per 876 with a barcode, else one per 852."""
    locations = record.get_fields("852")
    items = [field for field in record.get_fields("876") if _value(field, "p")]
    if items:
        where = (
            locations[0]
            if locations
            else pymarc.Field(tag="852", indicators=pymarc.Indicators(" ", " "))
        )
        return [_852(where, _value(field, "p")) for field in items]
    return [_852(field) for field in locations]


def linked_title(record: pymarc.Record) -> str:
    """The 001 of the title a holdings record belongs to (its 004), or ``""``."""
    field = record.get("004")
    return " ".join((field.data or "").split()) if field is not None else ""
