"""``POST /api/newsletter/bounces``: the mail provider tells Kaft that a newsletter message
bounced (kaft/outreach/services/newsletter_bounces.py).

A plain Django view beside the REST API, for one caller: the mail provider (or the library's own
mail server's bounce pipe), which authenticates with the shared secret
``KAFT_NEWSLETTER_BOUNCE_SECRET`` as ``Authorization: Bearer <secret>``. No secret set: the
address does not exist (404). The body is either JSON, ``{"recipient": "<bounce address>",
"type": "hard" | "soft"}`` (or a list of those), or the bounce message itself
(``message/rfc822`` or ``multipart/report``, a delivery status notification). The answer is 200
with how many bounces were read and how many marked a delivery. CSRF does not apply: no browser session is used here.
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kaft.outreach.services.newsletter_bounces import bounce_record, bounces_from_dsn

MAX_BODY = 1024 * 1024  # a bounce report with the original's headers fits easily


def _authorised(request: HttpRequest, secret: str) -> bool:
    given = request.headers.get("Authorization", "")
    scheme, _space, value = given.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), secret.encode())


def _from_json(body: bytes) -> list[tuple[str, bool]] | None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested too deep ("[[[[..."), not JSON
        return None
    items = data if isinstance(data, list) else [data]
    found: list[tuple[str, bool]] = []
    for item in items:
        if not isinstance(item, dict):
            return None
        recipient, kind = item.get("recipient"), item.get("type")
        if not isinstance(recipient, str) or kind not in ("hard", "soft"):
            return None
        found.append((recipient, kind == "hard"))
    return found


@csrf_exempt
@require_POST
def newsletter_bounces(request: HttpRequest) -> HttpResponse:
    secret = str(getattr(settings, "KAFT_NEWSLETTER_BOUNCE_SECRET", "") or "")
    if not secret:
        raise Http404
    if not _authorised(request, secret):
        return JsonResponse({"error": "unauthorised"}, status=401)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": "too large"}, status=413)
    content_type = request.content_type or ""
    if content_type == "application/json":
        bounces = _from_json(request.body)
        if bounces is None:
            return JsonResponse(
                {"error": 'expected {"recipient": "...", "type": "hard" | "soft"}'}, status=400
            )
    else:
        bounces = bounces_from_dsn(request.body)
    marked = sum(1 for recipient, hard in bounces if bounce_record(recipient=recipient, hard=hard))
    return JsonResponse({"received": len(bounces), "marked": marked})
