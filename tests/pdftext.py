"""Read back what a PDF made by fpdf2 says: its page size and the text of its content streams.

No PDF library is needed: fpdf2 writes text with the built-in fonts as literal strings in the
(Flate-compressed) content streams, ``(text) Tj``; this reads them back in order.
"""

from __future__ import annotations

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
TEXT = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")


def _unescape(raw: bytes) -> str:
    text = re.sub(rb"\\([()\\])", rb"\1", raw)
    return text.decode("latin-1")


def pdf_lines(content: bytes) -> list[str]:
    """Every piece of text the PDF draws, in drawing order."""
    lines = []
    for stream in STREAM.findall(content):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            data = stream
        lines += [_unescape(raw) for raw in TEXT.findall(data)]
    return lines


def pdf_page_sizes_mm(content: bytes) -> list[tuple[float, float]]:
    """(width, height) of each page, in millimetres."""
    return [
        (round(float(w) * 25.4 / 72, 1), round(float(h) * 25.4 / 72, 1))
        for w, h in MEDIA_BOX.findall(content)
    ]


POSITIONED = re.compile(rb"BT\s+([\d.]+)\s+([\d.]+)\s+Td\s*\(((?:\\.|[^\\)])*)\)\s*Tj")


def pdf_text_positions_mm(content: bytes) -> list[tuple[str, float, float]]:
    """Each piece of text with where it starts: (text, mm from the left edge, mm from the top
    edge of an A4 page to the text's baseline)."""
    found = []
    for stream in STREAM.findall(content):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            data = stream
        for x, y, raw in POSITIONED.findall(data):
            x_mm = float(x) * 25.4 / 72
            y_mm = 297 - float(y) * 25.4 / 72
            found.append((_unescape(raw), round(x_mm, 1), round(y_mm, 1)))
    return found
