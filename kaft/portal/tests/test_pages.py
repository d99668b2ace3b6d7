"""Every portal page: each form field has a label, and nothing is loaded from another site."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from kaft.members.models import Member
from tests.factories import ItemFactory, RecordFactory
from tests.factories_portal import HoldFactory, LoanFactory

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.label_targets: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.asset_urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label" and found.get("for"):
            self.label_targets.add(str(found["for"]))
        if tag in {"input", "select", "textarea"} and found.get("type") not in {
            "hidden",
            "submit",
        }:
            self.fields.append(found)
        for name in ("src", "href", "action"):
            if found.get(name):
                self.asset_urls.append(str(found[name]))


def _check(html: str) -> None:
    page = _Page()
    page.feed(html)
    unlabelled = [
        field
        for field in page.fields
        if field.get("id") not in page.label_targets and not field.get("aria-label")
    ]
    assert unlabelled == []
    foreign = [url for url in page.asset_urls if "//" in url.split("?")[0]]
    assert foreign == []


def test_public_pages(client: Client) -> None:
    record = RecordFactory.create()
    ItemFactory.create(record=record)
    for path in ["/", "/zoeken/", "/inloggen/", f"/titel/{record.pk}/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        _check(response.content.decode())


def test_mijnbibliotheek_pages(member_client: Client, member: Member) -> None:
    LoanFactory.create(member=member)
    record = RecordFactory.create()
    HoldFactory.create(member=member, record=record)
    for path in [
        "/mijn/",
        "/mijn/reserveringen/",
        "/mijn/gegevens/",
        "/mijn/gegevens/wijzigen/",
        "/mijn/wachtwoord/",
        f"/titel/{record.pk}/",
    ]:
        response = member_client.get(path)
        assert response.status_code == 200, path
        _check(response.content.decode())
