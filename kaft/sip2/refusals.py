"""The "no" answer to any SIP2 request, in the shape the standard gives that request's response.

The server answers with it when a kiosk account may not use a message, when no handler exists
for it, and when a handler failed unexpectedly; handlers may use it for "not supported" (e.g.
37 fee paid before billing answers it). Every refusal says no in its fixed part (ok ``0``,
``N``, privileges denied), echoes the identifiers the kiosk sent (AO, AA, AB) and carries the
reason as screen message (AF).
"""

from __future__ import annotations

from collections.abc import Callable

from kaft.sip2.protocol import Request, Response, sip_date
from kaft.sip2.wire import RESPONSE_COMMANDS

_DENIED_STATUS = "YYYY" + " " * 10  # charge, renew, recall and hold privileges denied
_NO_COUNTS = "0000" * 6  # hold, overdue, charged, fine, recall and unavailable items

# Per response code: its fixed part given the date, and the fields the standard requires.
_SHAPES: dict[str, tuple[Callable[[str], str], tuple[str, ...]]] = {
    "94": (lambda date: "0", ()),
    "24": (lambda date: _DENIED_STATUS + "000" + date, ("AO", "AA", "AE")),
    "26": (lambda date: _DENIED_STATUS + "000" + date, ("AO", "AA", "AE")),
    "64": (lambda date: _DENIED_STATUS + "000" + date + _NO_COUNTS, ("AO", "AA", "AE")),
    "12": (lambda date: "0NNN" + date, ("AO", "AA", "AB", "AJ", "AH")),
    "30": (lambda date: "0NNN" + date, ("AO", "AA", "AB", "AJ", "AH")),
    "10": (lambda date: "0NUN" + date, ("AO", "AB", "AQ")),
    "66": (lambda date: "000000000" + date, ("AO",)),
    "18": (lambda date: "010001" + date, ("AB", "AJ")),
    "20": (lambda date: "0" + date, ("AB", "AJ")),
    "16": (lambda date: "0N" + date, ("AO", "AA")),
    "36": (lambda date: "N" + date, ("AO", "AA")),
    "38": (lambda date: "N" + date, ("AO", "AA")),
    "98": (lambda date: "NNNNNN000000" + date + "2.00", ("AO", "AM", "BX")),
}


def refusal(request: Request, message: str = "") -> Response:
    """The answer to ``request`` that refuses it, with ``message`` as screen message (AF)."""
    command = RESPONSE_COMMANDS.get(request.command, "96")
    shape = _SHAPES.get(command)
    if shape is None:
        return Response("96")
    fixed, required = shape
    response = Response(command, fixed(sip_date()))
    for code in required:
        if code == "BX":
            response.add(code, "N" * 16)
        else:
            response.add(code, request.get(code))
    if message:
        response.add("AF", message)
    return response
