"""The deterministic benchmark library: records, items, members and a loan history.

Rows are written straight into the tables (``COPY`` on PostgreSQL, ``executemany`` on SQLite) with
explicit ids, in chunks, one commit per chunk. Same scale and :data:`GENERATOR_VERSION`: same rows.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from bench import db
from kaft.catalog.models import Branch, Item, ItemStatus, Record
from kaft.circulation.models import Loan, LoanAction, LoanEvent, LoanRule, LoanStatus
from kaft.core.crypto import encrypt_text
from kaft.demo.generate import make_address, make_person, make_record
from kaft.members.models import Address, AddressKind, Member, MemberCategory, StaffProfile, User

GENERATOR_VERSION = "2"
CHUNK = 50_000
HEAVY_MEMBER_ID = 1  # has ``heavy_loans`` loans open
IDLE_MEMBER_ID = 2  # same category, no loans at all
FIRST_REGULAR_MEMBER_ID = 3
# Every moment in the dataset is at or before this instant (UTC), so reruns see the same rows.
EPOCH = dt.datetime(2026, 1, 5, 12, 0, 0)
STAFF_USERNAME = "bench-balie"


@dataclass(frozen=True)
class Scale:
    name: str
    records: int
    items: int
    members: int
    loans: int  # returned loans in the history
    heavy_loans: int  # open loans of the heavy member
    import_records: int  # size of the generated MARC file for the import figure


SCALES = {
    "tiny": Scale("tiny", 200, 800, 100, 800, 30, 60),  # for the smoke test only
    "small": Scale("small", 3_000, 10_000, 1_000, 10_000, 1_000, 2_000),
    "100k": Scale("100k", 30_000, 100_000, 10_000, 100_000, 1_000, 20_000),
    "1m": Scale("1m", 300_000, 1_000_000, 100_000, 1_000_000, 1_000, 20_000),
}


@dataclass(frozen=True)
class Base:
    branches: list[Branch]
    staff: User


def progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.monotonic() - started, 1e-6)
    print(
        f"  {label:<12} {done:>10,} / {total:,}  ({rate:,.0f} rows/s)", file=sys.stderr, flush=True
    )


def _chunked(
    label: str,
    total: int,
    make: Callable[[int, int], Iterator[tuple[object, ...]]],
    writer: db.BulkWriter,
) -> None:
    """Write rows ``make(start, stop)`` for ids 1..total, one transaction per chunk."""
    started = time.monotonic()
    for start in range(1, total + 1, CHUNK):
        stop = min(start + CHUNK, total + 1)
        with transaction.atomic():
            writer.write(make(start, stop))
        progress(label, stop - 1, total, started)


def base_ensure() -> Base:
    """Branches, categories, lending rules and a desk account (through the ORM)."""
    branches = []
    for n, name in enumerate(("Centrale", "Noord", "Zuid"), start=1):
        branch, _ = Branch.objects.get_or_create(
            code=f"bench{n}",
            defaults={"name": f"Bench {name}", "isil": f"NL-Bench{n}", "closed_weekdays": [6]},
        )
        branches.append(branch)
    categories = (("instelling", None, "0"), ("volwassen", None, "54"), ("jeugd", 18, "0"))
    for code, max_age, fee in categories:
        MemberCategory.objects.get_or_create(
            code=code,
            defaults={"name": code.title(), "annual_fee": Decimal(fee), "max_age": max_age},
        )
    institution = MemberCategory.objects.get(code="instelling")
    LoanRule.objects.get_or_create(branch=None, category=None, item_type="")
    # Schools and care homes borrow in bulk: the heavy member can hold 1,000+ loans.
    LoanRule.objects.get_or_create(
        branch=None,
        category=institution,
        item_type="",
        defaults={"max_loans": 5000, "max_holds": 100},
    )
    staff, created = User.objects.get_or_create(
        username=STAFF_USERNAME, defaults={"is_staff": True}
    )
    if created:
        StaffProfile.objects.create(user=staff, role="desk", branch=branches[0])
    return Base(branches=branches, staff=staff)


def category_codes() -> dict[str, int]:
    return dict(MemberCategory.objects.values_list("code", "pk"))


class Layout:
    """Where each generated row points: pure functions of the ids, so nothing is kept in memory."""

    def __init__(self, scale: Scale, base: Base) -> None:
        self.scale = scale
        self.branch_ids = [b.pk for b in base.branches]
        self.staff_id = base.staff.pk
        codes = category_codes()
        self.institution, self.adult, self.youth = (
            codes["instelling"],
            codes["volwassen"],
            codes["jeugd"],
        )
        step = scale.items // scale.heavy_loans
        self.heavy_items = [1 + k * step for k in range(scale.heavy_loans)]
        self.item_types: list[str] = []  # per record, filled while records are written

    def record_of(self, item_id: int) -> int:
        return (item_id - 1) * self.scale.records // self.scale.items + 1

    def branch_of(self, item_id: int) -> int:
        return self.branch_ids[(0, 0, 1, 2)[item_id % 4]]

    def category_of(self, member_id: int) -> int:
        if member_id < FIRST_REGULAR_MEMBER_ID:
            return self.institution
        return self.youth if member_id % 7 == 0 else self.adult


def build(scale: Scale) -> dict[str, str]:
    """Write the whole dataset into the (empty, migrated) current database; returns the marker."""
    started = time.monotonic()
    base = base_ensure()
    layout = Layout(scale, base)
    suffix = db.timestamp_suffix()
    stamp = EPOCH.strftime("%Y-%m-%d %H:%M:%S") + suffix
    db.fast_writes(True)
    try:
        _records(layout, stamp)
        _items(layout, stamp)
        _members(layout, stamp)
        _loans(layout, suffix)
        db.reset_sequences([Record, Item, Member, Address, Loan, LoanEvent])
        _index(scale)
        print("  analyze", file=sys.stderr, flush=True)
        db.analyze()
    finally:
        db.fast_writes(False)
    seconds = time.monotonic() - started
    return {
        "scale": scale.name,
        "generator_version": GENERATOR_VERSION,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "build_seconds": f"{seconds:.0f}",
    }


def _records(layout: Layout, stamp: str) -> None:
    rng = random.Random(f"records-{GENERATOR_VERSION}")
    columns = ["id", "control_number", "isbn", "title", "subtitle", "contributors", "publisher",
               "year", "language", "material_type", "subjects", "audience", "summary", "marc",
               "created_at", "updated_at"]  # fmt: skip

    def make(start: int, stop: int) -> Iterator[tuple[object, ...]]:
        for n in range(start, stop):
            r = make_record(rng)
            layout.item_types.append(r.item_type)
            yield (n, f"bench-{n}", r.isbn, r.title, r.subtitle, r.contributors, r.publisher,
                   r.year, r.language, r.material_type, r.subjects, r.audience, r.summary, None,
                   stamp, stamp)  # fmt: skip

    _chunked("records", layout.scale.records, make, db.BulkWriter(Record, columns))


def _items(layout: Layout, stamp: str) -> None:
    columns = ["id", "barcode", "record_id", "home_branch_id", "current_branch_id", "call_number",
               "item_type", "replacement_price", "status", "created_at"]  # fmt: skip
    heavy = set(layout.heavy_items)

    def make(start: int, stop: int) -> Iterator[tuple[object, ...]]:
        for n in range(start, stop):
            record = layout.record_of(n)
            branch = layout.branch_of(n)
            status = ItemStatus.ON_LOAN if n in heavy else ItemStatus.AVAILABLE
            yield (n, f"3{n:011d}", record, branch, branch, f"R {record % 997:03d}",
                   layout.item_types[record - 1], "19.95", str(status), stamp)  # fmt: skip

    _chunked("items", layout.scale.items, make, db.BulkWriter(Item, columns))


def _members(layout: Layout, stamp: str) -> None:
    rng = random.Random(f"members-{GENERATOR_VERSION}")
    columns = ["id", "user_id", "card_number", "first_name", "name_prefix", "last_name",
               "date_of_birth", "email", "phone", "category_id", "home_branch_id",
               "membership_start", "membership_end", "preferred_language", "status",
               "block_reason", "created_at", "updated_at"]  # fmt: skip
    addresses: list[tuple[object, ...]] = []

    def make(start: int, stop: int) -> Iterator[tuple[object, ...]]:
        addresses.clear()
        for n in range(start, stop):
            person = make_person(rng)
            category = layout.category_of(n)
            age = rng.randint(6, 17) if category == layout.youth else rng.randint(18, 90)
            born = encrypt_text(
                f"{EPOCH.year - age - 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            )
            place = make_address(rng)
            addresses.append((n, n, AddressKind.HOME.value, place.street, place.house_number,
                              place.postcode, place.city, "NL"))  # fmt: skip
            yield (n, None, f"2200{n:010d}", person.first_name, person.name_prefix,
                   person.last_name, born, f"lid{n}@example.org", "", category,
                   layout.branch_ids[n % 3], "2020-01-01", None, "nl", "active", "", stamp,
                   stamp)  # fmt: skip

    member_writer = db.BulkWriter(Member, columns)
    address_writer = db.BulkWriter(
        Address,
        ["id", "member_id", "kind", "street", "house_number", "postcode", "city", "country"],
    )
    started = time.monotonic()
    total = layout.scale.members
    for start in range(1, total + 1, CHUNK):
        stop = min(start + CHUNK, total + 1)
        with transaction.atomic():
            member_writer.write(list(make(start, stop)))
            address_writer.write(addresses)
        progress("members", stop - 1, total, started)


def _loans(layout: Layout, suffix: str) -> None:
    """The returned loan history, then the heavy member's open loans; two events per loan."""
    rng = random.Random(f"loans-{GENERATOR_VERSION}")
    scale = layout.scale
    loan_columns = ["id", "item_id", "member_id", "status", "checked_out_at", "due_date",
                    "renewals", "returned_at", "record_id", "branch_id", "return_branch_id",
                    "member_category_id", "age_band"]  # fmt: skip
    event_columns = ["id", "loan_id", "action", "at", "branch_id", "staff_id", "via"]
    loan_writer = db.BulkWriter(Loan, loan_columns)
    event_writer = db.BulkWriter(LoanEvent, event_columns)
    span = 3 * 365 * 86400
    checkout, back = LoanAction.CHECKOUT.value, LoanAction.RETURN.value
    events: list[tuple[object, ...]] = []

    def loan_row(
        n: int, item: int, member: int, out: dt.datetime, returned: dt.datetime | None
    ) -> tuple[object, ...]:
        branch = layout.branch_of(item)
        out_text = out.strftime("%Y-%m-%d %H:%M:%S") + suffix
        due = (out + dt.timedelta(days=21)).strftime("%Y-%m-%d")
        events.append((2 * n - 1, n, checkout, out_text, branch, layout.staff_id, "desk"))
        back_text = None
        if returned is not None:
            back_text = returned.strftime("%Y-%m-%d %H:%M:%S") + suffix
            events.append((2 * n, n, back, back_text, branch, layout.staff_id, "desk"))
        status = LoanStatus.OPEN.value if returned is None else LoanStatus.RETURNED.value
        return (n, item, member, status, out_text, due, 0, back_text, layout.record_of(item),
                branch, branch if returned else None, layout.category_of(member), "30-64")  # fmt: skip

    def make(start: int, stop: int) -> list[tuple[object, ...]]:
        events.clear()
        rows = []
        for n in range(start, stop):
            if n > scale.loans:  # the heavy member's open loans come last
                item = layout.heavy_items[n - scale.loans - 1]
                out = EPOCH - dt.timedelta(days=1 + (n % 20), seconds=n % 3600)
                rows.append(loan_row(n, item, HEAVY_MEMBER_ID, out, None))
                continue
            item = rng.randrange(1, scale.items + 1)
            member = rng.randrange(FIRST_REGULAR_MEMBER_ID, scale.members + 1)
            out = EPOCH - dt.timedelta(days=30, seconds=rng.randrange(span))
            returned = out + dt.timedelta(days=rng.randint(1, 28), seconds=rng.randrange(28800))
            rows.append(loan_row(n, item, member, out, returned))
        return rows

    started = time.monotonic()
    total = scale.loans + scale.heavy_loans
    for start in range(1, total + 1, CHUNK):
        stop = min(start + CHUNK, total + 1)
        with transaction.atomic():
            loan_writer.write(make(start, stop))
            event_writer.write(events)
        progress("loans", stop - 1, total, started)


def _index(scale: Scale) -> None:
    from kaft.catalog.search import search_index_records

    started = time.monotonic()
    step = 5_000
    for start in range(1, scale.records + 1, step):
        stop = min(start + step, scale.records + 1)
        with transaction.atomic():
            search_index_records(range(start, stop))
        progress("search index", stop - 1, scale.records, started)


def ensure(scale: Scale) -> tuple[dict[str, str], bool]:
    """Reuse the dataset when the marker matches; else the caller must start from an empty DB.

    Returns (marker, built_now). Raises ``NeedsReset`` when the database holds another dataset.
    """
    marker = db.marker_read()
    if marker.get("scale") == scale.name and marker.get("generator_version") == GENERATOR_VERSION:
        return marker, False
    if marker or Record.objects.exists():
        raise NeedsReset(marker)
    marker = build(scale)
    db.marker_write(marker)
    return marker, True


class NeedsReset(Exception):
    pass
