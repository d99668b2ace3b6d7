"""A title's MARC record as cataloguers edit it at the desk: as text, and through the title form.

**Text.** One field per line: ``LDR`` and the leader (24 characters); a control field
(001–009) as its tag, a space and its data, exactly (the spaces of an 008 count); a data field
as its tag, a space, two indicators (a blank written ``_`` or ``#``) and its subfields
``$a value $b value``. A ``$`` inside a value is written ``{dollar}``. :func:`marc_parse`
refuses a line that is none of these with its line number (:class:`CatalogError`).

**The form.** :func:`description_of` reads what the title form shows (through the import's
mapping, :func:`kaft.catalog.marc.mapping.map_record`, plus the contributors' roles);
:func:`description_apply` writes a changed form back into the MARC record, touching only the
fields behind what changed, so that mapping the record again gives the form's values:

- title and subtitle: 245 $a and $b (its $c and other subfields stay; $n and $p go when the title
  is changed, as the form shows them as part of the title);
- contributors: 100 for the first when an author or composer, 700 for the others, with the role
  as relator term ($e) and code ($4); a name that was there keeps its other subfields (dates,
  authority numbers) and its kind (person, organisation, meeting);
- ISBN/EAN: 020 (an EAN that is no ISBN: 024 with first indicator 3), first;
- publisher and year: the first publication field (264 with second indicator 1, else 260), else
  a new 264; year also in 008/07-10;
- language: 008/35-37; material type: leader/06-07 with 008/23 (e-book) and 008/33 (game);
  audience: 008/22 (or a 521 where the material has no 008/22);
- subjects: new ones as 650 (second indicator 4); removed ones leave with their field;
- summary: one 520 per paragraph.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pymarc
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pymarc import Field, Indicators, Subfield

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.isbn import normalise_isbn
from kaft.catalog.marc.mapping import clean, map_record
from kaft.catalog.marc.reading import read_iso2709
from kaft.catalog.models import Audience, MaterialType

MAX_MARC_BYTES = 99_999
NAME_TAGS = ("100", "110", "111", "700", "710", "711")
SUBJECT_TAGS = ("600", "610", "611", "630", "650", "651", "655")
NOT_REPEATABLE = ("001", "003", "005", "008", "245")
DEFAULT_LEADER = "00000nam a2200000 i 4500"
DOLLAR = "{dollar}"
# Relator codes (MARC Code List for Relators) a public library meets most: code -> the term
# written in $e, and the label the form shows.
RELATORS: dict[str, tuple[str, object]] = {
    "aut": ("author", gettext_lazy("author")),
    "ill": ("illustrator", gettext_lazy("illustrator")),
    "trl": ("translator", gettext_lazy("translator")),
    "edt": ("editor", gettext_lazy("editor")),
    "nrt": ("narrator", gettext_lazy("narrator")),
    "cmp": ("composer", gettext_lazy("composer")),
    "prf": ("performer", gettext_lazy("performer")),
    "drt": ("director", gettext_lazy("film director")),
    "pht": ("photographer", gettext_lazy("photographer")),
    "ctb": ("contributor", gettext_lazy("contributor")),
}
# Roles that make a name the main entry (1XX) when it comes first.
MAIN_ROLES = ("", "aut", "cmp")
_TERMS = {term: code for code, (term, _label) in RELATORS.items()}
_TERMS.update({"auteur": "aut", "schrijver": "aut", "vertaler": "trl", "redacteur": "edt"})
_KINDS = {
    MaterialType.BOOK: "am",
    MaterialType.EBOOK: "am",
    MaterialType.MAGAZINE: "as",
    MaterialType.AUDIOBOOK: "im",
    MaterialType.MUSIC: "jm",
    MaterialType.DVD: "gm",
    MaterialType.MAP: "em",
    MaterialType.SCORE: "cm",
    MaterialType.GAME: "rm",
    MaterialType.OTHER: "pm",
}
_WITH_AUDIENCE = "atcdijgkormp"  # the kinds whose 008/22 tells the audience (as the mapping reads)
_YOUTH_CODES = ("a", "b", "c", "j")
_SUBFIELD_CODE = re.compile(r"^[a-z0-9]$")
_INDICATOR = re.compile(r"^[0-9a-z _#\\]$")
_LOOKS_LIKE_SUBFIELD = re.compile(r"(^|\s)\$[a-z0-9]")


@dataclass
class Description:
    """What the title form shows and changes; lists in the order the mapping gives them."""

    title: str
    subtitle: str = ""
    contributors: list[tuple[str, str]] = field(default_factory=list)  # (name, relator code)
    isbn: str = ""
    publisher: str = ""
    year: int | None = None
    language: str = ""
    material_type: str = MaterialType.BOOK
    audience: str = Audience.ADULT
    subjects: list[str] = field(default_factory=list)
    summary: str = ""


def summary_clean(text: str) -> str:
    """A summary as the mapping keeps it: paragraphs of single-spaced text, a blank line apart."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return "\n\n".join(" ".join(part.split()) for part in paragraphs if part.strip())


# --- reading -------------------------------------------------------------------------------------


def marc_load(data: bytes | memoryview | None) -> pymarc.Record | None:
    """The stored MARC record (ISO 2709, in whatever character set it came), or None."""
    if not data:
        return None
    for read in read_iso2709(io.BytesIO(bytes(data))):
        return read.record
    return None


def _name(item: Field) -> str:
    parts = item.get_subfields("a", "b") if item.tag[1:] == "10" else item.get_subfields("a")
    return clean(" ".join(parts))


def _role(item: Field) -> str:
    for code in item.get_subfields("4"):
        found = code.strip().lower().strip(" .,")
        if found in RELATORS:
            return found
    for term in item.get_subfields("e"):
        relator = _TERMS.get(term.strip().lower().strip(" .,"))
        if relator:
            return relator
    return ""


def description_of(marc: pymarc.Record) -> Description:
    """The form's values of this MARC record (raises MissingTitle without a 245 $a)."""
    data = map_record(marc)
    roles: dict[str, str] = {}
    for tag in NAME_TAGS:
        for item in marc.get_fields(tag):
            roles.setdefault(_name(item).casefold(), _role(item))
    return Description(
        title=data.title,
        subtitle=data.subtitle,
        contributors=[
            (name, roles.get(name.casefold(), "")) for name in data.contributors.split("\n") if name
        ],
        isbn=data.isbn,
        publisher=data.publisher,
        year=data.year,
        language=data.language,
        material_type=data.material_type,
        audience=data.audience,
        subjects=[subject for subject in data.subjects.split("\n") if subject],
        summary=data.summary,
    )


# --- text ----------------------------------------------------------------------------------------


def marc_text(marc: pymarc.Record) -> str:
    """The record as the MARC editor shows it, one field per line."""
    lines = [f"LDR {marc.leader}"]
    for item in marc.fields:
        if item.is_control_field():
            lines.append(f"{item.tag} {item.data or ''}")
            continue
        indicators = "".join((i if i and i != " " else "_") for i in item.indicators or ("", ""))
        subfields = " ".join(
            f"${sub.code} {sub.value.replace('$', DOLLAR)}" for sub in item.subfields
        )
        lines.append(f"{item.tag} {indicators.ljust(2, '_')} {subfields}")
    return "\n".join(lines)


def _refuse(number: int, line: str, reason: str) -> CatalogError:
    shown = line if len(line) <= 60 else line[:57] + "…"
    return CatalogError(CatalogErrorCode.MARC_LINE_INVALID, line=number, text=shown, reason=reason)


def _indicator(char: str) -> str:
    return " " if char in "_#\\ " else char


def marc_parse(text: str) -> pymarc.Record:
    """The record the MARC editor's text describes; :class:`CatalogError` on the first line that
    is not a field, on a repeated 001/003/005/008/245, and on a record without a title."""
    record = pymarc.Record(force_utf8=True, leader=DEFAULT_LEADER)
    seen_leader = False
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        tag = line[:3]
        if tag.upper() in ("LDR", "000"):
            leader = line[4:].rstrip()
            if seen_leader or len(leader) != 24 or line[3:4] != " ":
                raise _refuse(number, line, _("the leader must be 24 characters, once."))
            record.leader = pymarc.Leader(leader)
            seen_leader = True
            continue
        if not (len(tag) == 3 and tag.isascii() and tag.isdigit()):
            raise _refuse(number, line, _("a field starts with a tag of three digits."))
        if line[3:4] != " ":
            raise _refuse(number, line, _("put a space after the tag."))
        if tag < "010":
            data = line[4:]
            if not data.strip():
                raise _refuse(number, line, _("a control field (001–009) needs data."))
            if _LOOKS_LIKE_SUBFIELD.search(data):
                raise _refuse(
                    number, line, _("a control field (001–009) has no indicators or subfields.")
                )
            record.add_field(Field(tag=tag, data=data))
            continue
        record.add_field(_data_field(number, line, tag))
    for tag in NOT_REPEATABLE:
        if len(record.get_fields(tag)) > 1:
            raise CatalogError(CatalogErrorCode.MARC_FIELD_REPEATED, tag=tag)
    return record


def _data_field(number: int, line: str, tag: str) -> Field:
    indicators = line[4:6]
    rest = line[6:]
    if len(indicators) != 2 or not all(_INDICATOR.match(char) for char in indicators):
        raise _refuse(
            number,
            line,
            _("after the tag come two indicators: a digit, a lowercase letter, or _ for blank."),
        )
    if not rest.strip().startswith("$"):
        raise _refuse(number, line, _("after the indicators come the subfields: $a …"))
    first, *pieces = rest.split("$")
    if first.strip():
        raise _refuse(number, line, _("after the indicators come the subfields: $a …"))
    subfields = []
    for piece in pieces:
        code, value = piece[:1], piece[1:].strip().replace(DOLLAR, "$")
        if not _SUBFIELD_CODE.match(code):
            raise _refuse(
                number,
                line,
                _("a subfield code is one lowercase letter or digit (write a $ as {dollar})."),
            )
        if not value:
            raise _refuse(number, line, _("subfield $%(code)s is empty.") % {"code": code})
        subfields.append(Subfield(code, value))
    return Field(
        tag=tag,
        indicators=Indicators(_indicator(indicators[0]), _indicator(indicators[1])),
        subfields=subfields,
    )


def marc_bytes(marc: pymarc.Record) -> bytes:
    """The record as ISO 2709 in UTF-8, as Kaft stores it; MARC_TOO_LONG past 99,999 bytes."""
    leader = str(marc.leader).ljust(24)[:24]
    marc.leader = pymarc.Leader(leader[:9] + "a" + leader[10:])
    marc.force_utf8 = True
    try:
        data = bytes(marc.as_marc())
    except Exception:  # pymarc refuses a record whose parts do not fit the leader's numbers
        raise CatalogError(CatalogErrorCode.MARC_TOO_LONG) from None
    if len(data) > MAX_MARC_BYTES:
        raise CatalogError(CatalogErrorCode.MARC_TOO_LONG)
    return data


# --- writing the form into the record ------------------------------------------------------------


def marc_new(control_number: str) -> pymarc.Record:
    """An empty book record: leader, 001 and an 008 entered today (Netherlands, language unknown)."""
    record = pymarc.Record(force_utf8=True, leader=DEFAULT_LEADER)
    record.add_field(Field(tag="001", data=control_number))
    f008 = timezone.localdate().strftime("%y%m%d") + "|    " + "    " + "ne " + " " * 17 + "und d"
    record.add_field(Field(tag="008", data=f008))
    return record


def control_fields_set(marc: pymarc.Record, control_number: str) -> None:
    """001 (when the record has none) and 005, the moment of this change."""
    if not marc.get_fields("001"):
        _insert(marc, Field(tag="001", data=control_number))
    marc.remove_fields("005")
    stamp = timezone.now().strftime("%Y%m%d%H%M%S.0")
    _insert(marc, Field(tag="005", data=stamp))


def _insert(marc: pymarc.Record, item: Field, *, first: bool = False) -> None:
    """Put ``item`` among the fields in tag order: after those with the same tag, or before them
    (``first``)."""
    for index, other in enumerate(marc.fields):
        if other.tag > item.tag or (first and other.tag == item.tag):
            marc.fields.insert(index, item)
            return
    marc.fields.append(item)


def _f008(marc: pymarc.Record) -> list[str]:
    found = marc.get_fields("008")
    data = (found[0].data or "") if found else ""
    return list(data.ljust(40)[:40] if len(data) < 40 else data)


def _f008_set(marc: pymarc.Record, chars: list[str]) -> None:
    found = marc.get_fields("008")
    if found:
        found[0].data = "".join(chars)
    else:
        _insert(marc, Field(tag="008", data="".join(chars)))


def description_apply(marc: pymarc.Record, old: Description, new: Description) -> None:
    """Write what changed between ``old`` and ``new`` (the form) into ``marc``."""
    if (new.title, new.subtitle) != (old.title, old.subtitle):
        _title_set(marc, new.title, new.subtitle)
    if new.contributors != old.contributors:
        _contributors_set(marc, new.contributors)
    if new.isbn != old.isbn:
        _isbn_set(marc, old.isbn, new.isbn)
    if (new.publisher, new.year) != (old.publisher, old.year):
        _publication_set(marc, new.publisher, new.year)
    if new.language != old.language:
        _language_set(marc, new.language)
    if new.material_type != old.material_type:
        _material_set(marc, new.material_type)
    if (new.material_type, new.audience) != (old.material_type, old.audience):
        _audience_set(marc, new.audience)
    if new.subjects != old.subjects:
        _subjects_set(marc, new.subjects)
    if new.summary != old.summary:
        marc.remove_fields("520")
        for paragraph in new.summary.split("\n\n"):
            if paragraph.strip():
                _insert(marc, Field("520", Indicators(" ", " "), [Subfield("a", paragraph)]))


def _title_set(marc: pymarc.Record, title: str, subtitle: str) -> None:
    found = marc.get_fields("245")
    if found:
        item = found[0]
    else:
        main = "1" if any(marc.get_fields(tag) for tag in NAME_TAGS[:3]) else "0"
        item = Field("245", Indicators(main, "0"), [])
        _insert(marc, item)
    rest = [sub for sub in item.subfields if sub.code not in ("a", "b", "n", "p")]
    before_rest = " /" if any(sub.code == "c" for sub in rest) else ""
    subfields = [Subfield("a", title + (" :" if subtitle else before_rest))]
    if subtitle:
        subfields.append(Subfield("b", subtitle + before_rest))
    item.subfields = subfields + rest


def _contributors_set(marc: pymarc.Record, contributors: list[tuple[str, str]]) -> None:
    existing: dict[str, Field] = {}
    for item in [f for f in marc.fields if f.tag in NAME_TAGS]:
        existing.setdefault(_name(item).casefold(), item)
        marc.remove_field(item)
    main = bool(contributors) and contributors[0][1] in MAIN_ROLES
    for index, (name, role) in enumerate(contributors):
        old = existing.get(name.casefold())
        kind = old.tag[1:] if old is not None else "00"
        tag = ("1" if main and index == 0 else "7") + kind
        if old is not None:
            subfields = [sub for sub in old.subfields if sub.code not in ("e", "4")]
            indicators = Indicators(old.indicator1, " ")
        else:
            subfields = [Subfield("a", name)]
            indicators = Indicators("1" if "," in name else "0", " ")
        if role:
            subfields += [Subfield("e", RELATORS[role][0]), Subfield("4", role)]
        _insert(marc, Field(tag, indicators, subfields))
    for item in marc.get_fields("245"):
        item.indicator1 = "1" if main else "0"


def _isbn_of(item: Field) -> str | None:
    return normalise_isbn(" ".join(item.get_subfields("a")))


def _isbn_set(marc: pymarc.Record, old: str, new: str) -> None:
    for item in marc.get_fields("020", "024"):
        found = _isbn_of(item)
        if found and (not new or found in (old, new)):
            marc.remove_field(item)
    if not new:
        return
    if new.startswith(("978", "979")):
        _insert(marc, Field("020", Indicators(" ", " "), [Subfield("a", new)]), first=True)
    else:
        _insert(marc, Field("024", Indicators("3", " "), [Subfield("a", new)]), first=True)


def _publication_fields(marc: pymarc.Record) -> list[Field]:
    published = [f for f in marc.get_fields("264") if f.indicator2 == "1"]
    ordered = published + marc.get_fields("260") + marc.get_fields("264")
    return [
        item for index, item in enumerate(ordered) if not any(item is o for o in ordered[:index])
    ]


def _replace_first(item: Field, code: str, value: str) -> None:
    for index, sub in enumerate(item.subfields):
        if sub.code == code:
            item.subfields[index] = Subfield(code, value)
            return
    order = {"a": 0, "b": 1, "c": 2}
    position = next(
        (i for i, sub in enumerate(item.subfields) if order.get(sub.code, 9) > order[code]),
        len(item.subfields),
    )
    item.subfields.insert(position, Subfield(code, value))


def _publication_set(marc: pymarc.Record, publisher: str, year: int | None) -> None:
    fields = _publication_fields(marc)
    for item in fields:  # what the form leaves empty must not be found in a later field
        item.subfields = [
            sub
            for sub in item.subfields
            if not (sub.code == "b" and not publisher) and not (sub.code == "c" and year is None)
        ]
    if publisher or year is not None:
        if fields:
            item = fields[0]
        else:
            item = Field("264", Indicators(" ", "1"), [])
            _insert(marc, item)
        if publisher:
            _replace_first(item, "b", publisher)
        if year is not None:
            _replace_first(item, "c", str(year))
    for item in fields:
        if not item.subfields:
            marc.remove_field(item)
    chars = _f008(marc)
    if year is not None:
        chars[6] = "s" if chars[6] in (" ", "|", "n") else chars[6]
        chars[7:11] = list(f"{year:04d}")
    else:
        chars[7:11] = list("uuuu")
    _f008_set(marc, chars)


def _language_set(marc: pymarc.Record, language: str) -> None:
    chars = _f008(marc)
    chars[35:38] = list(language or "und")
    _f008_set(marc, chars)
    if not language:
        marc.remove_fields("041")


def _electronic(item: Field) -> bool:
    if item.tag == "007":
        return (item.data or "")[:1] == "c"
    if item.tag == "338":
        text = " ".join(item.get_subfields("a", "b")).lower()
        return "online" in text or "cr" in text.split()
    text = " ".join(item.get_subfields("3", "y", "z")).lower()
    words = ("ebook", "e-book", "electronic book", "online")
    return item.indicator2 == "0" or any(word in text for word in words)


def _material_set(marc: pymarc.Record, material_type: str) -> None:
    kind = _KINDS[MaterialType(material_type)]
    leader = str(marc.leader).ljust(24)[:24]
    marc.leader = pymarc.Leader(leader[:6] + kind + leader[8:])
    chars = _f008(marc)
    if material_type == MaterialType.EBOOK:
        chars[23] = "o"
    elif kind[0] == "a":
        if chars[23] in ("o", "q", "s"):
            chars[23] = " "
        for item in marc.get_fields("007", "338", "856"):
            if _electronic(item):
                marc.remove_field(item)
    if material_type == MaterialType.GAME:
        chars[33] = "g"
    _f008_set(marc, chars)


def _youth_521(item: Field) -> bool:
    text = " ".join(item.get_subfields("a")).lower()
    numbers = re.findall(r"\d+", text)
    words = ("juvenile", "children", "kinder", "jeugd", "jongeren", "kids", "young")
    return (
        item.indicator1 == "0"
        or bool(numbers and int(numbers[0]) < 18)
        or any(word in text for word in words)
    )


def _audience_set(marc: pymarc.Record, audience: str) -> None:
    leader = str(marc.leader).ljust(24)
    chars = _f008(marc)
    reads_008 = leader[6] in _WITH_AUDIENCE and leader[7] != "s"
    if audience == Audience.YOUTH:
        if reads_008:
            chars[22] = "j"
            _f008_set(marc, chars)
        elif not any(_youth_521(item) for item in marc.get_fields("521")):
            _insert(marc, Field("521", Indicators("0", " "), [Subfield("a", "jeugd")]))
        return
    if chars[22] in _YOUTH_CODES:
        chars[22] = " "
        _f008_set(marc, chars)
    for item in marc.get_fields("521"):
        if _youth_521(item):
            marc.remove_field(item)


def _subjects_set(marc: pymarc.Record, subjects: list[str]) -> None:
    wanted = {subject.casefold() for subject in subjects}
    kept: set[str] = set()
    for item in marc.get_fields(*SUBJECT_TAGS):
        values = [clean(value) for value in item.get_subfields("a")]
        if values and all(value.casefold() in wanted for value in values):
            kept.update(value.casefold() for value in values)
        else:
            marc.remove_field(item)
    for subject in subjects:
        if subject.casefold() not in kept:
            kept.add(subject.casefold())
            _insert(marc, Field("650", Indicators(" ", "4"), [Subfield("a", subject)]))
