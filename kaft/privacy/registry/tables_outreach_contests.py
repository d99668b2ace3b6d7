"""The register: outreach, contests (kaft/outreach/models/contests.py). An entry holds only the
fields its contest asked; it is deleted the contest's own number of days after its last day
(rule ``contest_entries``), or at once when the member withdraws it or is erased. The contest
itself, its draw and its counts per day name nobody (``NOT_PERSONAL`` in tables.py)."""

from __future__ import annotations

from kaft.privacy.models.categories import DataCategory
from kaft.privacy.registry.rules import Erasure
from kaft.privacy.registry.table import PersonalTable

C = DataCategory

CONTESTS: list[PersonalTable] = [
    PersonalTable(
        "outreach.Entry",
        {
            "campaign": C.REQUESTS,
            "member": C.REQUESTS,
            "channel": C.REQUESTS,
            "first_name": C.IDENTITY,
            "last_name": C.IDENTITY,
            "email": C.CONTACT,
            "card_number": C.MEMBERSHIP,
            "answer": C.REQUESTS,
            "language": C.PREFERENCES,
            "name_shown": C.CONSENTS,
            "created_at": C.REQUESTS,
            "winner": C.REQUESTS,
            "told_at": C.REQUESTS,
        },
        ("member",),
        "contest_entries",
        Erasure.DELETE,
        # an entry sent from the public page under the member's address is the member's too
        login_names=("email",),
        note=(
            "An entry in a contest. Entries sent from the public page by someone not logged in "
            "are tied to no member; they go under the rule like the others."
        ),
    ),
]
