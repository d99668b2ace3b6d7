"""How long a text message may be, counted the way phones count it.

An SMS carries 160 characters of the GSM 7-bit alphabet, or 70 of anything else (UCS-2, e.g. a
title with "ł" or an emoji). A longer text is split into parts of 153 (GSM) or 67 (UCS-2)
characters and costs one message per part. Kaft allows :data:`MAX_PARTS` parts: the SMS
branch of a template is written to fit one part, and :func:`sms_fit` cuts anything longer
(a long title) at a word, with "...", so what the provider gets never needs more.
"""

from __future__ import annotations

MAX_PARTS = 2
# GSM 03.38: the basic set, and the extension characters that take two positions (escape + char).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def sms_length(text: str) -> int:
    """Positions the text takes: GSM septets (extension characters count two), else UCS-2
    code units (a character outside the BMP counts two)."""
    if is_gsm(text):
        return sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def sms_parts(text: str) -> int:
    """How many messages the text costs."""
    single, part = (160, 153) if is_gsm(text) else (70, 67)
    length = sms_length(text)
    if length <= single:
        return 1
    return -(-length // part)


def sms_limit(text: str) -> int:
    """The most positions :data:`MAX_PARTS` parts hold for a text of this alphabet."""
    return (153 if is_gsm(text) else 67) * MAX_PARTS


def sms_fit(text: str) -> str:
    """``text`` on one line, cut at a word (with "...") so that it needs at most MAX_PARTS."""
    text = " ".join(text.split())
    if sms_parts(text) <= MAX_PARTS:
        return text
    limit = sms_limit(text) - 3
    cut = ""
    for word in text.split(" "):
        candidate = f"{cut} {word}" if cut else word
        if sms_length(candidate) > limit:
            break
        cut = candidate
    if not cut:  # one very long word: cut inside it
        cut = text
        while sms_length(cut) > limit:
            cut = cut[:-1]
    return cut.rstrip(" ,.;:") + "..."
