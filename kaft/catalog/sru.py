"""Asking another catalogue for a title by ISBN over SRU (Search/Retrieve via URL), for copy
cataloguing. The library sets the server in ``KAFT_SRU_URL`` (the national catalogue offers SRU
with MARCXML); ``KAFT_SRU_ISBN_INDEX`` is the CQL index its ISBN search uses,
``KAFT_SRU_RECORD_SCHEMA`` the name it gives MARCXML, ``KAFT_SRU_TIMEOUT`` how long to wait.

The request is SRU 1.2's searchRetrieve (``operation=searchRetrieve&version=1.2&query=…&
recordSchema=marcxml&maximumRecords=…``; query parameters already in the base URL, such as a
collection, are kept). The answer is read whether it is SRU 1.2 or 2.0 (elements are matched
on their local names): ``searchRetrieveResponse`` with ``numberOfRecords``, ``records/record/
recordData`` holding a MARCXML ``record`` (as XML, or as escaped text when the server packs
records as strings), and ``diagnostics`` when the server refused. A network error, a timeout,
an answer that is not such XML, and a diagnostic each raise :class:`CatalogError` with the
server's host named; nothing is ever written here. The XML is read without DTDs, entities or
network access.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from lxml import etree

from kaft.catalog.errors import CatalogError, CatalogErrorCode

MAX_RECORDS = 10
MAX_ANSWER_BYTES = 5_000_000
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
)


@dataclass(frozen=True)
class SruAnswer:
    total: int  # numberOfRecords: how many the server found (it sends at most MAX_RECORDS)
    records: list[tuple[int, bytes]]  # (position, one MARCXML record as UTF-8 bytes)
    host: str


def _local(element: Any) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child) == name]


def _text(element: Any, name: str) -> str:
    for child in _children(element, name):
        return " ".join((child.text or "").split())
    return ""


def sru_host() -> str:
    return urllib.parse.urlsplit(settings.KAFT_SRU_URL).netloc or settings.KAFT_SRU_URL


def sru_request_url(isbn: str) -> str:
    """The searchRetrieve URL for this ISBN (digits and X only) at the configured server."""
    base = urllib.parse.urlsplit(settings.KAFT_SRU_URL)
    ours = {
        "operation": "searchRetrieve",
        "version": "1.2",
        "query": f'{settings.KAFT_SRU_ISBN_INDEX}="{isbn}"',
        "recordSchema": settings.KAFT_SRU_RECORD_SCHEMA,
        "maximumRecords": str(MAX_RECORDS),
    }
    kept = [(k, v) for k, v in urllib.parse.parse_qsl(base.query) if k not in ours]
    query = urllib.parse.urlencode(kept + list(ours.items()))
    return urllib.parse.urlunsplit((base.scheme, base.netloc, base.path, query, ""))


def sru_search(isbn: str) -> SruAnswer:
    """Ask the configured catalogue for the titles with this ISBN (see the module docstring)."""
    if not settings.KAFT_SRU_URL:
        raise CatalogError(CatalogErrorCode.SRU_NOT_CONFIGURED)
    host = sru_host()
    request = urllib.request.Request(
        sru_request_url(isbn), headers={"Accept": "application/xml, text/xml"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.KAFT_SRU_TIMEOUT) as response:  # noqa: S310
            body = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:  # a server may send its diagnostic with a 4xx/5xx
        body = error.read(MAX_ANSWER_BYTES + 1) if error.fp is not None else b""
        try:
            return _answer(body, host)
        except CatalogError as refused:
            if refused.code == CatalogErrorCode.SRU_DIAGNOSTIC:
                raise
        raise CatalogError(
            CatalogErrorCode.SRU_UNREACHABLE, host=host, detail=f"HTTP {error.code}"
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise CatalogError(
            CatalogErrorCode.SRU_UNREACHABLE, host=host, detail=str(reason)[:200]
        ) from None
    if len(body) > MAX_ANSWER_BYTES:
        raise CatalogError(CatalogErrorCode.SRU_MALFORMED, host=host, detail="too large")
    return _answer(body, host)


def _malformed(host: str, detail: str) -> CatalogError:
    return CatalogError(CatalogErrorCode.SRU_MALFORMED, host=host, detail=detail[:200])


def _answer(body: bytes, host: str) -> SruAnswer:
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise _malformed(host, f"XML: {error}") from None
    if root is None or _local(root) != "searchRetrieveResponse":
        raise _malformed(host, "no searchRetrieveResponse")
    records: list[tuple[int, bytes]] = []
    for holder in _children(root, "records"):
        for index, entry in enumerate(_children(holder, "record"), start=1):
            marc = _marc_of(entry, host)
            if marc is None:
                continue  # a surrogate diagnostic in place of a record: that record only
            position = _text(entry, "recordPosition")
            number = int(position) if position.isascii() and position.isdigit() else index
            records.append((number, marc))
    problems = [
        " — ".join(part for part in (_text(item, "message"), _text(item, "details")) if part)
        or _text(item, "uri")
        for holder in _children(root, "diagnostics")
        for item in _children(holder, "diagnostic")
    ]
    if problems and not records:
        raise CatalogError(
            CatalogErrorCode.SRU_DIAGNOSTIC, host=host, detail="; ".join(problems)[:300]
        )
    total_text = _text(root, "numberOfRecords")
    if not (total_text.isascii() and total_text.isdigit()):
        raise _malformed(host, "no numberOfRecords")
    return SruAnswer(total=int(total_text), records=records, host=host)


def _marc_of(entry: Any, host: str) -> bytes | None:
    """The MARCXML record in one SRU record, as bytes; None for a surrogate diagnostic."""
    for data in _children(entry, "recordData"):
        found = [el for el in data.iter() if _local(el) == "record"]
        if not found and (data.text or "").strip().startswith("<"):  # packed as a string
            try:
                inner = etree.fromstring(data.text.strip().encode("utf-8"), _PARSER)
            except etree.XMLSyntaxError as error:
                raise _malformed(host, f"XML: {error}") from None
            found = [el for el in inner.iter() if _local(el) == "record"]
        if found:
            return bytes(etree.tostring(found[0], encoding="utf-8"))
        if any(_local(el) == "diagnostic" for el in data.iter()):
            return None
    raise _malformed(host, "a record without MARCXML")
