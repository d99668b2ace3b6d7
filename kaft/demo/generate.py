"""Deterministic made-up Dutch titles, people and addresses.

Every function takes a seeded :class:`random.Random`, so the same seed gives the same library on
every machine. Used by the demo library (``kaft demo``) and by the benchmarks (``bench``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kaft.catalog.models import Audience, ItemType, MaterialType
from kaft.demo import words as w

# (material type, audience, item type, weight)
_KINDS: tuple[tuple[str, str, str, int], ...] = (
    (MaterialType.BOOK, Audience.ADULT, ItemType.BOOK, 58),
    (MaterialType.BOOK, Audience.YOUTH, ItemType.YOUTH_BOOK, 22),
    (MaterialType.AUDIOBOOK, Audience.ADULT, ItemType.AUDIOVISUAL, 5),
    (MaterialType.DVD, Audience.ADULT, ItemType.AUDIOVISUAL, 7),
    (MaterialType.MUSIC, Audience.ADULT, ItemType.AUDIOVISUAL, 3),
    (MaterialType.MAGAZINE, Audience.ADULT, ItemType.MAGAZINE, 3),
    (MaterialType.GAME, Audience.YOUTH, ItemType.GAME, 2),
)
_KIND_WEIGHTS = [kind[3] for kind in _KINDS]
_LANGUAGES = ("dut",) * 90 + ("eng",) * 7 + ("ger",) * 2 + ("fry",)


@dataclass(frozen=True)
class RecordData:
    title: str
    subtitle: str
    contributors: str  # one per line, "Achternaam, Voornaam tussenvoegsel"
    publisher: str
    year: int
    language: str
    material_type: str
    audience: str
    subjects: str  # one per line
    summary: str
    isbn: str
    item_type: str  # what the copies of this title are lent as


@dataclass(frozen=True)
class PersonData:
    first_name: str
    name_prefix: str
    last_name: str

    @property
    def sort_name(self) -> str:
        """As a catalogue writes an author: "Vries, Sanne de"."""
        given = " ".join(p for p in (self.first_name, self.name_prefix) if p)
        return f"{self.last_name}, {given}"


@dataclass(frozen=True)
class AddressData:
    street: str
    house_number: str
    postcode: str
    city: str


def make_person(rng: random.Random) -> PersonData:
    prefix, last = rng.choice(w.SURNAMES)
    return PersonData(first_name=rng.choice(w.FIRST_NAMES), name_prefix=prefix, last_name=last)


def make_postcode(rng: random.Random, low: int = 1000, high: int = 9999) -> str:
    """A valid-looking Dutch postcode ("1234 AB"); SA, SD and SS are never used in NL."""
    while True:
        letters = rng.choice("ABCDEGHJKLMNPRSTVWXZ") + rng.choice("ABCDEGHJKLMNPRSTVWXZ")
        if letters not in {"SA", "SD", "SS"}:
            return f"{rng.randint(low, high)} {letters}"


def make_address(rng: random.Random) -> AddressData:
    low, high = w.TOWN_POSTCODES
    number = str(rng.randint(1, 180))
    if rng.random() < 0.1:
        number += rng.choice("abc")
    return AddressData(
        street=rng.choice(w.STREETS),
        house_number=number,
        postcode=make_postcode(rng, low, high),
        city=w.TOWN,
    )


def make_isbn(rng: random.Random) -> str:
    """A valid ISBN-13 in the Dutch-language group (978-90)."""
    digits = [9, 7, 8, 9, 0] + [rng.randint(0, 9) for _ in range(7)]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits)) + str(check)


def _title(rng: random.Random, youth: bool, nonfiction: bool) -> str:
    adj, de, het = rng.choice(w.ADJECTIVES), rng.choice(w.DE_NOUNS), rng.choice(w.HET_NOUNS)
    name, place = rng.choice(w.FIRST_NAMES), rng.choice(w.PLACES)
    if nonfiction:
        topic = rng.choice(w.TOPICS)
        return rng.choice(
            (
                f"Alles over {topic}",
                f"Het grote boek van {topic}",
                f"Aan de slag met {topic}",
                f"Geschiedenis van {place}",
                f"Wandelen rond {place}",
                f"De {de} in {place}",
            )
        )
    if youth:
        return rng.choice(
            (
                f"{name} en de {adj} {de}",
                f"{name} gaat naar het {het}",
                f"De {de} van {name}",
                f"Het {adj} {het}",
                f"Waar is de {de}?",
            )
        )
    return rng.choice(
        (
            f"De {adj} {de}",
            f"Het {adj} {het}",
            f"Het geheim van de {de}",
            f"De {de} en het {het}",
            f"Moord in {place}",
            f"Zomer in {place}",
            f"Brieven uit {place}",
            f"Tussen {de} en {rng.choice(w.DE_NOUNS)}",
            f"Waar de {de} begint",
            f"Het {het} aan de {de}",
            f"{name} en de {de}",
        )
    )


def make_record(rng: random.Random) -> RecordData:
    material, audience, item_type, _weight = rng.choices(_KINDS, weights=_KIND_WEIGHTS)[0]
    youth = audience == Audience.YOUTH
    nonfiction = not youth and material == MaterialType.BOOK and rng.random() < 0.35
    if youth:
        subjects = rng.sample(w.YOUTH_SUBJECTS, 2)
    elif nonfiction:
        subjects = rng.sample(w.NONFICTION_SUBJECTS, rng.randint(1, 3))
    else:
        subjects = [rng.choice(w.FICTION_SUBJECTS)]
    authors = [make_person(rng).sort_name for _ in range(1 if rng.random() < 0.85 else 2)]
    subtitle = ""
    if material == MaterialType.BOOK and not nonfiction and rng.random() < 0.3:
        subtitle = rng.choice(("roman", "thriller", "verhalen", "een familiegeschiedenis"))
    summary = ""
    if rng.random() < 0.5:
        summary = (
            f"Een verhaal over de {rng.choice(w.DE_NOUNS)}, de {rng.choice(w.DE_NOUNS)} "
            f"en het {rng.choice(w.HET_NOUNS)}."
        )
    year = 2025 - min(int(rng.expovariate(1 / 9)), 65)
    return RecordData(
        title=_title(rng, youth, nonfiction),
        subtitle=subtitle,
        contributors="\n".join(authors),
        publisher=rng.choice(w.PUBLISHERS),
        year=year,
        language=rng.choice(_LANGUAGES),
        material_type=str(material),
        audience=str(audience),
        subjects="\n".join(subjects),
        summary=summary,
        isbn=make_isbn(rng) if material == MaterialType.BOOK else "",
        item_type=str(item_type),
    )


def call_number(record: RecordData) -> str:
    """A shelf mark: genre code plus the first letters of the first author."""
    author = record.contributors.split(",", 1)[0][:4].upper()
    if record.audience == Audience.YOUTH:
        return f"JEUGD {author}"
    if record.item_type == ItemType.AUDIOVISUAL:
        return f"AV {author}"
    if record.subjects.split("\n", 1)[0] in w.NONFICTION_SUBJECTS:
        return f"INFO {author}"
    return f"ROMAN {author}"
