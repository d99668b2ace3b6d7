"""The usual reasons for blocking a membership, with a Dutch and an English label.

``Member.block_reason`` holds one of these codes, or, for another reason, the text the staff
member typed (which is shown as typed, in either language). The code is stored rather than its
words so the desk in English reads "Unpaid charges" where the Dutch desk reads "Openstaande
kosten" (:attr:`kaft.members.models.Member.block_reason_label`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BlockReason(models.TextChoices):
    CHARGES = "charges", _("Unpaid charges")
    NOT_RETURNED = "not_returned", _("Items lost or not returned")
    CARD_LOST = "card_lost", _("Card lost or stolen")
    BEHAVIOUR = "behaviour", _("Behaviour in the library")
    OTHER = "other", _("Another reason (write it below)")


def block_reason_label(value: str) -> str:
    """A stored block reason in words in the page's language; typed text as it is."""
    if value in BlockReason.values and value != BlockReason.OTHER:
        return str(BlockReason(value).label)
    return value
