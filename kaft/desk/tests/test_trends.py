"""The privacy officer's charts: counts per week, recipient and purpose made by the database over
the last 26 weeks, drawn as SVG without script or style attribute, and downloadable as CSV."""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.members.models import Member, User
from kaft.privacy.models import (
    AccessLogEntry,
    ConsentEvent,
    ConsentPurpose,
    ConsentVia,
    DataPart,
    Disclosure,
)
from kaft.privacy.selectors.trends import (
    WEEKS,
    consents_per_week,
    disclosures_per_recipient,
    looks_per_week,
)
from tests.factories import MemberFactory
from tests.factories_desk import staff_login
from tests.factories_transparency import officer

TODAY = dt.date(2026, 6, 17)  # a Wednesday; its week starts on Monday 15 June


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def member(central: Branch) -> Member:
    return cast(
        Member, MemberFactory(home_branch=central, first_name="Wilhelmina", last_name="Kort")
    )


def look(member: Member, when: dt.datetime, *parts: str) -> None:
    for part in parts:
        AccessLogEntry.objects.create(member=member, part=part, at=when)


def consent(member: Member, when: dt.datetime, purpose: str, given: bool) -> None:
    ConsentEvent.objects.create(
        member=member, purpose=purpose, given=given, at=when, via=ConsentVia.PORTAL
    )


def disclose(member: Member, when: dt.datetime, recipient: str) -> None:
    Disclosure.objects.create(
        member=member, recipient=recipient, purpose="e-boeken", legal_basis="consent", at=when
    )


def test_looks_are_counted_per_week_one_per_screen_shown(member: Member) -> None:
    # one screen with three parts, one more this week; one last week; one 26 weeks ago (gone)
    look(member, at(dt.date(2026, 6, 15)), DataPart.IDENTITY, DataPart.LOANS, DataPart.HOLDS)
    look(member, at(dt.date(2026, 6, 17), 9), DataPart.IDENTITY)
    look(member, at(dt.date(2026, 6, 14)), DataPart.IDENTITY)
    look(member, at(dt.date(2025, 12, 14)), DataPart.IDENTITY)

    weeks = looks_per_week(TODAY)

    assert len(weeks) == WEEKS
    assert weeks[0].start == dt.date(2025, 12, 22)
    assert [(w.start, w.count) for w in weeks[-2:]] == [
        (dt.date(2026, 6, 8), 1),
        (dt.date(2026, 6, 15), 2),
    ]
    assert sum(w.count for w in weeks) == 3


def test_disclosures_are_counted_per_recipient_most_first(member: Member) -> None:
    disclose(member, at(dt.date(2026, 6, 1)), "Online Bibliotheek")
    disclose(member, at(dt.date(2026, 5, 1)), "Online Bibliotheek")
    disclose(member, at(dt.date(2026, 6, 2)), "Politie Midden-Nederland")
    disclose(member, at(dt.date(2025, 6, 2)), "Politie Midden-Nederland")  # too long ago

    rows = disclosures_per_recipient(TODAY)

    assert [(r.name, r.count) for r in rows] == [
        ("Online Bibliotheek", 2),
        ("Politie Midden-Nederland", 1),
    ]


def test_consent_answers_are_counted_per_purpose_and_week(member: Member) -> None:
    consent(member, at(dt.date(2026, 6, 16)), ConsentPurpose.NEWSLETTER, True)
    consent(member, at(dt.date(2026, 6, 16), 11), ConsentPurpose.NEWSLETTER, False)
    consent(member, at(dt.date(2026, 6, 9)), ConsentPurpose.NEWSLETTER, True)

    per_purpose = consents_per_week(TODAY)

    assert set(per_purpose) == set(ConsentPurpose.values)
    newsletter = per_purpose[ConsentPurpose.NEWSLETTER]
    assert [(w.given, w.withdrawn) for w in newsletter[-2:]] == [(1, 0), (1, 1)]
    assert all(w.given == w.withdrawn == 0 for w in per_purpose[ConsentPurpose.RESEARCH_PANEL])


def test_the_dashboard_draws_three_charts_with_title_and_description(
    central: Branch, member: Member
) -> None:
    fg = officer(central, username="fg1")
    look(member, timezone.now(), DataPart.IDENTITY)
    disclose(member, timezone.now(), "Online Bibliotheek")

    page = staff_login(Client(), fg).get(reverse("desk:privacy_dashboard")).content.decode()

    assert page.count("<svg ") == 3
    assert '<title id="chart-looks-title">Inzage in gegevens van leden per week</title>' in page
    assert 'aria-labelledby="chart-looks-title chart-looks-desc"' in page
    assert "Deze week: 1 keer ingezien." in page
    assert "<title>Online Bibliotheek: 1</title>" in page
    # coordinates in SVG's own number format, also in Dutch (no decimal comma)
    coordinates = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height|cx|cy)="([^"]*)"', page)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates)
    assert "style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # only scripts from a file
    assert "Wilhelmina" not in page
    assert 'href="/desk/privacy/looks.csv"' in page


def test_the_csv_holds_counts_only_and_is_not_kept(central: Branch, member: Member) -> None:
    fg = officer(central, username="fg1")
    disclose(member, timezone.now(), "=Online Bibliotheek")
    client = staff_login(Client(), fg)

    looks = client.get(reverse("desk:trends_looks_csv"))
    recipients = client.get(reverse("desk:trends_disclosures_csv"))
    consents = client.get(reverse("desk:trends_consents_csv"))

    assert "no-store" in looks["Cache-Control"]
    assert looks["Content-Disposition"] == 'attachment; filename="looks-per-week.csv"'
    lines = looks.content.decode().splitlines()
    assert lines[0] == "Week vanaf,Keer ingezien"
    assert len(lines) == 1 + WEEKS
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    assert lines[-1] == f"{monday:%d-%m-%Y},0"
    assert recipients.content.decode().splitlines() == [
        "Ontvanger,Verstrekkingen in de laatste 26 weken",
        "'=Online Bibliotheek,1",  # never a formula in a spreadsheet
    ]
    consent_lines = consents.content.decode().splitlines()
    assert consent_lines[0] == "Week vanaf,Doel,Gegeven,Ingetrokken of geweigerd"
    assert len(consent_lines) == 1 + WEEKS * len(ConsentPurpose)
    for response in (looks, recipients, consents):
        assert "Wilhelmina" not in response.content.decode()


def test_desk_staff_get_no_csv(desk: Client) -> None:
    assert desk.get(reverse("desk:trends_looks_csv")).status_code == 403


def test_an_officer_may_use_them(central: Branch) -> None:
    fg = cast(User, officer(central, username="fg2"))
    response = staff_login(Client(), fg).get(reverse("desk:trends_consents_csv"))
    assert response.status_code == 200
