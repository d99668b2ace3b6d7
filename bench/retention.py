"""The nightly retention job over the whole bench dataset, measured and then rolled back.

Every returned loan of the dataset is older than the default 30 days, so the job unlinks all of
them from their members: the figure is rows handled per second and statements per chunk. The
job runs inside a transaction that is rolled back afterwards, so the dataset stays as it was.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, transaction

from kaft.privacy.services.retention import CHUNK_SIZE, retention_apply


class _RollBack(Exception):
    pass


def measure_retention() -> dict[str, Any]:
    figure: dict[str, Any] = {}
    try:
        with transaction.atomic():
            statements = [0]

            def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                statements[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                started = time.perf_counter()
                run = retention_apply()
                seconds = time.perf_counter() - started
            rows = sum(sum(tables.values()) for tables in run.counts.values())
            loans = run.counts.get("loan_history", {}).get("circulation.Loan", 0)
            chunks = max(1, -(-loans // CHUNK_SIZE))
            figure = {
                "rows": rows,
                "loans_unlinked": loans,
                "seconds": seconds,
                "rows_per_s": rows / seconds if seconds else 0.0,
                "statements": statements[0],
                "statements_per_loan_chunk": statements[0] / chunks,
                "chunk": CHUNK_SIZE,
            }
            raise _RollBack
    except _RollBack:
        pass
    return figure
