"""Template filters for the desk's own words (see :mod:`kaft.desk.words`)."""

from __future__ import annotations

from django import template

from kaft.circulation.models import Hold
from kaft.desk.words import hold_state

register = template.Library()


@register.filter
def staff_state(hold: Hold) -> str:
    """A reservation's state in the words the desk uses."""
    return hold_state(hold)
