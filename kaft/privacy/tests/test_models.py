"""The parts of a member's data the access log names, as a member or privacy officer reads them."""

from __future__ import annotations

from django.utils import translation

from kaft.privacy.models import AccessLogEntry, DataPart


def test_identity_status_and_search_parts_read_well_in_dutch_and_fit_the_column() -> None:
    with translation.override("nl"):
        labels = {part: str(part.label) for part in DataPart}

    assert labels[DataPart.IDENTITY] == "Naam en geboortedatum"
    assert labels[DataPart.STATUS] == "Lidmaatschap en blokkades"
    assert labels[DataPart.SEARCH] == "Gevonden bij zoeken"
    max_length = AccessLogEntry._meta.get_field("part").max_length
    assert max_length is not None
    assert all(len(part.value) <= max_length for part in DataPart)
