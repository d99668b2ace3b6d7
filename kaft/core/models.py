"""The one table of ``kaft.core``: the shared cache, when no ``KAFT_CACHE_URL`` names a Redis server.

The table has the shape Django's database cache expects (``createcachetable`` would make the same
one); as a model it is created by ``migrate`` and emptied between tests like every other table.
"""

from __future__ import annotations

from django.db import models

from kaft.core.cache import CACHE_TABLE


class CacheEntry(models.Model):
    """One cache entry of :class:`kaft.core.cache.DatabaseCache`.

    Kaft keeps attempt counts here (:mod:`kaft.core.limits`), under keys that are keyed hashes:
    no card number, e-mail address or member id can be read from a row.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = CACHE_TABLE
        verbose_name = "cache entry"
        verbose_name_plural = "cache entries"
