"""ETags on catalogue reads: the tag is a hash of the answer, so it changes exactly when the
answer does (a new copy, a copy lent, a title edited). ``If-None-Match`` with the same tag
answers 304 without a body."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from ninja import Schema


def _tags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def etagged(request: HttpRequest, answer: Schema) -> HttpResponse:
    body = answer.model_dump_json().encode()
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    sent = _tags(request.headers.get("If-None-Match", ""))
    if tag in sent or "*" in sent:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    return response
