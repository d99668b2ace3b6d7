"""The public page "Bewaartermijnen": how long the library keeps what, in plain words, with the
library's own current periods. Anyone may read it; it shows nobody's data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kaft.portal.views.common import render_portal
from kaft.privacy.registry import RULES
from kaft.privacy.services.retention import retention_periods


@require_GET
def retention_periods_page(request: HttpRequest) -> HttpResponse:
    periods = retention_periods()
    rules = [{"rule": rule, "days": periods[key]} for key, rule in RULES.items()]
    return render_portal(request, "portal/retention.html", {"rules": rules})
