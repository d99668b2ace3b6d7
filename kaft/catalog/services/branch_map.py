"""The branch map of a MARC import (``--branch-map FILE``): other systems' location codes → ISIL.

The file is CSV in UTF-8, one ``code,ISIL`` pair per line::

    # Koha branch codes of the old system
    CPL,NL-UtrCB
    "Oost 2",NL-UtrOost

Blank lines and lines starting with ``#`` are skipped, as is a heading line ``code,isil``
before the first pair. Codes
are compared without regard to case; each code may be mapped once. Every ISIL must belong to a
Kaft branch: the whole file is checked before the import reads a record, so a mistake in it
writes nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Branch


def branch_map_read(*, path: Path) -> dict[str, Branch]:
    """The map as ``{code (casefolded): branch}``; raises CatalogError on the first bad line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CatalogError(
            CatalogErrorCode.BRANCH_MAP_UNREADABLE, file=str(path), detail=detail
        ) from exc
    by_isil = {branch.isil.casefold(): branch for branch in Branch.objects.all()}
    found: dict[str, Branch] = {}
    first = True
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        header, first = first and [cell.casefold() for cell in cells] == ["code", "isil"], False
        if header:
            continue
        if len(cells) != 2 or not all(cells):
            raise CatalogError(
                CatalogErrorCode.BRANCH_MAP_LINE_INVALID, file=str(path), line=number
            )
        code, isil = cells
        branch = by_isil.get(isil.casefold())
        if branch is None:
            raise CatalogError(
                CatalogErrorCode.BRANCH_MAP_UNKNOWN_ISIL, file=str(path), line=number, isil=isil
            )
        key = " ".join(code.split()).casefold()
        if key in found and found[key] != branch:
            raise CatalogError(
                CatalogErrorCode.BRANCH_MAP_CODE_TWICE, file=str(path), line=number, location=code
            )
        found[key] = branch
    return found
