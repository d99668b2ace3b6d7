"""Why an outreach service refused. One code enum per part of outreach (newsletters, interests,
contests, the research panel), each in its own module here, all raised as :class:`OutreachError`
so that every door shows the code's message the same way."""

from __future__ import annotations

from kaft.core.errors import DomainError


class OutreachError(DomainError):
    """Raised by an outreach service that refuses an action; ``code`` says why."""
