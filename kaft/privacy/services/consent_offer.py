"""Which consent purposes the library asks for at all.

A purpose is only asked when the library does what it is about: the consent for website
statistics (``site_statistics``) only while the library counts visits
(``settings.KAFT_USAGE_STATISTICS``). Asking a yes for something the library does not do would
be consent for nothing. A member who said yes while it was on still sees the purpose, so that
the yes can be withdrawn; a new yes is refused (CONSENT_NOT_OFFERED).
"""

from __future__ import annotations

from django.conf import settings

from kaft.privacy.models import ConsentPurpose


def purpose_offered(purpose: ConsentPurpose | str) -> bool:
    """Whether the library asks for ``purpose`` now (read at each call, never at import)."""
    if ConsentPurpose(purpose) == ConsentPurpose.SITE_STATISTICS:
        return bool(getattr(settings, "KAFT_USAGE_STATISTICS", False))
    return True
