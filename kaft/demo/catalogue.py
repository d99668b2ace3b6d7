"""The demo catalogue: the sample MARC files plus generated Dutch titles, about 2,000 copies."""

from __future__ import annotations

import os
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from kaft.catalog.models import Branch, Item, ItemType, Record
from kaft.demo.generate import RecordData, call_number, make_record

TARGET_ITEMS = 2000
SEED = 1883  # the year the first Dutch public reading room opened its doors, roughly
CONTROL_PREFIX = "kaft-demo-"
BARCODE_PREFIX = "3999"
# (file, branch index, copies per record); bad_records.mrc is left out on purpose.
MARC_FILES = (
    ("marc.dat", 0, 2),
    ("test.dat", 1, 2),
    ("batch.xml", 2, 2),
    ("utf8.xml", 0, 1),
    ("diacritic.dat", 0, 1),
    ("marc8.dat", 1, 1),
    ("multi_isbn.dat", 2, 1),
    ("one.dat", 0, 1),
    ("utf8_with_leader_flag.dat", 1, 1),
)
_COPIES = (1, 1, 1, 2, 2, 2, 3, 3, 4, 5)
_PRICES = {
    ItemType.BOOK: Decimal("22.50"),
    ItemType.YOUTH_BOOK: Decimal("14.95"),
    ItemType.AUDIOVISUAL: Decimal("19.99"),
    ItemType.MAGAZINE: Decimal("6.95"),
    ItemType.GAME: Decimal("39.99"),
    ItemType.REFERENCE: Decimal("45.00"),
}


def marc_dir() -> Path:
    """Where the sample MARC files are: ``KAFT_DEMO_MARC_DIR``, else the project's own copies
    in ``tests/data/marc`` (pymarc's samples, with their licence), so a clone needs nothing beside it."""
    configured = os.environ.get("KAFT_DEMO_MARC_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "tests" / "data" / "marc"


def marc_files_import(branches: list[Branch]) -> int:
    """Import the sample files that are present; returns the number of copies created."""
    from kaft.catalog.services.marc_import import marc_import

    folder = marc_dir()
    created = 0
    for name, branch_index, copies in MARC_FILES:
        path = folder / name
        if path.is_file():
            report = marc_import(
                paths=[path], branch=branches[branch_index], items_per_record=copies
            )
            created += report.items_created
    return created


def _record(data: RecordData, n: int) -> Record:
    return Record(
        control_number=f"{CONTROL_PREFIX}{n:05d}",
        isbn=data.isbn,
        title=data.title,
        subtitle=data.subtitle,
        contributors=data.contributors,
        publisher=data.publisher,
        year=data.year,
        language=data.language,
        material_type=data.material_type,
        subjects=data.subjects,
        audience=data.audience,
        summary=data.summary,
    )


def generated_titles_create(branches: list[Branch], copies_wanted: int) -> list[int]:
    """Generated records with ``copies_wanted`` copies in all, spread over the branches.

    Half of the copies belong to the first branch (the central library). Returns the new
    record ids (to be indexed for search).
    """
    rng = random.Random(SEED)
    weighted = [branches[0], branches[0], *branches]
    planned: list[tuple[Record, RecordData, int]] = []
    total = 0
    while total < copies_wanted:
        data = make_record(rng)
        copies = min(rng.choice(_COPIES), copies_wanted - total)
        planned.append((_record(data, len(planned) + 1), data, copies))
        total += copies
    records = Record.objects.bulk_create([record for record, _data, _copies in planned])
    items: list[Item] = []
    for record, data, copies in planned:
        for _ in range(copies):
            branch = rng.choice(weighted)
            item_type = data.item_type
            if branch == branches[0] and item_type == ItemType.BOOK and rng.random() < 0.03:
                item_type = ItemType.REFERENCE
            items.append(
                Item(
                    barcode=f"{BARCODE_PREFIX}{len(items) + 1:08d}",
                    record=record,
                    home_branch=branch,
                    current_branch=branch,
                    call_number=call_number(data),
                    item_type=item_type,
                    replacement_price=_PRICES[ItemType(item_type)],
                )
            )
    Item.objects.bulk_create(items, batch_size=500)
    return [record.pk for record in records]


def catalogue_ensure(branches: list[Branch]) -> None:
    from kaft.catalog.search import search_index_records

    if Record.objects.filter(control_number__startswith=CONTROL_PREFIX).exists():
        return
    marc_files_import(branches)
    missing = TARGET_ITEMS - Item.objects.count()
    if missing > 0:
        search_index_records(generated_titles_create(branches, missing))
