"""The public privacy pages are reachable: from the statement and from every portal page's footer."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PUBLIC = ("/privacy/partners/", "/bewaartermijnen/", "/cookies/")


def _footer(html: str) -> str:
    match = re.search(r'<footer class="portal-footer">(.*?)</footer>', html, re.S)
    assert match is not None
    return match.group(1)


def test_the_statement_links_to_partners_retention_and_cookies(client: Client) -> None:
    html = client.get("/privacy/").content.decode()
    section = html.split('aria-labelledby="more-privacy"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', section) == list(PUBLIC)


@pytest.mark.parametrize("path", ["/privacy/", "/cookies/", "/inloggen/", "/zoeken/"])
def test_every_portal_page_has_the_privacy_footer(client: Client, path: str) -> None:
    footer = _footer(client.get(path).content.decode())
    assert re.findall(r'href="([^"]+)"', footer) == ["/privacy/", *PUBLIC]


def test_the_footer_is_there_for_a_logged_in_member(member_client: Client) -> None:
    footer = _footer(member_client.get("/mijn/toestemmingen/").content.decode())
    assert 'href="/cookies/"' in footer


def test_the_footer_links_all_answer(client: Client) -> None:
    for path in ("/privacy/", *PUBLIC):
        assert client.get(path).status_code == 200, path


def test_a_withdrawn_consent_is_not_shown_as_a_withdrawn_book(member_client: Client) -> None:
    """A withdrawn consent has its own context: the catalogue's "Withdrawn" means written off."""
    member_client.post("/mijn/toestemmingen/wijzigen/", {"purpose": "newsletter", "given": "1"})
    member_client.post("/mijn/toestemmingen/wijzigen/", {"purpose": "newsletter", "given": "0"})
    html = member_client.get("/mijn/toestemmingen/").content.decode()
    card = html.split('id="consent-newsletter"', 1)[1].split("</li>", 1)[0]
    assert '<strong class="badge bad">' in card
    assert "Afgeschreven" not in html
