"""Sessions in the database, written only when their content changed, and inside the caller's
transaction when there is one.

Django's database sessions write the row whenever a request touched a key, and in a transaction
of their own, after the view: a desk scan then commits twice (its loan, then its session). This
store, a drop-in for ``django.contrib.sessions.backends.db`` (same table, same signed data):

- compares what would be written with what was read or last written, and writes nothing when
  they are equal (the cookie is still sent as Django does);
- when called inside a transaction (:func:`session_save_in_transaction` from a view that holds
  one), writes the row as one UPDATE in it, without a savepoint of its own: what the session keeps
  of an action (the scan rows, the member being served) commits with the action or not at all.

Security stays Django's: the row is found by its random key, the auth hash (with the login's
``session_version``) is checked on every request by ``django.contrib.auth``, logging out deletes
the row, and a session deleted meanwhile makes the update fail (Django's ``UpdateError``, the
request ends without being done).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import DatabaseError, connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from kaft.core import rawsql


@cache
def _load_sql(model: type[AbstractBaseSession], vendor: str) -> str:
    key, expires = rawsql.column(model, "session_key"), rawsql.column(model, "expire_date")
    return (
        f"SELECT {rawsql.columns(model)} FROM {rawsql.table(model)} "
        f"WHERE {key} = %s AND {expires} > %s"
    )


class SessionStore(db.SessionStore):
    _written: bytes | None = None

    def _serialized(self, data: dict[str, Any]) -> bytes:
        return bytes(self.serializer().dumps(data))

    def _get_session_from_db(self) -> AbstractBaseSession | None:
        """The row of this session if it has not expired, as Django's store reads it, by a
        statement built once (every request reads its session; the ORM spent more time building
        the query than the database running it)."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        if connection.alias != "default" or self.session_key is None:
            return super()._get_session_from_db()  # type: ignore[misc, no-any-return]
        now = rawsql.prepared(model, "expire_date", timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_load_sql(model, connection.vendor), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return rawsql.instance(model, row)

    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = super().load()
        self._written = self._serialized(data) if self.session_key is not None else None
        return data

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or must_create:
            super().save(must_create=must_create)
            self._written = self._serialized(self._get_session(no_load=True))  # type: ignore[attr-defined]
            return
        data = self._get_session()  # type: ignore[attr-defined]
        serialized = self._serialized(data)
        if serialized == self._written:
            return
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        if not transaction.get_connection(using).in_atomic_block:
            super().save()
        else:
            try:
                obj.save(force_update=True, using=using)
            except DatabaseError as error:
                raise UpdateError from error
        self._written = serialized


def session_save_in_transaction(request: HttpRequest) -> None:
    """Write ``request``'s session now, inside the transaction the caller holds, so that it
    commits with the caller's writes; the session middleware then finds nothing left to write."""
    request.session.save()
