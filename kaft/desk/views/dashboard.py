"""The privacy officer's dashboard: counts of what waits, charts of looks, disclosures and
consents (``views.trends``), and links. No member's data is shown, so no access-log entry is
written."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kaft.desk.access import desk_view
from kaft.desk.views.common import desk_render
from kaft.desk.views.transparency import OFFICERS
from kaft.desk.views.trends import dashboard_charts
from kaft.privacy.selectors.transparency import dashboard


@desk_view(roles=OFFICERS)
@require_GET
def privacy_dashboard(request: HttpRequest) -> HttpResponse:
    context = {"board": dashboard(), "charts": dashboard_charts()}
    return desk_render(request, "desk/dashboard_privacy.html", context)
