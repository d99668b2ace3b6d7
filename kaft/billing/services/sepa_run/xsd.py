"""Checking a pain.008 file against the official XSD shipped with sepaxml."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from kaft.billing.errors import BillingError, BillingErrorCode


@functools.lru_cache(maxsize=4)
def _schema(fmt: str) -> Any:
    import sepaxml
    from lxml import etree

    path = Path(sepaxml.__file__).parent / "schemas" / f"{fmt}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def xsd_check(xml: bytes, fmt: str) -> None:
    """Check ``xml`` against the official XSD of ``fmt`` (the files sepaxml ships, from the
    ISO 20022 message catalogue); BillingError XSD_INVALID with the first error."""
    from lxml import etree

    schema = _schema(fmt)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    document = etree.fromstring(xml, parser)
    if not schema.validate(document):
        error = schema.error_log.last_error
        raise BillingError(BillingErrorCode.XSD_INVALID, detail=str(error)[:300])
