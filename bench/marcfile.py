"""A deterministic MARC21 (ISO 2709, UTF-8) file of made-up Dutch titles, for the import figure."""

from __future__ import annotations

import random
from pathlib import Path

import pymarc

from kaft.catalog.models import MaterialType
from kaft.demo.generate import RecordData, make_record

VERSION = "1"
# Leader position 6 (type of record) per material type.
_RECORD_TYPE = {
    MaterialType.BOOK: "a",
    MaterialType.AUDIOBOOK: "i",
    MaterialType.MUSIC: "j",
    MaterialType.DVD: "g",
    MaterialType.GAME: "r",
    MaterialType.MAGAZINE: "a",
}


def _field(
    tag: str, subfields: list[tuple[str, str]], indicators: tuple[str, str] = (" ", " ")
) -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(*indicators),
        subfields=[pymarc.Subfield(code=code, value=value) for code, value in subfields if value],
    )


def marc_record(data: RecordData, control_number: str) -> pymarc.Record:
    record = pymarc.Record(force_utf8=True)
    leader = list(str(record.leader))
    leader[6] = _RECORD_TYPE.get(MaterialType(data.material_type), "a")
    leader[7] = "s" if data.material_type == MaterialType.MAGAZINE else "m"
    record.leader = pymarc.Leader("".join(leader))
    fixed = f"260105s{data.year}    ne            000 1 {data.language} d"
    record.add_field(pymarc.Field(tag="001", data=control_number))
    record.add_field(pymarc.Field(tag="008", data=fixed))
    if data.isbn:
        record.add_field(_field("020", [("a", data.isbn)]))
    authors = data.contributors.split("\n")
    record.add_field(_field("100", [("a", authors[0])], ("1", " ")))
    title_subfields = [("a", data.title + (" :" if data.subtitle else "")), ("b", data.subtitle)]
    record.add_field(_field("245", title_subfields, ("1", "0")))
    record.add_field(
        _field(
            "264",
            [("a", "Leesdam :"), ("b", data.publisher + ","), ("c", str(data.year))],
            (" ", "1"),
        )
    )
    if data.summary:
        record.add_field(_field("520", [("a", data.summary)]))
    for subject in data.subjects.split("\n"):
        record.add_field(_field("650", [("a", subject)], (" ", "4")))
    for author in authors[1:]:
        record.add_field(_field("700", [("a", author)], ("1", " ")))
    return record


def marc_file(folder: Path, count: int, tag: str) -> Path:
    """The file with ``count`` records (control numbers ``bench-<tag>-<n>``); made once, then reused."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"import-{tag}-{count}-v{VERSION}.mrc"
    if path.exists():
        return path
    rng = random.Random(f"marc-{VERSION}")
    partial = path.with_suffix(".part")
    with partial.open("wb") as handle:
        writer = pymarc.MARCWriter(handle)
        for n in range(1, count + 1):
            writer.write(marc_record(make_record(rng), f"bench-{tag}-{n}"))
        writer.close(close_fh=False)
    partial.replace(path)
    return path
