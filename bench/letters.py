"""The desk's print run of letters: 1,000 letters (target: at most 60 s) gathered into one PDF.

The letters are queued for the first members of the dataset (each has a home address) as
"ready for pickup" letters, then a print run is started and built exactly as the desk does
(:func:`kaft.notices.services.letters.print_run_build`: chunks of 100 letters, two queries per
chunk, the PDF written through ``storages["files"]``), and confirmed. Everything runs inside a
transaction that is rolled back afterwards, and the PDF is deleted, so the dataset stays as it
was. The figure is the build's seconds, letters per second, the PDF's size and statements.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from kaft.members.models import Address, Channel, Member, MessageType
from kaft.notices.models import Notice
from kaft.notices.services.letters import (
    CHUNK_SIZE,
    print_run_build,
    print_run_confirm,
    print_run_start,
)

LETTERS = 1_000
BODY = (
    "Beste lezer,\n\nDe titel die u reserveerde ligt voor u klaar:\n\n    De avonden\n\n"
    "Ophalen bij: Centrale Bibliotheek, Oudegracht 167, 3511 AL Utrecht\n"
    "U kunt het ophalen tot en met dinsdag 8 december 2026. Daarna gaat het naar de volgende "
    "op de wachtlijst.\n\nMet vriendelijke groet,\nBibliotheek Kaft\n"
)


class _RollBack(Exception):
    pass


def measure_print_run(count: int = LETTERS) -> dict[str, Any]:
    figure: dict[str, Any] = {}
    stored = ""
    try:
        with transaction.atomic():
            with_address = Address.objects.values("member_id")
            members = list(
                Member.objects.filter(pk__in=with_address)
                .order_by("pk")
                .values_list("pk", flat=True)[:count]
            )
            now = timezone.now()
            Notice.objects.bulk_create(
                [
                    Notice(
                        member_id=pk,
                        message_type=MessageType.HOLD_READY,
                        channel=Channel.LETTER,
                        dedup_key=f"bench-letter:{pk}:{now.timestamp()}",
                        subject="Uw reservering ligt klaar",
                        body=BODY,
                    )
                    for pk in members
                ],
                batch_size=500,
            )
            statements = [0]

            def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                statements[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counted):
                started = time.perf_counter()
                run = print_run_start(staff=None, now=now)
                built = print_run_build(run_id=run.pk)
                assert built is not None
                stored = built.file
                print_run_confirm(run=built, staff=None)
                seconds = time.perf_counter() - started
            size = storages["files"].size(stored) if stored else 0
            figure = {
                "letters": built.total,
                "seconds": seconds,
                "letters_per_s": built.total / seconds if seconds else 0.0,
                "pdf_bytes": size,
                "statements": statements[0],
                "chunk": CHUNK_SIZE,
            }
            raise _RollBack
    except _RollBack:
        pass
    finally:
        if stored:
            storages["files"].delete(stored)
    return figure
