"""``{% statement_banner %}``: the portal's notice that the privacy statement changed."""

from __future__ import annotations

from typing import Any

from django import template

from kaft.privacy.services.statement import statement_current, statement_is_news

register = template.Library()


@register.inclusion_tag("portal/statement_banner.html")
def statement_banner() -> dict[str, Any]:
    """Shown for ``BANNER_DAYS`` days after a new version is published (not for the first)."""
    version = statement_current()
    return {"version": version if statement_is_news(version) else None}
