"""Django's database cache, with an increment that several processes can share.

Django's own ``DatabaseCache.incr`` reads the value and writes it back: two workers counting at
the same moment can both read 3 and both write 4, and the write resets the entry's expiry to the
default timeout. Here the increment locks the row (``SELECT ... FOR UPDATE`` on PostgreSQL; on
SQLite the transaction itself takes the write lock, Kaft opens them ``IMMEDIATE``) and keeps the
expiry the entry was given, as Redis's ``INCR`` does.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import router, transaction
from django.utils import timezone

CACHE_TABLE = "kaft_cache"


class DatabaseCache(DjangoDatabaseCache):
    """``LOCATION`` is ignored: the table is always :data:`CACHE_TABLE`, made by a migration."""

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(CACHE_TABLE, params)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        from kaft.core.models import CacheEntry

        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        with transaction.atomic(using=db):
            entry = (
                CacheEntry.objects.using(db)
                .select_for_update()
                .filter(cache_key=cache_key, expires__gt=timezone.now())
                .first()
            )
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(entry.value.encode()))  # noqa: S301 - our own
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            CacheEntry.objects.using(db).filter(cache_key=cache_key).update(value=encoded)
        return value
