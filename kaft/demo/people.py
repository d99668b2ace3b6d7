"""The demo library's members: a few with a fixed role in the demo, the rest generated."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from kaft.catalog.models import Branch
from kaft.demo.generate import AddressData, make_address, make_person
from kaft.members.models import Member, MemberCategory
from kaft.members.services.member import AddressInput, member_register

# The member login printed by `kaft demo --banner` (and documented in README.md).
DEMO_CARD = "21000000000001"
DEMO_PASSWORD = "lezen-is-leuk-2026"
YOUTH_CARD = "21000000000002"
BLOCKED_CARD = "21000000000003"
EXPIRED_CARD = "21000000000004"
BLOCK_REASON = "Drie boeken ruim twee maanden te laat; eerst contact opnemen met de balie."
MEMBER_COUNT = 50
SEED = 20260302


@dataclass(frozen=True)
class DemoMembers:
    demo: Member
    youth: Member
    blocked: Member
    expired: Member
    others: list[Member]


def card(n: int) -> str:
    return f"2100{n:010d}"


def _address(data: AddressData) -> AddressInput:
    return AddressInput(
        street=data.street, house_number=data.house_number, postcode=data.postcode, city=data.city
    )


def _email(first: str, prefix: str, last: str, n: int) -> str:
    local = f"{first}.{prefix}{last}".replace(" ", "").lower()
    return f"{local}{n}@example.org"


def members_ensure(
    *, branches: list[Branch], adult: MemberCategory, youth: MemberCategory, today: dt.date
) -> DemoMembers:
    """Register :data:`MEMBER_COUNT` members (card numbers 21000000000001 upwards)."""
    existing = {m.card_number: m for m in Member.objects.filter(card_number__startswith="2100000")}
    rng = random.Random(SEED)
    centrale, noord, zuid = branches
    fixed = {
        1: ("Sanne", "de", "Vries", dt.date(1984, 5, 17), adult, centrale),
        2: ("Daan", "", "Bakker", dt.date(today.year - 11, 6, 15), youth, noord),
        3: ("Kees", "", "Mulder", dt.date(1961, 11, 2), adult, zuid),
        4: ("Els", "van", "Dijk", dt.date(1972, 2, 20), adult, centrale),
    }
    members: list[Member] = []
    for n in range(1, MEMBER_COUNT + 1):
        address = make_address(rng)  # drawn for every member, so the sequence stays stable
        person = make_person(rng)
        young = rng.random() < 0.15
        born = dt.date(
            today.year - (rng.randint(6, 16) if young else rng.randint(19, 84)),
            rng.randint(1, 12),
            rng.randint(1, 28),
        )
        branch = rng.choice((centrale, centrale, noord, zuid))
        first, prefix, last = person.first_name, person.name_prefix, person.last_name
        category = youth if young else adult
        if n in fixed:
            first, prefix, last, born, category, branch = fixed[n]
        number = card(n)
        if number in existing:
            members.append(existing[number])
            continue
        members.append(
            member_register(
                first_name=first,
                name_prefix=prefix,
                last_name=last,
                date_of_birth=born,
                email=_email(first, prefix, last, n),
                # a Dutch mobile number (06-1 to 06-5); the same draw as before, so the rest of
                # the demo stays as it was
                phone=f"06{10_000_000 + rng.randint(10_000_000, 99_999_999) % 50_000_000}",
                category=category,
                home_branch=branch,
                home_address=_address(address),
                postal_address=_address(make_address(rng)) if n % 17 == 0 else None,
                preferred_language="en" if n % 23 == 0 else "nl",
                card_number=number,
                password=DEMO_PASSWORD if n == 1 else None,
                membership_end=today - dt.timedelta(days=45) if n == 4 else None,
            )
        )
    return DemoMembers(
        demo=members[0],
        youth=members[1],
        blocked=members[2],
        expired=members[3],
        others=members[4:],
    )
