"""Text for the PDFs Kaft writes with fpdf2's built-in Helvetica (slips, letters): that font has
the Latin-1 characters only, so nothing outside Kaft (no font file) is needed."""

from __future__ import annotations

import unicodedata


def latin(text: str) -> str:
    """``text`` in the characters Helvetica has: the ellipsis as three dots, accents kept where
    Latin-1 has them, others reduced to their base letter, anything else as "?"."""
    out = []
    for char in text.replace("…", "...").replace("’", "'").replace("“", '"').replace("”", '"'):
        if ord(char) < 256:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)
        kept = "".join(c for c in base if ord(c) < 256 and not unicodedata.combining(c))
        out.append(kept or "?")
    return "".join(out)
