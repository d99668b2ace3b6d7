"""The SIP2 2.00 wire: bytes to :class:`Request`, :class:`Response` to bytes.

A frame is ``<command code><fixed part><variable fields>[AY<n>AZ<checksum>]`` ended by CR. On
input CR, LF and CRLF all end a frame (the server splits them; this module sees one frame
without its terminator). Variable fields are ``XXvalue|``; a last field without its ``|`` is
accepted.

Error detection. The checksum is the 16-bit two's complement of the sum of the *bytes* of the
frame from its first byte up to and including ``AZ``, written as four upper-case hex digits.
On input fewer digits and lower case are accepted too (some clients drop leading zeros), and
so is a checksum over the characters' code points instead of the bytes (some clients compute
that; it differs only for non-ASCII text). With
``verify`` the checksum of a frame that carries one must be right; with ``require`` a frame
must carry one. A wrong or missing checksum is a :class:`ChecksumError`, answered with 96.

Character sets. A kiosk account speaks UTF-8 or cp850 (IBM850). Before login Kaft does not
know the kiosk yet: it reads the login as UTF-8, and a frame that is not valid UTF-8 as cp850
(every byte is a cp850 character), so a cp850 kiosk's login with a non-ASCII password arrives
intact; answers before login are sent in UTF-8 (they hold only ASCII). Characters a cp850
kiosk cannot show are sent as ``?``. The checksum is always over the bytes as sent.

Cleaning. Field values on output lose ``|``, CR, LF and NUL (Koha bug 40675: a CR in a note
broke the frame) and are cut to the length the standard allows for the field
(:data:`FIELD_MAX_LENGTHS`, in bytes as sent, never splitting a character); the fixed part has
those characters replaced by spaces, so its length stays right.
"""

from __future__ import annotations

import re
from typing import Final

from kaft.sip2.protocol import Request, Response

# The fixed part's length (after the two-digit code) of every SIP2 2.00 request.
REQUEST_FIXED_LENGTHS: Final[dict[str, int]] = {
    "93": 2,  # UID algorithm, PWD algorithm
    "99": 8,  # status code, max print width (3), protocol version (4)
    "23": 21,  # language (3), transaction date (18)
    "63": 31,  # language (3), transaction date (18), summary (10)
    "11": 38,  # SC renewal policy, no block, transaction date (18), nb due date (18)
    "09": 37,  # no block, transaction date (18), return date (18)
    "29": 38,  # third party allowed, no block, transaction date (18), nb due date (18)
    "65": 18,  # transaction date
    "17": 18,  # transaction date
    "19": 18,  # transaction date
    "15": 19,  # hold mode (+ - *), transaction date (18)
    "35": 18,  # transaction date
    "37": 25,  # transaction date (18), fee type (2), payment type (2), currency (3)
    "01": 19,  # card retained, transaction date (18)
    "25": 18,  # transaction date
    "97": 0,
}

# The answer's command code for each request (97 is answered by the server, 01 with a 24).
RESPONSE_COMMANDS: Final[dict[str, str]] = {
    "93": "94",
    "99": "98",
    "23": "24",
    "63": "64",
    "11": "12",
    "09": "10",
    "29": "30",
    "65": "66",
    "17": "18",
    "19": "20",
    "15": "16",
    "35": "36",
    "37": "38",
    "01": "24",
    "25": "26",
}

# The fixed part's length of every SIP2 2.00 response.
RESPONSE_FIXED_LENGTHS: Final[dict[str, int]] = {
    "94": 1,  # ok
    "98": 34,  # six flags, timeout (3), retries (3), date (18), protocol version (4)
    "24": 35,  # patron status (14), language (3), date (18)
    "26": 35,  # patron status (14), language (3), date (18)
    "64": 59,  # patron status (14), language (3), date (18), six counts (4 each)
    "12": 22,  # ok, renewal ok, magnetic media, desensitize, date (18)
    "30": 22,  # ok, renewal ok, magnetic media, desensitize, date (18)
    "10": 22,  # ok, resensitize, magnetic media, alert, date (18)
    "66": 27,  # ok, renewed count (4), unrenewed count (4), date (18)
    "18": 24,  # circulation status (2), security marker (2), fee type (2), date (18)
    "20": 19,  # item properties ok, date (18)
    "16": 20,  # ok, available, date (18)
    "36": 19,  # end session, date (18)
    "38": 19,  # payment accepted, date (18)
    "96": 0,
}

DEFAULT_FIELD_MAX_LENGTH: Final = 255
# The longest value the standard allows for the fields Kaft sends; any other field: 255.
FIELD_MAX_LENGTHS: Final[dict[str, int]] = {
    "AA": 255,  # patron identifier
    "AB": 255,  # item identifier
    "AE": 255,  # personal name
    "AF": 255,  # screen message
    "AG": 255,  # print line
    "AH": 255,  # due date (Kaft sends a SIP2 date, 18)
    "AJ": 255,  # title identifier
    "AM": 255,  # library name
    "AN": 255,  # terminal location
    "AO": 255,  # institution id
    "AP": 255,  # current location
    "AQ": 255,  # permanent location
    "AS": 255,  # hold items
    "AT": 255,  # overdue items
    "AU": 255,  # charged items
    "AV": 255,  # fine items
    "BD": 255,  # home address
    "BE": 255,  # e-mail address
    "BF": 255,  # home phone number
    "BG": 255,  # owner
    "BH": 3,  # currency type
    "BK": 255,  # transaction id
    "BL": 1,  # valid patron
    "BM": 255,  # renewed items
    "BN": 255,  # unrenewed items
    "BT": 2,  # fee type
    "BV": 255,  # fee amount
    "BW": 18,  # expiration date
    "BX": 16,  # supported messages
    "BZ": 4,  # hold items limit
    "CA": 4,  # overdue items limit
    "CB": 4,  # charged items limit
    "CF": 4,  # hold queue length
    "CG": 255,  # fee identifier
    "CH": 255,  # item properties
    "CJ": 18,  # recall date
    "CK": 3,  # media type
    "CL": 255,  # sort bin
    "CM": 18,  # hold pickup date
    "CQ": 1,  # valid patron password
    "CS": 255,  # call number
    "CT": 255,  # destination location
    "CY": 255,  # hold patron id
    "DA": 255,  # hold patron name
    "PB": 8,  # date of birth (YYYYMMDD, an extension)
}
# A frame longer than this is refused without reading further (the server closes the link).
MAX_FRAME_BYTES: Final = 4096

_CLEANED = str.maketrans({"|": None, "\r": None, "\n": None, "\x00": None})
_FIXED_CLEANED = str.maketrans({"|": " ", "\r": " ", "\n": " ", "\x00": " "})
_CHECKSUM_TAIL = re.compile(rb"AZ([0-9A-Fa-f]{1,4})$")
_SEQUENCE_BEFORE_CHECKSUM = re.compile(r"AY(\d)\|?$")
_SEQUENCE_LAST_FIELD = re.compile(r"(?:^|\|)AY(\d)\|?$")
_COMMAND = re.compile(r"^\d\d$")


class FrameError(Exception):
    """A frame Kaft cannot read: answered with 96 (request SC resend) or a close."""


class MalformedFrame(FrameError):
    """Not a SIP2 request: unknown command, fixed part too short, control characters, charset."""


class ChecksumError(FrameError):
    """The checksum is wrong, or missing where error detection requires one."""


def checksum(data: bytes) -> str:
    """The SIP2 checksum of ``data`` (the frame up to and including ``AZ``): 4 hex digits."""
    return f"{-sum(data) & 0xFFFF:04X}"


def _checksum_matches(covered: bytes, digits: bytes, charset: str | None) -> bool:
    """Whether ``digits`` is the checksum of ``covered``: over its bytes, as the standard says,
    or over its characters' code points, as some clients (the PyPI ``sip2`` package) compute
    it; the two differ only for non-ASCII text. The checksum detects line noise, it is no
    authentication, so accepting either costs nothing."""
    value = int(digits, 16)
    if value == int(checksum(covered), 16):
        return True
    try:
        text = decode(covered, charset)
    except MalformedFrame:
        return False
    return value == -sum(map(ord, text)) & 0xFFFF


def decode(frame: bytes, charset: str | None) -> str:
    """``frame`` as text: in ``charset``, or (None: before login) UTF-8, else cp850."""
    if charset is None:
        try:
            return frame.decode("utf-8")
        except UnicodeDecodeError:
            return frame.decode("cp850")
    try:
        return frame.decode(charset)
    except UnicodeDecodeError as error:
        raise MalformedFrame("not in the account's character set") from error


def parse(
    frame: bytes, *, charset: str | None = None, verify: bool = True, require: bool = False
) -> Request:
    """Read one frame (without its terminator) as a :class:`Request`.

    ``verify``: a checksum that is present must be right; ``require``: one must be present
    (error detection on). Raises :class:`ChecksumError` or :class:`MalformedFrame`.
    """
    if len(frame) > MAX_FRAME_BYTES:
        raise MalformedFrame("frame too long")
    if b"\x00" in frame or b"\r" in frame or b"\n" in frame:
        raise MalformedFrame("control character in frame")
    body = frame
    tail = _CHECKSUM_TAIL.search(frame)
    if tail is not None:
        body = frame[: tail.start()]
        if verify and not _checksum_matches(frame[: tail.start() + 2], tail.group(1), charset):
            raise ChecksumError("wrong checksum")
    elif require:
        raise ChecksumError("no checksum")
    text = decode(body, charset)
    command = text[:2]
    if not _COMMAND.match(command) or command not in REQUEST_FIXED_LENGTHS:
        raise MalformedFrame("unknown command")
    fixed_length = REQUEST_FIXED_LENGTHS[command]
    fixed = text[2 : 2 + fixed_length]
    if len(fixed) < fixed_length or "|" in fixed:
        raise MalformedFrame("fixed part too short")
    rest = text[2 + fixed_length :]
    sequence = None
    found = (_SEQUENCE_BEFORE_CHECKSUM if tail is not None else _SEQUENCE_LAST_FIELD).search(rest)
    if found is not None:
        sequence = found.group(1)
        rest = rest[: found.start()] + ("|" if found.group(0).startswith("|") else "")
    fields: dict[str, list[str]] = {}
    for piece in rest.split("|"):
        if not piece:
            continue
        if len(piece) < 2:
            raise MalformedFrame("field without a code")
        fields.setdefault(piece[:2], []).append(piece[2:])
    return Request(command=command, fixed=fixed, fields=fields, sequence=sequence)


def clean(code: str, value: str, charset: str) -> bytes:
    """``value`` for field ``code``, encoded: separators and NUL removed, cut to its length."""
    limit = FIELD_MAX_LENGTHS.get(code, DEFAULT_FIELD_MAX_LENGTH)
    text = value.translate(_CLEANED)[:limit]
    encoded = text.encode(charset, errors="replace")
    while len(encoded) > limit:  # a UTF-8 character takes more than one byte: cut characters
        text = text[:-1]
        encoded = text.encode(charset, errors="replace")
    return encoded


def response_problem(response: Response) -> str:
    """What is wrong with ``response``'s shape ("" when nothing): an unknown response code, or a
    fixed part whose length is not the standard's. Handler tests can assert it is ""."""
    expected = RESPONSE_FIXED_LENGTHS.get(response.command)
    if expected is None:
        return f"unknown response code {response.command!r}"
    if len(response.fixed) != expected:
        return f"fixed part is {len(response.fixed)} characters, not {expected}"
    return ""


def build(
    response: Response,
    *,
    charset: str = "utf-8",
    sequence: str | None = None,
    error_detection: bool = True,
) -> bytes:
    """``response`` as a frame ended by CR; with ``error_detection`` AY (when the request had a
    sequence number) and AZ are added."""
    parts = [
        response.command.encode("ascii"),
        response.fixed.translate(_FIXED_CLEANED).encode(charset, errors="replace"),
    ]
    for code, value in response.fields:
        parts.append(code.encode("ascii") + clean(code, value, charset) + b"|")
    frame = b"".join(parts)
    if error_detection:
        if sequence is not None:
            frame += b"AY" + sequence.encode("ascii")
        frame += b"AZ"
        frame += checksum(frame).encode("ascii")
    return frame + b"\r"


def resend_request(*, error_detection: bool = True) -> bytes:
    """The 96 (request SC resend) frame: never a sequence number, a checksum when in use."""
    return build(Response("96"), error_detection=error_detection)


def has_checksum(frame: bytes) -> bool:
    """Whether ``frame`` ends with a checksum field (then the answer carries one too)."""
    return _CHECKSUM_TAIL.search(frame) is not None
