"""``python -m bench.newsletter_alone [--scale small|100k|1m] [--db-url URL]``: only the
newsletter figure (bench/newsletter.py), on the dataset ``bench.run`` builds or reuses. Prints
one JSON line."""

from __future__ import annotations

import json
import sys

from bench import db, run


def main(argv: list[str] | None = None) -> int:
    args = run._arguments(argv)
    scale_name = "small" if args.quick else args.scale
    url = db.database_url(args.db_url, f"kaft_bench_{scale_name}")
    db.database_create(url, fresh=False)
    run._django(url)
    run._migrate()
    run._dataset(scale_name, url)
    from django.db import connection

    from bench.newsletter import measure_newsletter

    figure = measure_newsletter()
    print(json.dumps({"vendor": connection.vendor, "scale": scale_name, **figure}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
