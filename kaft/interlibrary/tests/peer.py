"""The second Kaft of the two-instance test: its own database (``DATABASE_URL``), its own HTTP
server on 127.0.0.1, driven over stdin/stdout with one JSON line per operation.

Run as ``python -m kaft.interlibrary.tests.peer <port>``. It builds its tables from the models
(``migrate --run-syncdb`` without the migration files: seconds instead of a minute), starts
Django's threaded WSGI server in a thread, prints ``{"ready": true}``, then answers each line
``{"op": ..., "args": {...}}`` with ``{"ok": ..., "result" | "error": ...}``. Staff moves call
the same services the desk calls; messages to the first Kaft go by real HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaft.settings")
os.environ.setdefault("KAFT_TASKS_EAGER", "1")


class _NoMigrations(dict[str, Any]):
    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def _ops() -> dict[str, Callable[..., Any]]:
    from decimal import Decimal

    from django.utils import timezone

    from kaft.catalog.models import Branch, Item, ItemType, Record
    from kaft.interlibrary.models import IllAction, IllRole, InterlibraryRequest, LibraryPartner
    from kaft.interlibrary.services import supplying

    def setup(*, isil: str, partner_isil: str, endpoint: str, secret: str, barcode: str) -> int:
        branch = Branch.objects.create(code="peer", name="Bibliotheek B", isil=isil)
        record = Record.objects.create(title="Het Achterhuis", language="dut")
        Item.objects.create(
            barcode=barcode,
            record=record,
            home_branch=branch,
            current_branch=branch,
            item_type=ItemType.BOOK,
            replacement_price=Decimal("20.00"),
        )
        LibraryPartner.objects.create(
            name="Bibliotheek A", isil=partner_isil, endpoint_url=endpoint, secret=secret
        )
        return branch.pk

    def _request(requesting_id: str) -> InterlibraryRequest:
        return InterlibraryRequest.objects.get(role=IllRole.SUPPLYING, requesting_id=requesting_id)

    def requests() -> list[dict[str, Any]]:
        return [
            {
                "requesting_id": r.requesting_id,
                "status": r.status,
                "title": r.title,
                "due_date": r.due_date.isoformat() if r.due_date else None,
                "partner_received": r.partner_received_at is not None,
                "partner_returned": r.partner_returned_at is not None,
            }
            for r in InterlibraryRequest.objects.filter(role=IllRole.SUPPLYING).order_by("pk")
        ]

    def answer(*, requesting_id: str, action: str) -> str:
        request = supplying.supply_answer(
            request=_request(requesting_id), action=IllAction(action), staff=None
        )
        return str(request.status)

    def ship(*, requesting_id: str, barcode: str) -> str:
        branch = Branch.objects.get(code="peer")
        request = supplying.supply_ship(
            request=_request(requesting_id), barcode=barcode, staff=None, branch=branch
        )
        return str(request.status)

    def check_in(*, requesting_id: str) -> str:
        branch = Branch.objects.get(code="peer")
        request = supplying.supply_check_in(
            request=_request(requesting_id), staff=None, branch=branch
        )
        return str(request.status)

    def overdue(*, requesting_id: str) -> int:
        InterlibraryRequest.objects.filter(pk=_request(requesting_id).pk).update(
            due_date=timezone.localdate() - dt.timedelta(days=2)
        )
        return supplying.supply_mark_overdue_all()

    def recall(*, requesting_id: str) -> str:
        request = supplying.supply_move(
            request=_request(requesting_id), action=IllAction.RECALL, staff=None
        )
        return str(request.status)

    def item_status(*, barcode: str) -> str:
        return str(Item.objects.get(barcode=barcode).status)

    return {
        "setup": setup,
        "requests": requests,
        "answer": answer,
        "ship": ship,
        "check_in": check_in,
        "overdue": overdue,
        "recall": recall,
        "item_status": item_status,
    }


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    settings.MIGRATION_MODULES = _NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)

    port = int(sys.argv[1])
    server = threading.Thread(
        target=run,
        args=("127.0.0.1", port, get_wsgi_application()),
        kwargs={"threading": True},
        daemon=True,
    )
    server.start()
    ops = _ops()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        call = json.loads(line)
        try:
            result = ops[call["op"]](**call.get("args", {}))
            print(json.dumps({"ok": True, "result": result}), flush=True)
        except Exception as exc:  # reported to the test, which fails with it
            text = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
            print(json.dumps({"ok": False, "error": text}), flush=True)


if __name__ == "__main__":
    main()
