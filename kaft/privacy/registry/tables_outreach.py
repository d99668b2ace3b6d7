"""The register: outreach (kaft/outreach), one module per part, each kept by its own part."""

from __future__ import annotations

from kaft.privacy.registry.table import PersonalTable
from kaft.privacy.registry.tables_outreach_contests import CONTESTS
from kaft.privacy.registry.tables_outreach_interests import INTERESTS
from kaft.privacy.registry.tables_outreach_newsletters import NEWSLETTERS
from kaft.privacy.registry.tables_outreach_panel import PANEL

OUTREACH: list[PersonalTable] = [*NEWSLETTERS, *INTERESTS, *CONTESTS, *PANEL]
