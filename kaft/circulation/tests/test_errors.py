"""Every refusal has an English message and a Dutch translation."""

from __future__ import annotations

from django.utils import translation

from kaft.circulation.errors import CirculationError, CirculationErrorCode


def test_every_code_has_a_message_in_english_and_dutch() -> None:
    for code in CirculationErrorCode:
        with translation.override("en"):
            english = CirculationError(code).message
        with translation.override("nl"):
            dutch = CirculationError(code).message
        assert english and dutch
        assert dutch != english, code


def test_dutch_wording() -> None:
    with translation.override("nl"):
        assert str(CirculationError(CirculationErrorCode.ITEM_ON_LOAN)) == (
            "Dit exemplaar is al uitgeleend."
        )
        assert CirculationErrorCode.RENEWAL_RESERVED.message == (
            "U kunt dit exemplaar niet verlengen: een ander lid heeft het gereserveerd."
        )
