"""Read back what a PDF Kaft made says: its page sizes and the text its pages draw.

pypdf parses the file (cross-reference table, stream lengths, filters) and each page's content
stream into operators; this module only picks out the text-showing ones. Kaft's PDFs (fpdf2, the
built-in fonts) write text as Latin-1 strings, so that is how the strings are read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import ContentStream


def _text(operand: object) -> str:
    raw = getattr(operand, "original_bytes", None)
    if raw is None:
        raw = bytes(operand) if isinstance(operand, bytes) else str(operand).encode("latin-1")
    return raw.decode("latin-1")


def _shown(content: bytes) -> Iterator[tuple[str, float, float]]:
    """Each string a page shows, with the text position last set by Td in its BT block, in
    points from the bottom-left corner."""
    reader = PdfReader(io.BytesIO(content))
    for page in reader.pages:
        contents = page.get_contents()
        if contents is None:
            continue
        x = y = 0.0
        for operands, operator in ContentStream(contents, reader).operations:
            if operator == b"BT":
                x = y = 0.0
            elif operator == b"Td":
                x, y = float(operands[0]), float(operands[1])
            elif operator == b"Tj":
                yield _text(operands[0]), x, y
            elif operator == b"TJ":
                parts = [_text(part) for part in operands[0] if not isinstance(part, int | float)]
                yield "".join(parts), x, y


def pdf_lines(content: bytes) -> list[str]:
    """Every piece of text the PDF draws, in drawing order."""
    return [text for text, _x, _y in _shown(content)]


def pdf_page_sizes_mm(content: bytes) -> list[tuple[float, float]]:
    """(width, height) of each page, in millimetres."""
    return [
        (
            round(float(page.mediabox.width) * 25.4 / 72, 1),
            round(float(page.mediabox.height) * 25.4 / 72, 1),
        )
        for page in PdfReader(io.BytesIO(content)).pages
    ]


def pdf_text_positions_mm(content: bytes) -> list[tuple[str, float, float]]:
    """Each piece of text with where it starts: (text, mm from the left edge, mm from the top
    edge of an A4 page to the text's baseline)."""
    return [
        (text, round(x * 25.4 / 72, 1), round(297 - y * 25.4 / 72, 1))
        for text, x, y in _shown(content)
    ]
