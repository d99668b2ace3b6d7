"""The SIP2 wire: frames in and out, checksums, sequence numbers, character sets, cleaning."""

from __future__ import annotations

import pytest

from kaft.sip2 import wire
from kaft.sip2.protocol import Request, Response
from kaft.sip2.refusals import refusal

DATE = "20261207    101500"


def test_checksum_is_the_twos_complement_of_the_byte_sum() -> None:
    # given a frame up to and including AZ
    data = b"9300CNkiosk|COsecret|AY1AZ"
    # when its checksum is computed
    result = wire.checksum(data)
    # then the sum of the bytes plus the checksum's value is 0 modulo 2**16
    assert len(result) == 4
    assert result == result.upper()
    assert (sum(data) + int(result, 16)) & 0xFFFF == 0
    assert result == f"{(0x10000 - sum(data) % 0x10000) % 0x10000:04X}"


def test_checksum_keeps_leading_zeros() -> None:
    # a byte sum whose complement is below 0x1000 still gives four digits
    data = bytes([0xFF]) * 256 + bytes([0xF0])  # sum 0xFFF0: complement 0x0010
    assert sum(data) == 0xFFF0
    assert wire.checksum(data) == "0010"


def test_parse_reads_code_fixed_part_fields_and_sequence() -> None:
    # given a checkout with error detection
    text = f"11YN{DATE}{' ' * 18}AONL-KftC|AA1234|AB9000|AC|"
    data = (text + "AY3AZ").encode()
    frame = data + wire.checksum(data).encode()
    # when it is parsed
    request = wire.parse(frame, charset="utf-8", require=True)
    # then every part is where the standard puts it
    assert request == Request(
        command="11",
        fixed=f"YN{DATE}{' ' * 18}",
        fields={"AO": ["NL-KftC"], "AA": ["1234"], "AB": ["9000"], "AC": [""]},
        sequence="3",
    )


def test_parse_keeps_every_value_of_a_repeated_field_and_a_last_field_without_bar() -> None:
    request = wire.parse(f"35{DATE}AOx|AFone|AFtwo|AA77".encode(), verify=False)
    assert request.fields == {"AO": ["x"], "AF": ["one", "two"], "AA": ["77"]}
    assert request.sequence is None


def test_parse_reads_a_sequence_number_without_checksum() -> None:
    request = wire.parse(f"35{DATE}AOx|AA7|AY5".encode())
    assert request.sequence == "5"
    assert request.fields == {"AO": ["x"], "AA": ["7"]}


def test_parse_accepts_a_short_lower_case_checksum() -> None:
    # some clients drop leading zeros and write lower case: the value counts, not the spelling
    for length in range(400, 700):
        data = f"35{DATE}AO{'z' * length}|AY1AZ".encode()
        digits = wire.checksum(data)
        if digits.startswith("0"):
            break
    else:
        pytest.fail("no checksum with a leading zero found")
    frame = data + digits.lstrip("0").lower().encode()
    assert wire.parse(frame, require=True).sequence == "1"


def test_a_checksum_over_code_points_is_accepted_for_non_ascii_text() -> None:
    # the PyPI sip2 client sums characters, not bytes: for "Zoë" in UTF-8 the two differ
    text = f"35{DATE}AOZoë|AY1AZ"
    by_characters = f"{-sum(map(ord, text)) & 0xFFFF:04X}"
    assert by_characters != wire.checksum(text.encode())
    request = wire.parse((text + by_characters).encode(), charset="utf-8", require=True)
    assert request.get("AO") == "Zoë"
    # and a checksum that is neither is still refused
    wrong = f"{(int(by_characters, 16) + 1) & 0xFFFF:04X}"
    with pytest.raises(wire.ChecksumError):
        wire.parse((text + wrong).encode(), charset="utf-8")


def test_a_wrong_checksum_is_refused() -> None:
    data = f"35{DATE}AOx|AA7|AY1AZ".encode()
    good = wire.checksum(data)
    bad = f"{(int(good, 16) + 1) & 0xFFFF:04X}"
    with pytest.raises(wire.ChecksumError):
        wire.parse(data + bad.encode())


def test_a_missing_checksum_is_refused_only_when_required() -> None:
    frame = f"35{DATE}AOx|AA7|AY1".encode()
    assert wire.parse(frame, require=False).sequence == "1"
    with pytest.raises(wire.ChecksumError):
        wire.parse(frame, require=True)


def test_a_wrong_checksum_passes_when_not_verified() -> None:
    frame = f"35{DATE}AOx|AA7|AY1AZ0000".encode()
    assert wire.parse(frame, verify=False).fields == {"AO": ["x"], "AA": ["7"]}


@pytest.mark.parametrize(
    ("command", "length"),
    [
        ("93", 2),
        ("99", 8),
        ("23", 21),
        ("63", 31),
        ("11", 38),
        ("09", 37),
        ("29", 38),
        ("65", 18),
        ("17", 18),
        ("19", 18),
        ("15", 19),
        ("35", 18),
        ("37", 25),
        ("01", 19),
        ("25", 18),
        ("97", 0),
    ],
)
def test_a_fixed_part_one_short_is_malformed(command: str, length: int) -> None:
    assert wire.REQUEST_FIXED_LENGTHS[command] == length
    assert wire.parse((command + "x" * length).encode(), verify=False).fixed == "x" * length
    if length:
        with pytest.raises(wire.MalformedFrame):
            wire.parse((command + "x" * (length - 1)).encode(), verify=False)


def test_every_sip2_request_has_a_fixed_length() -> None:
    assert sorted(wire.REQUEST_FIXED_LENGTHS) == sorted(
        ["93", "99", "23", "63", "11", "09", "29", "65", "17", "19", "15", "35", "37", "01"]
        + ["25", "97"]
    )


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        b"X",
        b"55" + DATE.encode(),  # not a SIP2 request
        b"94" + b"1",  # a response, not a request
        b"ab" + DATE.encode(),
        b"35" + DATE.encode() + b"AO\x00x|",  # NUL
        b"35" + DATE.encode() + b"AOx|A|",  # a field without its code
        b"35" + b"x" * (wire.MAX_FRAME_BYTES),  # too long
    ],
)
def test_unreadable_frames_are_malformed(frame: bytes) -> None:
    with pytest.raises(wire.MalformedFrame):
        wire.parse(frame, verify=False)


def test_build_adds_sequence_and_checksum_and_cr() -> None:
    # given an answer
    response = Response("36", "Y" + DATE).add("AO", "NL-KftC").add("AA", "1234")
    # when it is built for a request with sequence number 4
    frame = wire.build(response, sequence="4")
    # then it ends with AY4, a checksum over everything up to AZ, and CR
    body = f"36Y{DATE}AONL-KftC|AA1234|AY4AZ".encode()
    assert frame == body + wire.checksum(body).encode() + b"\r"


def test_build_without_error_detection_has_no_ay_or_az() -> None:
    frame = wire.build(Response("94", "1"), sequence="4", error_detection=False)
    assert frame == b"941\r"


def test_build_cleans_separators_and_control_characters_from_fields() -> None:
    # given a note with a bar, CR, LF and NUL (Koha bug 40675 broke the frame on a CR)
    response = Response("36", "Y" + DATE).add("AF", "Let|op\r\nnieuw\x00 adres")
    # when it is built
    frame = wire.build(response, error_detection=False)
    # then the field holds the text without them and the frame is still one frame
    assert frame == f"36Y{DATE}AFLetopnieuw adres|\r".encode()
    assert frame.count(b"\r") == 1


def test_build_keeps_the_fixed_part_length_when_cleaning_it() -> None:
    frame = wire.build(Response("94", "|"), error_detection=False)
    assert frame == b"94 \r"


def test_build_cuts_fields_to_their_maximum_length() -> None:
    response = Response("18", "010001" + DATE)
    response.add("AJ", "T" * 300).add("AF", "m" * 300).add("BH", "EURO").add("BL", "YY")
    frame = wire.build(response, error_detection=False)
    parsed = frame.decode().rstrip("\r").split("|")
    assert parsed[0] == "18010001" + DATE + "AJ" + "T" * 255
    assert parsed[1:] == ["AF" + "m" * 255, "BHEUR", "BLY", ""]


def test_build_cuts_utf8_by_bytes_without_splitting_a_character() -> None:
    frame = wire.build(Response("94", "1").add("AF", "é" * 200), error_detection=False)
    value = frame[len(b"941AF") : -len(b"|\r")]
    assert len(value) == 254  # 127 two-byte characters: the 128th would make 256 bytes
    assert value.decode("utf-8") == "é" * 127


@pytest.mark.parametrize("name", ["Reneé de Vries", "Zoë Çelik", "Jürgen Ñúñez"])
def test_cp850_round_trips_dutch_names(name: str) -> None:
    # given an answer with a name, built for a cp850 kiosk
    frame = wire.build(Response("94", "1").add("AE", name), charset="cp850", sequence="2")
    # then the bytes are cp850 (one byte per character), the checksum is over those bytes
    assert name.encode("cp850") in frame
    assert name.encode("utf-8") not in frame
    body = frame[: frame.index(b"AZ") + 2]
    assert frame[len(body) : -1] == wire.checksum(body).encode()
    # and a request carrying the name in cp850 reads back the same name
    request = f"35{DATE}AO{name}|AY2AZ".encode("cp850")
    request += wire.checksum(request).encode()
    assert wire.parse(request, charset="cp850", require=True).get("AO") == name


def test_before_login_utf8_is_read_and_other_bytes_as_cp850() -> None:
    utf8 = "9300CNzuil|COgeheimé|".encode()
    cp850 = "9300CNzuil|COgeheimé|".encode("cp850")
    assert wire.parse(utf8).get("CO") == "geheimé"
    assert wire.parse(cp850).get("CO") == "geheimé"


def test_a_utf8_account_refuses_bytes_that_are_not_utf8() -> None:
    with pytest.raises(wire.MalformedFrame):
        wire.parse(f"35{DATE}AOé|".encode("cp850"), charset="utf-8")


def test_characters_cp850_cannot_show_are_sent_as_question_marks() -> None:
    frame = wire.build(Response("94", "1").add("AF", "€ 2,50 — ok"), charset="cp850")
    assert frame.startswith(b"941AF? 2,50 ? ok|")


def test_resend_request_has_a_checksum_but_no_sequence() -> None:
    assert wire.resend_request() == b"96AZ" + wire.checksum(b"96AZ").encode() + b"\r"
    assert wire.resend_request(error_detection=False) == b"96\r"


@pytest.mark.parametrize(
    ("request_text", "fixed_length"),
    [
        (f"23000{DATE}AONL-KftC|AA1234|", 35),  # 24: status 14, language 3, date 18
        (f"63000{DATE}          AONL-KftC|AA1234|", 59),  # 64: + six counts of 4
        (f"11YN{DATE}{' ' * 18}AONL-KftC|AA1|AB2|", 22),  # 12: ok, renewal, magnetic, desens.
        (f"09N{DATE}{DATE}AONL-KftC|AB2|", 22),  # 10: ok, resensitize, magnetic, alert
        (f"29NN{DATE}{' ' * 18}AONL-KftC|AA1|AB2|", 22),  # 30
        (f"65{DATE}AONL-KftC|AA1|", 27),  # 66: ok, renewed 4, unrenewed 4
        (f"17{DATE}AONL-KftC|AB2|", 24),  # 18: circulation, security, fee type
        (f"19{DATE}AONL-KftC|AB2|", 19),  # 20: properties ok
        (f"15+{DATE}AONL-KftC|AA1|", 20),  # 16: ok, available
        (f"35{DATE}AONL-KftC|AA1|", 19),  # 36: end session
        (f"37{DATE}0100EURAONL-KftC|AA1|BV1.00|", 19),  # 38: payment accepted
        (f"01N{DATE}AONL-KftC|AA1|", 35),  # 24
        (f"25{DATE}AONL-KftC|AA1|", 35),  # 26
    ],
)
def test_a_refusal_has_the_response_shape_of_its_request(
    request_text: str, fixed_length: int
) -> None:
    # given any request
    request = wire.parse(request_text.encode())
    # when it is refused
    response = refusal(request, "Niet toegestaan")
    # then the answer is that request's response, says no, echoes AO and carries the message
    assert response.command == wire.RESPONSE_COMMANDS[request.command]
    assert len(response.fixed) == fixed_length
    assert wire.response_problem(response) == ""
    assert response.fixed[0] in "0NY"
    assert ("AF", "Niet toegestaan") in response.fields
    if request.has("AO") and response.command not in ("18", "20"):
        assert ("AO", "NL-KftC") in response.fields


def test_response_problem_names_a_wrong_fixed_part() -> None:
    assert wire.response_problem(Response("36", "Y" + DATE)) == ""
    assert wire.response_problem(Response("36", "Y")) == "fixed part is 1 characters, not 19"
    assert wire.response_problem(Response("55", "")) == "unknown response code '55'"
