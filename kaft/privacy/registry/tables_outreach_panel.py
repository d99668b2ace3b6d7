"""The register: outreach, panel (kaft/outreach/models/panel.py). An invitation says that a
member was invited to a survey of the research panel and whether they answered; it is deleted the
rule's days after the survey closes (``panel_invitations``), at once when the member leaves the
panel before answering, and when the member is erased. The responses and answers are anonymous
(``NOT_PERSONAL`` in tables.py, with no path to a member); the surveys and questions name nobody.
Joining the panel is the member's ``research_panel`` consent, registered with the consents."""

from __future__ import annotations

from kaft.privacy.models.categories import DataCategory
from kaft.privacy.registry.rules import Erasure
from kaft.privacy.registry.table import PersonalTable

C = DataCategory

PANEL: list[PersonalTable] = [
    PersonalTable(
        "outreach.Invitation",
        {
            "survey": C.REQUESTS,
            "member": C.REQUESTS,
            "invited_at": C.REQUESTS,
            "mailed_at": C.MESSAGES,
            "answered_at": C.REQUESTS,
        },
        ("member",),
        "panel_invitations",
        Erasure.DELETE,
        note="An invitation to a survey of the Biebpanel; it never says what the member answered.",
    ),
]
