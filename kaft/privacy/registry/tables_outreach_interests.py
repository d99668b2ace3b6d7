"""The register: outreach, interests (kaft/outreach/models/interests.py). The list of interests
itself is the library's (NOT_PERSONAL); which of them a member chose is the member's, kept only
while they give the interests consent."""

from __future__ import annotations

from kaft.privacy.models.categories import DataCategory
from kaft.privacy.registry.rules import Erasure
from kaft.privacy.registry.table import PersonalTable

C = DataCategory

INTERESTS: list[PersonalTable] = [
    PersonalTable(
        "outreach.MemberInterest",
        {
            "member": C.PREFERENCES,
            "interest": C.PREFERENCES,
            "chosen_at": C.PREFERENCES,
        },
        ("member",),
        "with_consent",
        Erasure.DELETE,
        note=(
            "Only with the interests consent: withdrawing it (in MijnBibliotheek, at the desk or "
            "by erasure) deletes all of the member's interests at once."
        ),
    ),
]
