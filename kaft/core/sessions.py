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

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, router, transaction
from django.http import HttpRequest


class SessionStore(db.SessionStore):
    _written: bytes | None = None

    def _serialized(self, data: dict[str, Any]) -> bytes:
        return bytes(self.serializer().dumps(data))

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
