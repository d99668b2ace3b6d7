"""The cookie banner: asks once for usage statistics, only when the library switched them on."""

from __future__ import annotations

from typing import Any

from django import template

from kaft.portal.page_views import STATS_ACCEPTED, STATS_DECLINED, statistics_asked

register = template.Library()


@register.inclusion_tag("core/cookie_banner.html", takes_context=True)
def cookie_banner(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    show = request is not None and statistics_asked(request)
    return {
        "show": show,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "accepted": STATS_ACCEPTED,
        "declined": STATS_DECLINED,
    }
