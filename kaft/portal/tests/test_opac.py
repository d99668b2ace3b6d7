"""The public catalogue: search with facets and paging, a title's page, placing a reservation."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils.html import escape

from kaft.catalog.models import Branch, ItemStatus, MaterialType, Record
from kaft.catalog.search import search_index_records
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Hold, HoldStatus
from kaft.members.models import Member
from tests.factories import BranchFactory, ItemFactory, LoanRuleFactory, RecordFactory

pytestmark = pytest.mark.django_db


def _indexed(*records: Record) -> None:
    search_index_records([record.pk for record in records])


def test_home_has_a_labelled_search_box(client: Client) -> None:
    html = client.get("/").content.decode()

    assert '<label for="id_q">Zoeken in de catalogus</label>' in html
    assert 'action="/zoeken/"' in html


def test_search_shows_count_results_and_facets_with_counts(client: Client, branch: Branch) -> None:
    book = RecordFactory.create(
        title="Het water van de Oudegracht", material_type=MaterialType.BOOK
    )
    dvd = RecordFactory.create(title="Water en vuur", material_type=MaterialType.DVD, year=2018)
    other = RecordFactory.create(title="Iets heel anders")
    ItemFactory.create(record=book, home_branch=branch)
    _indexed(book, dvd, other)

    response = client.get("/zoeken/", {"q": "water"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 resultaten" in html
    assert "Het water van de Oudegracht" in html
    assert "Water en vuur" in html
    assert "Iets heel anders" not in html
    assert "Soort materiaal" in html
    assert "?q=water&amp;material_type=dvd" in html


def test_a_failed_search_term_count_still_shows_the_results(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    book = RecordFactory.create(title="Het water van de Oudegracht")
    _indexed(book)
    counted: list[str] = []

    def locked(*, term: str) -> None:
        counted.append(term)
        raise OperationalError("database is locked")

    monkeypatch.setattr("kaft.portal.views.opac.search_term_count", locked)

    response = client.get("/zoeken/", {"q": "water"})

    assert response.status_code == 200
    assert counted == ["water"]
    html = response.content.decode()
    assert "1 resultaat" in html
    assert "Het water van de Oudegracht" in html
    assert "search term not counted" in caplog.text


def test_a_facet_link_filters_and_can_be_removed(client: Client) -> None:
    book = RecordFactory.create(title="Water boek", material_type=MaterialType.BOOK)
    dvd = RecordFactory.create(title="Water film", material_type=MaterialType.DVD)
    _indexed(book, dvd)

    html = client.get("/zoeken/", {"q": "water", "material_type": "dvd"}).content.decode()

    assert "1 resultaat" in html
    assert "Water film" in html
    assert "Water boek" not in html
    assert 'href="?q=water" aria-current="true"' in html
    assert "Alle filters verwijderen" in html


def test_search_pages_through_results(client: Client) -> None:
    records = [RecordFactory.create(title=f"Zee deel {n}") for n in range(25)]
    _indexed(*records)

    first = client.get("/zoeken/", {"q": "zee"}).content.decode()
    second = client.get("/zoeken/", {"q": "zee", "page": "2"}).content.decode()

    assert "25 resultaten" in first
    assert "Pagina 1 van 2" in first
    assert 'href="?q=zee&amp;page=2" rel="next"' in first
    assert first.count('<li class="card">') == 20
    assert second.count('<li class="card">') == 5
    assert 'start="21"' in second
    assert 'rel="prev"' in second


def test_search_without_words_or_filters_shows_only_the_box(client: Client) -> None:
    html = client.get("/zoeken/").content.decode()

    assert 'id="id_q"' in html
    assert "resultaten" not in html


def test_record_page_shows_details_and_availability_per_branch(
    client: Client, branch: Branch
) -> None:
    record = RecordFactory.create(
        title="De Aanslag",
        contributors="Mulisch, Harry",
        publisher="De Bezige Bij",
        year=1982,
        subjects="Tweede Wereldoorlog\nSchuld",
        summary="Een jongen overleeft een nacht in 1945.",
    )
    west = BranchFactory.create(code="west", name="Vestiging West")
    ItemFactory.create(record=record, home_branch=branch)
    ItemFactory.create(record=record, home_branch=branch, status=ItemStatus.ON_LOAN)
    ItemFactory.create(record=record, home_branch=west, status=ItemStatus.ON_LOAN)

    html = client.get(f"/titel/{record.pk}/").content.decode()

    for text in [
        "De Aanslag",
        "Mulisch, Harry",
        "De Bezige Bij",
        "1982",
        str(MaterialType.BOOK.label),
    ]:
        assert text in html
    assert "<li>Tweede Wereldoorlog</li><li>Schuld</li>" in html
    assert "Een jongen overleeft een nacht in 1945." in html
    centre = html.split('<th scope="row">Centrale Bibliotheek</th>')[1].split("</tr>")[0]
    assert '<span class="badge good">1</span></td><td>2</td>' in centre
    west_row = html.split('<th scope="row">Vestiging West</th>')[1].split("</tr>")[0]
    assert '<span class="badge">0</span></td><td>1</td>' in west_row


def test_logged_out_visitor_is_asked_to_log_in_to_reserve(client: Client) -> None:
    record = RecordFactory.create()

    html = client.get(f"/titel/{record.pk}/").content.decode()
    response = client.post(f"/titel/{record.pk}/reserveren/", {"pickup_branch": "1"})

    assert f'href="/inloggen/?next=/titel/{record.pk}/%23reserveren"' in html
    assert response["Location"] == f"/inloggen/?next=/titel/{record.pk}/reserveren/"
    assert not Hold.objects.exists()


def test_after_logging_in_the_reserve_address_leads_back_to_the_title(
    member_client: Client,
) -> None:
    record = RecordFactory.create()

    response = member_client.get(f"/titel/{record.pk}/reserveren/")

    assert response["Location"] == f"/titel/{record.pk}/"


def test_member_reserves_a_title_at_the_chosen_branch(
    member_client: Client, member: Member, branch: Branch
) -> None:
    LoanRuleFactory.create()
    west = BranchFactory.create(code="west", name="Vestiging West")
    record = RecordFactory.create(title="Het diner")
    ItemFactory.create(record=record, home_branch=branch, status=ItemStatus.ON_LOAN)

    page = member_client.get(f"/titel/{record.pk}/").content.decode()
    response = member_client.post(f"/titel/{record.pk}/reserveren/", {"pickup_branch": west.pk})

    assert f'<option value="{branch.pk}" selected>Centrale Bibliotheek</option>' in page
    assert response["Location"] == "/mijn/reserveringen/"
    hold = Hold.objects.get()
    assert (hold.member, hold.record, hold.pickup_branch, hold.status) == (
        member,
        record,
        west,
        HoldStatus.WAITING,
    )
    html = member_client.get("/mijn/reserveringen/").content.decode()
    assert "Uw reservering van ‘Het diner’ is geplaatst." in html
    assert '<dd class="position">1</dd>' in html


def test_a_refused_reservation_says_why_and_places_nothing(
    member_client: Client, member: Member, branch: Branch
) -> None:
    LoanRuleFactory.create()
    record = RecordFactory.create()
    ItemFactory.create(record=record, home_branch=branch, status=ItemStatus.ON_LOAN)
    member_client.post(f"/titel/{record.pk}/reserveren/", {"pickup_branch": branch.pk})

    response = member_client.post(f"/titel/{record.pk}/reserveren/", {"pickup_branch": branch.pk})

    assert response.status_code == 409
    assert escape(CirculationErrorCode.HOLD_ALREADY_PLACED.message) in response.content.decode()
    assert Hold.objects.count() == 1


def test_portal_speaks_english_after_the_language_switch(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert '<label for="id_q">Search the catalogue</label>' in html


def test_a_capped_result_count_says_more_than(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaft.catalog import search, search_facets

    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 2)
    monkeypatch.setattr(search_facets, "FACET_LIMIT", 3)
    records = [RecordFactory.create(title=f"Fietsen door Utrecht deel {n}") for n in range(5)]
    _indexed(*records)

    html = client.get("/zoeken/", {"q": "utrecht"}).content.decode()

    assert "Meer dan 3 resultaten" in html
    assert "5 resultaten" not in html


def test_more_than_the_counted_limit_is_written_with_thousands(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaft.catalog import search, search_facets

    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 20)
    monkeypatch.setattr(search_facets, "FACET_LIMIT", 1_000)
    records = Record.objects.bulk_create(
        RecordFactory.build(title=f"Fietsen deel {n}") for n in range(1_001)
    )
    _indexed(*records)

    dutch = client.get("/zoeken/", {"q": "fietsen"}).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/zoeken/", {"q": "fietsen"}).content.decode()

    assert "Meer dan 1.000 resultaten" in dutch
    assert "More than 1,000 results" in english


def test_an_exact_count_beyond_the_ranked_candidates_is_written_in_full(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaft.catalog import search

    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 20)
    records = Record.objects.bulk_create(
        RecordFactory.build(title=f"Fietsen deel {n}") for n in range(1_001)
    )
    _indexed(*records)

    html = client.get("/zoeken/", {"q": "fietsen"}).content.decode()

    assert "1.001 resultaten" in html
