"""Two libraries in one database, for the service tests: branch ``NL-Req`` requests, branch
``NL-Sup`` supplies, each registered as the other's partner; the HTTP call is replaced by a call
of the receiving service (the real HTTP path is tested with two servers in
``test_two_instances.py``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from kaft.catalog.models import Branch
from kaft.interlibrary.models import LibraryPartner


@dataclasses.dataclass
class Loop:
    requester: Branch
    supplier: Branch
    supplier_partner: LibraryPartner  # the supplier, in the requester's register
    requester_partner: LibraryPartner  # the requester, in the supplier's register
    sent: list[bytes]
    down: bool = False
    unreachable: tuple[str, ...] = ()


def kinds(loop: Loop) -> list[str]:
    from lxml import etree

    out: list[str] = []
    for body in loop.sent:
        root: Any = etree.fromstring(body)
        out.append(etree.QName(root[0]).localname)
    return out
