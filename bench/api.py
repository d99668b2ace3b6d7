"""The API's catalogue search against the in-process search, with the same queries.

``GET /api/v1/records/?q=…&per_page=20`` through Django's request handling (middleware, the
token check, the rate-limit count in the shared cache, JSON and the ETag), in one process with
Django's test client — no network — against ``search_records(query=…, per_page=20)`` called
directly. The two are interleaved per query, after one warm-up round of both, so the cached
counts of large result sets (:mod:`kaft.catalog.search_facets`) serve both alike. A second line
measures the API with ``availability:read`` (copies per title and where they are: two more
queries per page).

Run on its own: ``python -m bench.api [--scale …] [--db-url …] [--rounds N]`` (the dataset as
``bench.run`` builds it); ``bench.run`` includes it as the figure ``api_search``.
The client and token it makes are rolled back afterwards.
"""

from __future__ import annotations

import sys
import time
from typing import Any

TARGET_RATIO = 1.5


def _timed_ms(call: Any, *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def measure_api_search(*, rounds: int, queries: tuple[str, ...] | None = None) -> dict[str, Any]:
    import datetime as dt
    import secrets
    from urllib.parse import urlencode

    from django.db import transaction
    from django.test import Client

    from bench.measure import SEARCH_QUERIES, summary

    queries = queries or SEARCH_QUERIES
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from kaft.api.clients import api_client_add
    from kaft.catalog.search import search_records

    times: dict[str, list[float]] = {"in_process": [], "api": [], "api_availability": []}
    with transaction.atomic():
        tokens = {}
        for key, scopes in (
            ("api", ["catalog:read"]),
            ("api_availability", ["catalog:read", "availability:read"]),
        ):
            new = api_client_add(name=f"bench {key}", scopes=scopes, rate_per_minute=10**9)
            raw = secrets.token_urlsafe(30)
            AccessToken.objects.create(
                token=raw,
                application=new.client.application,
                scope=" ".join(scopes),
                expires=timezone.now() + dt.timedelta(hours=1),
            )
            tokens[key] = Client(headers={"Authorization": f"Bearer {raw}"})
        for round_number in range(rounds + 1):
            for query in queries:
                url = "/api/v1/records/?" + urlencode({"q": query, "per_page": 20})
                spent = {
                    "in_process": _timed_ms(search_records, query=query, per_page=20),
                    "api": _timed_ms(_get, tokens["api"], url),
                    "api_availability": _timed_ms(_get, tokens["api_availability"], url),
                }
                if round_number:
                    for key, value in spent.items():
                        times[key].append(value)
        transaction.set_rollback(True)
    result: dict[str, Any] = {key: summary(values) for key, values in times.items()}
    result["queries"] = len(queries)
    result["rounds"] = rounds
    base = result["in_process"]["p95"]
    result["ratio_p95"] = round(result["api"]["p95"] / base, 2)
    result["ratio_p95_availability"] = round(result["api_availability"]["p95"] / base, 2)
    return result


def _get(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (response.status_code, response.content[:200])


def main(argv: list[str] | None = None) -> int:
    import argparse

    from bench import db, run

    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__)
    parser.add_argument("--scale", choices=("small", "100k", "1m"), default="small")
    parser.add_argument("--db-url")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    url = db.database_url(args.db_url, f"kaft_bench_{args.scale}")
    db.database_create(url, fresh=False)
    run._django(url)
    run._migrate()
    started = time.monotonic()
    run._dataset(args.scale, url)
    print(f"dataset {args.scale} ready after {time.monotonic() - started:.0f} s", file=sys.stderr)
    from django.db import connection

    figure = measure_api_search(rounds=args.rounds)
    print(f"scale {args.scale}, {connection.vendor}, {figure['queries']} queries x {args.rounds}")
    for key in ("in_process", "api", "api_availability"):
        stats = figure[key]
        print(f"  {key:<18} p50 {stats['p50']:7.2f} ms  p95 {stats['p95']:7.2f} ms")
    print(f"  API / in-process p95: {figure['ratio_p95']}x (target <= {TARGET_RATIO}x); "
          f"with availability {figure['ratio_p95_availability']}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
