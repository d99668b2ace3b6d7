"""Requests per client per minute, counted in the shared cache (one count for every worker).

A fixed window of 60 seconds per client: the first request of a window starts it, the count
grows with each request, and a client past its limit is answered 429 with ``Retry-After`` (the
seconds left in the window). The limit is the client's own (``ApiClient.rate_per_minute``) or
``KAFT_API_RATE_PER_MINUTE``. Keys hold the client's row id, not its secret or name.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

WINDOW = 60


def rate_count(*, client_key: str, per_minute: int | None, now: float | None = None) -> int:
    """Count one request of ``client_key``; the seconds to wait when it is over its limit, else
    0."""
    moment = time.time() if now is None else now
    window_start = int(moment // WINDOW) * WINDOW
    key = f"kaft:api:rate:{client_key}:{window_start}"
    try:  # the usual case, the window started: one increment
        count = cache.incr(key)
    except ValueError:  # the first request of the window
        count = 1 if cache.add(key, 1, timeout=WINDOW + 5) else cache.incr(key)
    limit = per_minute if per_minute is not None else settings.KAFT_API_RATE_PER_MINUTE
    if count > limit:
        return max(1, int(window_start + WINDOW - moment))
    return 0
