"""``POST /api/iso18626``: ISO 18626 messages from partner libraries.

A plain Django view beside the REST API (the API's tokens and scopes are for other systems; a
partner library authenticates with its shared secret in the ``X-ISO18626-Secret`` header, or
with a client certificate the reverse proxy verified and passes in a header). The view only
hands the body and the headers to
:func:`kaft.interlibrary.services.incoming.message_receive`, which decides everything (schema,
partner, secret or certificate, the move) and gives the confirmation message to answer with. CSRF does not
apply: no browser session is used or accepted here.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kaft.interlibrary.services.incoming import client_cert_from, message_receive
from kaft.interlibrary.services.outbox import SECRET_HEADER


@csrf_exempt
@require_POST
def iso18626_endpoint(request: HttpRequest) -> HttpResponse:
    answer = message_receive(
        body=request.body,
        secret=request.headers.get(SECRET_HEADER, ""),
        client_cert=client_cert_from(request.headers),
    )
    return HttpResponse(
        answer.body, status=answer.status, content_type="application/xml; charset=utf-8"
    )
