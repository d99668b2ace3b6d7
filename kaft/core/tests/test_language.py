"""Pages open in Dutch whatever the browser asks for; the switch makes them English."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_an_english_browser_still_gets_dutch_until_it_switches(client: Client) -> None:
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert first.headers["Content-Language"] == "nl"
    assert '<html lang="nl">' in first.content.decode()

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    second = client.get("/", HTTP_ACCEPT_LANGUAGE="nl")
    assert second.headers["Content-Language"] == "en"
    assert '<html lang="en">' in second.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_dutch(client: Client) -> None:
    client.cookies["django_language"] = "fr"
    response = client.get("/")
    assert response.headers["Content-Language"] == "nl"
