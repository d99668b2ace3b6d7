"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against a live Kaft.

On CI (CI=true) or with KAFT_BROWSER_REQUIRED=1 a missing Chromium fails the run; elsewhere the
browser tests are skipped with a clear reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("KAFT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def _required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("KAFT_BROWSER_REQUIRED") == "1"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if _required():
            pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test itself still talks to
    # the database synchronously, which is safe here. Only while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh page in its own context. Every request must go to Kaft's own origin, and nothing
    the page does may break the Content-Security-Policy (Chromium reports each violation in the
    console: an inline script or handler, a style element or attribute, eval, another origin)."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    own = urlparse(live_server.url).netloc
    foreign: list[str] = []

    def check(request: Any) -> None:
        url = urlparse(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc != own:
            foreign.append(request.url)

    violations: list[str] = []

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("request", check)
    page.on("console", console)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert foreign == [], f"requests to other sites: {foreign}"
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def desk_log_in(page: Any, base: str, *, username: str = "balie1", language: str = "nl") -> None:
    """Log in at the desk as ``username`` (password ``tests.factories.PASSWORD``), in ``language``,
    and wait for the lending screen, ready for a scan."""
    from tests.factories import PASSWORD

    if language != "nl":
        page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/desk/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{base}/desk/")
    # Scans are typed at once: wait until the scan field has the focus the page gives it
    page.wait_for_function("document.activeElement && document.activeElement.id === 'scan-field'")
