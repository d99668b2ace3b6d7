"""Cookies in a real browser: only functional ones before consent, and nothing from elsewhere.

Usage statistics are switched on. The main public pages are loaded; the ``page`` fixture fails
the test on any request to another origin. Before an answer to the banner the browser holds only
functional cookies; "Weigeren" adds ``kaft_stats=declined`` and counts nothing; "Accepteren"
makes the next page views count, per group of pages.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from kaft.catalog.search import search_index_records
from kaft.outreach.models import PageViewDay
from tests.factories import ItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FUNCTIONAL = {"csrftoken", "sessionid", "django_language", "messages"}
# The button labels in Dutch (the site's first language), or the English msgid before the
# translations are compiled.
ACCEPT = re.compile(r"^(Accepteren|Accept statistics)$")
DECLINE = re.compile(r"^(Weigeren|Decline statistics)$")


def _public_pages(record_id: int) -> list[str]:
    pages = ["/", "/zoeken/?q=avonden", f"/titel/{record_id}/", "/cookies/", "/inloggen/"]
    with contextlib.suppress(NoReverseMatch):  # the statement page comes with the consent area
        pages.insert(3, reverse("portal:statement"))
    return pages


def _cookies(page: Any) -> dict[str, str]:
    return {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}


@pytest.fixture
def record_id(settings: Any) -> int:
    settings.KAFT_USAGE_STATISTICS = True
    item = ItemFactory.create(record__title="De avonden", record__contributors="Reve")
    search_index_records([item.record_id])
    return int(item.record_id)


def test_no_tracking_before_consent_and_declining_counts_nothing(
    page: Any, live_server: Any, record_id: int
) -> None:
    base = live_server.url
    for path in _public_pages(record_id):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        assert set(_cookies(page)) <= FUNCTIONAL, (path, _cookies(page))
    assert PageViewDay.objects.count() == 0

    page.goto(base + "/zoeken/")
    banner = page.locator(".cookie-banner")
    accept = banner.get_by_role("button", name=ACCEPT)
    decline = banner.get_by_role("button", name=DECLINE)
    # Equal weight: the same size and the same style.
    accept_box, decline_box = accept.bounding_box(), decline.bounding_box()
    assert accept_box is not None and decline_box is not None
    assert (accept_box["width"], accept_box["height"]) == (
        decline_box["width"],
        decline_box["height"],
    )
    style = "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color, getComputedStyle(el).fontSize]"
    assert accept.evaluate(style) == decline.evaluate(style)
    before = _cookies(page)

    decline.click()
    page.wait_for_url(base + "/zoeken/")

    after = _cookies(page)
    assert {k: v for k, v in after.items() if k not in before} == {"kaft_stats": "declined"}
    assert page.locator(".cookie-banner").count() == 0
    for path in _public_pages(record_id):
        page.goto(base + path)
    assert PageViewDay.objects.count() == 0


def test_after_accepting_page_views_are_counted(
    page: Any, live_server: Any, record_id: int
) -> None:
    base = live_server.url
    page.goto(base + "/")
    page.locator(".cookie-banner").get_by_role("button", name=ACCEPT).click()
    page.wait_for_url(base + "/")
    assert _cookies(page)["kaft_stats"] == "accepted"

    page.goto(base + f"/titel/{record_id}/")
    page.goto(base + "/zoeken/?q=avonden")

    counts = dict(PageViewDay.objects.values_list("group", "count"))
    # The home page once after the redirect back, a title page and the search: by group only.
    assert counts == {"start": 1, "titel": 1, "catalogus": 1}
    assert set(_cookies(page)) <= FUNCTIONAL | {"kaft_stats"}
