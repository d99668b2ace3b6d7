"""A stand-in for a national catalogue's SRU server on 127.0.0.1 (a random port, in a thread): it
answers SRU 1.2 searchRetrieve requests with real SRU XML, the MARCXML records built from the
MARC records it was given, found by the ISBN in the query (``bath.isbn="…"``).

    with SruServer([record]) as sru:
        settings.KAFT_SRU_URL = sru.url
        ...
        sru.requests  # the query parameters of each request

``sru.answer_next(kind)`` makes the next request fail the way real servers do: ``"diagnostic"``
(a fatal SRU diagnostic), ``"malformed"`` (not XML), ``"http500"``, ``"slow"`` (no answer before
the client's timeout), ``"string"`` (the records packed as escaped XML strings, as a server
with recordPacking=string sends them: valid).
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

import pymarc
from pymarc.marcxml import record_to_xml

SRW = "http://www.loc.gov/zing/srw/"
DIAG = "http://www.loc.gov/zing/srw/diagnostic/"


def isbns_of(record: pymarc.Record) -> list[str]:
    return [
        value.split()[0].replace("-", "")
        for item in record.get_fields("020", "024")
        for value in item.get_subfields("a")
        if value.strip()
    ]


class SruServer:
    def __init__(self, records: list[pymarc.Record]) -> None:
        self.records = records
        self.requests: list[dict[str, str]] = []
        self._next: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                status, body = server._handle(query)
                data = body.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/sru?x-collection=NBC"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SruServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer_next(self, kind: str) -> None:
        with self._lock:
            self._next.append(kind)

    def _handle(self, query: dict[str, str]) -> tuple[int, str]:
        with self._lock:
            self.requests.append(query)
            kind = self._next.pop(0) if self._next else ""
        if kind == "slow":
            time.sleep(2)
        if kind == "malformed":
            return 200, "<html><body>Service Unavailable"
        if kind == "http500":
            return 500, "Internal Server Error"
        if kind == "diagnostic" or query.get("operation") != "searchRetrieve":
            return 200, self._diagnostic("info:srw/diagnostic/1/10", "Query syntax error")
        wanted = query.get("query", "").split("=", 1)[-1].strip('"')
        found = [r for r in self.records if wanted and wanted in isbns_of(r)]
        return 200, self._response(found, packed=kind == "string")

    def _diagnostic(self, uri: str, message: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<srw:searchRetrieveResponse xmlns:srw="{SRW}">'
            "<srw:version>1.2</srw:version><srw:numberOfRecords>0</srw:numberOfRecords>"
            f'<srw:diagnostics><diag:diagnostic xmlns:diag="{DIAG}">'
            f"<diag:uri>{uri}</diag:uri><diag:message>{message}</diag:message>"
            "</diag:diagnostic></srw:diagnostics></srw:searchRetrieveResponse>"
        )

    def _response(self, found: list[pymarc.Record], *, packed: bool) -> str:
        parts = []
        for position, record in enumerate(found, start=1):
            xml = record_to_xml(record, namespace=True).decode("utf-8")
            data = escape(xml) if packed else xml
            parts.append(
                "<srw:record><srw:recordSchema>info:srw/schema/1/marcxml-v1.1</srw:recordSchema>"
                f"<srw:recordPacking>{'string' if packed else 'xml'}</srw:recordPacking>"
                f"<srw:recordData>{data}</srw:recordData>"
                f"<srw:recordPosition>{position}</srw:recordPosition></srw:record>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<srw:searchRetrieveResponse xmlns:srw="{SRW}">'
            f"<srw:version>1.2</srw:version><srw:numberOfRecords>{len(found)}</srw:numberOfRecords>"
            f"<srw:records>{''.join(parts)}</srw:records></srw:searchRetrieveResponse>"
        )


def sample_record(
    *,
    isbn: str = "9789023466642",
    control_number: str = "41434311X",
    title: str = "De avonden",
    author: str = "Reve, Gerard",
) -> pymarc.Record:
    """A MARC record as a national catalogue sends one (001 with 003, 008, 020, 100, 245, 264,
    650), with the holding of another library (852), which makes no copy here."""
    from pymarc import Field, Indicators, Subfield

    record = pymarc.Record(force_utf8=True, leader="00000nam a2200000 i 4500")
    record.add_field(Field(tag="001", data=control_number))
    record.add_field(Field(tag="003", data="NL-LeOCL"))
    record.add_field(Field(tag="008", data="200101s2020    ne            000 1 dut d"))
    record.add_field(Field("020", Indicators(" ", " "), [Subfield("a", isbn)]))
    record.add_field(
        Field("100", Indicators("1", " "), [Subfield("a", author + ","), Subfield("4", "aut")])
    )
    record.add_field(
        Field(
            "245",
            Indicators("1", "0"),
            [
                Subfield("a", title + " :"),
                Subfield("b", "een winterverhaal /"),
                Subfield("c", author),
            ],
        )
    )
    record.add_field(
        Field(
            "264",
            Indicators(" ", "1"),
            [Subfield("a", "Amsterdam :"), Subfield("b", "De Bezige Bij,"), Subfield("c", "2020")],
        )
    )
    record.add_field(Field("650", Indicators(" ", "4"), [Subfield("a", "Naoorlogse literatuur")]))
    record.add_field(
        Field("852", Indicators(" ", " "), [Subfield("a", "NL-AsdOBA"), Subfield("h", "REVE")])
    )
    return record
