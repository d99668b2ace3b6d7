"""Interests for the demo library: the suggested list, and some members who chose interests.

For the demo loader (kaft/demo). It goes through the real services: a member gets interests
only after consenting to them (recorded as given in MijnBibliotheek), so the demo shows what
the library really holds. Members under 16 are skipped (a parent or guardian would have to
consent). Running it again adds nothing that is there.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from kaft.members.models import Member
from kaft.outreach.models import Interest, MemberInterest
from kaft.outreach.services.interests import interests_seed_defaults, interests_set
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_set, member_is_child


def interests_demo_ensure(
    *, members: Iterable[Member], seed: int = 13, share: float = 0.4, most: int = 3
) -> int:
    """Seed the suggested interests; give about ``share`` of ``members`` (adults only) the
    interests consent and 1 to ``most`` interests each, chosen with ``random.Random(seed)``.
    Members who already chose interests are left alone. How many members got interests."""
    interests_seed_defaults()
    offered = list(Interest.objects.filter(active=True).order_by("order", "pk"))
    if not offered:
        return 0
    rng = random.Random(seed)
    already = set(MemberInterest.objects.values_list("member_id", flat=True).distinct())
    given = 0
    for member in members:
        # Every member takes the same draws, so a second run picks the same members.
        roll = rng.random()
        chosen = rng.sample(offered, rng.randint(1, min(most, len(offered))))
        if roll >= share or member.pk in already or member.erased_at is not None:
            continue
        if member_is_child(member):
            continue
        consent_set(
            member=member, purpose=ConsentPurpose.INTERESTS, given=True, via=ConsentVia.PORTAL
        )
        interests_set(member=member, interests=chosen)
        given += 1
    return given
