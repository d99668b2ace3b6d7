"""Which institution ids (AO) a kiosk may send: the ISIL of its account's branch, or another ISIL
of the library (any of its branches). One function, so every handler checks it the same way."""

from __future__ import annotations

from kaft.catalog.models import Branch
from kaft.sip2.models import KioskAccount


def institution_accepted(account: KioskAccount, institution_id: str) -> bool:
    """Whether ``institution_id`` (field AO) is the ISIL of ``account``'s branch or of another
    branch of the library. ISILs compare without regard to case or surrounding spaces; an empty
    institution id is not accepted. One query at most (none for the account's own branch)."""
    wanted = institution_id.strip()
    if not wanted:
        return False
    if wanted.casefold() == account.branch.isil.casefold():
        return True
    return Branch.objects.filter(isil__iexact=wanted).exists()
