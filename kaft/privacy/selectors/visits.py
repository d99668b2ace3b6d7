"""The member's access log grouped into visits: "who looked at my data" in lines a person reads.

The desk writes one access-log entry per part of the data shown, at every scan and every search
hit: one session at the desk easily gives seventy lines. The member sees visits instead. A
**visit** is the looks of one staff member *as the member is shown them* (their name, or only
their role when the library shows roles: two colleagues with the same role are then one
visit, as the member cannot tell them apart anyway), at one branch, for one purpose, each look
less than :data:`VISIT_GAP` after the one before. A visit shows the parts seen (in words), the
first and the last time, and how many looks it holds. The full detail, one row per entry, stays
in the export.

Bounded memory: the entries are read newest first as a stream (``iterator``, in chunks), and
only the visits of the page asked for are kept, plus one open visit per way of being shown. A
member with 10,000 looks never has them in memory at once. The paginator first counts the
visits (a stream of three small columns), then reads the page's visits; two passes over the
member's index ``(member, at)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet

from kaft.catalog.models import Branch
from kaft.core import params
from kaft.members.models import StaffRole
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart, MachineRole

VISIT_GAP = dt.timedelta(minutes=30)
VISITS_PAGE_SIZE = 25
STREAM_CHUNK = 2000


@dataclass
class Visit:
    """One visit: looks by one staff member (as shown) at one branch for one purpose."""

    first: dt.datetime
    last: dt.datetime
    branch: str
    purpose: str
    role: str
    name: str
    parts: list[str] = field(default_factory=list)
    looks: int = 0
    branch_id: int | None = None

    @property
    def at(self) -> dt.datetime:
        """The newest moment: the visits are in this order."""
        return self.last

    @property
    def one_moment(self) -> bool:
        return self.first == self.last


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _part_order(part: str) -> tuple[int, str]:
    return (DataPart.values.index(part) if part in DataPart.values else len(DataPart.values), part)


def _shows_name(role: str, shows_name: bool) -> bool:
    """Staff names as the library chooses; a kiosk's or app's name always."""
    return shows_name or role in MachineRole.values


def _role_label(role: str) -> str:
    for choices in (StaffRole, MachineRole):
        if role in choices.values:
            return str(choices(role).label)
    return ""


def _key(row: tuple[Any, ...], shows_name: bool) -> tuple[Any, ...]:
    _at, role, name, branch_id, purpose = row[:5]
    shown = (role, name) if _shows_name(role, shows_name) else (role,)
    return (shown, branch_id, purpose)


class VisitStream:
    """The visits of ``entries`` newest first, read as a stream; sized, so Django's paginator
    can page it. ``entries`` must already be only what the member may see."""

    def __init__(self, entries: QuerySet[AccessLogEntry], *, shows_name: bool) -> None:
        self.entries = entries
        self.shows_name = shows_name
        self._count: int | None = None

    def _rows(self, *columns: str) -> Iterator[tuple[Any, ...]]:
        base = ("at", "staff_role", "staff_name", "branch_id", "purpose")
        return (
            self.entries.order_by("-at", "-pk")
            .values_list(*base, *columns)
            .iterator(chunk_size=STREAM_CHUNK)
        )

    def _walk(self, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, bool, Any]]:
        """Per entry: the number of its visit (0 = newest), whether it opens that visit, row."""
        open_visits: dict[tuple[Any, ...], tuple[int, dt.datetime]] = {}
        count = 0
        for row in rows:
            key = _key(row, self.shows_name)
            found = open_visits.get(key)
            if found is not None and found[1] - row[0] <= VISIT_GAP:
                number, opens = found[0], False
            else:
                number, opens = count, True
                count += 1
            open_visits[key] = (number, row[0])
            if len(open_visits) > 64:  # drop ways of being shown that no look can join any more
                open_visits = {k: v for k, v in open_visits.items() if v[1] - row[0] <= VISIT_GAP}
            yield number, opens, row

    def count(self) -> int:
        if self._count is None:
            self._count = sum(1 for _n, opens, _r in self._walk(self._rows()) if opens)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Visit]:
        start, stop = index.start or 0, index.stop
        visits: dict[int, Visit] = {}
        for number, _opens, row in self._walk(self._rows("part")):
            at, role, name, branch_id, purpose, part = row
            if stop is not None and number >= stop:
                # The page's visits may still gain older looks; once the stream is a gap past
                # the first look of each of them, none can, and the rest is not read.
                if all(at < v.first - VISIT_GAP for v in visits.values()):
                    break
                continue
            if number < start:
                continue
            visit = visits.get(number)
            if visit is None:
                visit = visits[number] = Visit(
                    first=at,
                    last=at,
                    branch="",
                    purpose=_label(AccessPurpose, purpose),
                    role=_role_label(role),
                    name=name if _shows_name(role, self.shows_name) else "",
                    branch_id=branch_id,
                )
            visit.first = at
            visit.looks += 1
            if part not in visit.parts:
                visit.parts.append(part)
        ordered = [visits[n] for n in sorted(visits)]
        for visit in ordered:  # in words, in the order the register lists the parts
            visit.parts = [_label(DataPart, p) for p in sorted(visit.parts, key=_part_order)]
        _name_branches(ordered)
        return ordered


def _name_branches(visits: list[Visit]) -> None:
    """The branches' names in one query for the whole page."""
    ids = {v.branch_id for v in visits if v.branch_id is not None}
    names = dict(Branch.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    for visit in visits:
        visit.branch = names.get(visit.branch_id, "") if visit.branch_id is not None else ""


def access_visits(
    entries: QuerySet[AccessLogEntry], *, shows_name: bool, page_number: Any = 1
) -> Page[Any]:
    """A page of :class:`Visit` (newest first) of ``entries``; a page past the last is the last."""
    return params.paginate(
        VisitStream(entries, shows_name=shows_name), VISITS_PAGE_SIZE, page_number
    )
