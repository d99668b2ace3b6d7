"""Fixtures of the newsletter-subscription tests (imported by their modules)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.smtp import smtp_server

__all__ = ["smtp_server"]


@pytest.fixture
def mailed_links(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Catch the newsletter confirmation links instead of mailing them (tests that are not
    about the mail itself)."""
    links: list[str] = []

    def catch(subscription_id: int, link: str) -> None:
        links.append(link)

    monkeypatch.setattr("kaft.outreach.services.newsletter_subscriptions._mail_after_commit", catch)
    return links


@pytest.fixture
def _fresh_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_english(settings: Any) -> Iterator[None]:
    """English in the test and in every request it makes: the site's default language is Dutch,
    which each request would otherwise switch back to."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
