"""Build small ISO 2709 records byte by byte, so tests can use any character set."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

# Copied from pymarc's test set into the project (licence beside them), so a clone is self-contained.
SAMPLES = Path(settings.BASE_DIR) / "tests" / "data" / "marc"


def sample(name: str) -> Path:
    return SAMPLES / name


def subfields(indicators: str, *pairs: tuple[str, str | bytes]) -> bytes:
    data = indicators.encode("ascii")
    for code, value in pairs:
        raw = value if isinstance(value, bytes) else value.encode("utf-8")
        data += b"\x1f" + code.encode("ascii") + raw
    return data


def iso2709(fields: list[tuple[str, str | bytes]], *, kind: str = "am", utf8: bool = True) -> bytes:
    """One record: ``fields`` as (tag, control data or :func:`subfields` bytes)."""
    directory = body = b""
    for tag, value in fields:
        raw = (value if isinstance(value, bytes) else value.encode("utf-8")) + b"\x1e"
        directory += tag.encode("ascii") + b"%04d%05d" % (len(raw), len(body))
        body += raw
    base = 24 + len(directory) + 1
    length = base + len(body) + 1
    leader = b"%05dn%s %s22%05d   4500" % (
        length,
        kind.encode("ascii"),
        b"a" if utf8 else b" ",
        base,
    )
    return leader + directory + b"\x1e" + body + b"\x1d"


def book(
    control_number: str,
    title: str | bytes,
    *extra: tuple[str, str | bytes],
    utf8: bool = True,
    kind: str = "am",
    f008: str = "200101s2020    ne            000 1 dut d",
) -> bytes:
    return iso2709(
        [
            ("001", control_number),
            ("008", f008),
            ("245", subfields("10", ("a", title))),
            *extra,
        ],
        kind=kind,
        utf8=utf8,
    )
