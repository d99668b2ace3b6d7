"""An amount of euros in a message: written the way of the language it is read in.

Domain errors keep their parameters and format their message when it is shown
(``kaft.core.errors.DomainError.message``), so an amount given as :class:`Euros` reads
"10,50" on a Dutch page and "10.50" on an English one, whichever language was active when the
error was raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Euros:
    amount: Decimal

    def __str__(self) -> str:
        return formats.number_format(Decimal(self.amount).quantize(CENT), 2)
