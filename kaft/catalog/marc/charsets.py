"""Records that say they are UTF-8 (leader/09 ``a``) but are not: which character set they use.

Some systems write MARC-8 or Latin-1 (Windows-1252) bytes and still set the UTF-8 flag. Read as
UTF-8, every accented letter would become a replacement character. The bytes tell them apart
well enough: MARC-8 writes a diacritic (0xE0-0xFE) before the letter it sits on, and uses
0xA1-0xC8 for special characters (0xB9 is the pound sign); Latin-1 letters stand on their own
and use bytes MARC-8 leaves empty (0xC9-0xDF, 0x80-0xA0). The reader marks such a record with a
warning, so a cataloguer checks it.
"""

from __future__ import annotations

import re
import unicodedata

_UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
# A byte MARC-8 does not use, or a MARC-8 diacritic that is not followed by a letter (or by
# another diacritic): the record is Latin-1, not MARC-8.
_MARC8_SPECIAL = re.compile(rb"[\xa1-\xc8]")
_DIACRITIC_LETTER = re.compile(rb"[\xe0-\xfe][A-Za-z]")
# MARC-8 diacritics, written before their letter, and the Unicode combining marks they are.
_MARC8_MARKS = {
    0xE1: "\u0300", 0xE2: "\u0301", 0xE3: "\u0302", 0xE4: "\u0303", 0xE5: "\u0304",
    0xE6: "\u0306", 0xE7: "\u0307", 0xE8: "\u0308", 0xE9: "\u030c", 0xEA: "\u030a",
    0xEE: "\u030b", 0xF0: "\u0327", 0xF1: "\u0328",
}  # fmt: skip
# A diacritic and a letter that make one letter of a European alphabet (é, ñ, ö, č, ł…): a
# Latin-1 "ä" before "v" would be a tilde on a v in MARC-8, which no European language writes.
_MARC8_LETTERS = {
    bytes([byte]) + letter.encode("ascii")
    for byte, mark in _MARC8_MARKS.items()
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    if len(composed := unicodedata.normalize("NFC", letter + mark)) == 1
    and "\u00c0" <= composed <= "\u017f"
}
_NOT_MARC8 = re.compile(rb"[\x80-\xa0\xc9-\xdf\xff]|[\xe0-\xfe](?![A-Za-z\xe0-\xfe])")


def wrong_utf8_flag(chunk: bytes) -> str:
    """For a record flagged UTF-8 (leader/09 ``a``) whose bytes are not UTF-8, as some systems
    export: ``"marc8"`` when more of its non-ASCII bytes read well as MARC-8 (a special
    character, or a diacritic before a letter that takes it) than cannot be MARC-8; else
    ``"latin1"``.
    ``""`` for a record that is what it says (or is not flagged UTF-8)."""
    if chunk[9:10] != b"a" or chunk.isascii():
        return ""
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        if _UTF8_PAIR.search(chunk) is not None:
            return ""  # real UTF-8 with a damaged character: replaced, as before
        marc8 = len(_MARC8_SPECIAL.findall(chunk)) + sum(
            pair.group() in _MARC8_LETTERS for pair in _DIACRITIC_LETTER.finditer(chunk)
        )
        return "marc8" if marc8 > len(_NOT_MARC8.findall(chunk)) else "latin1"
    return ""


def from_latin1(value: bytes) -> bytes:
    try:
        return value.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:  # a byte Windows-1252 leaves out: plain Latin-1
        return value.decode("latin-1").encode("utf-8")
