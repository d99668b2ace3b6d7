"""MijnBibliotheek "Mijn toestemmingen", the public privacy statement and archive, the new version
shown after login, and the response form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kaft.members.models import Member
from kaft.privacy.models import (
    Consent,
    ConsentEvent,
    ConsentPurpose,
    ConsentVia,
    StatementResponse,
    StatementSeen,
)
from kaft.privacy.services.consent import consent_given, consent_set
from tests.factories import PASSWORD
from tests.factories_consent import make_child_with_guardian, make_version

pytestmark = pytest.mark.django_db

PAGE = "/mijn/toestemmingen/"
CHANGE = "/mijn/toestemmingen/wijzigen/"


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_the_consents_page_shows_every_purpose_in_plain_words(
    member_client: Client, settings: Any
) -> None:
    settings.KAFT_USAGE_STATISTICS = True
    response = _english(member_client).get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="card consent"') == len(ConsentPurpose.values)
    assert "We send you our newsletter by e-mail" in html
    assert "Not given (you have not answered)" in html
    assert f'<a href="{PAGE}" aria-current="page">My consents</a>' in html


def test_the_consents_page_is_dutch_by_default(member_client: Client) -> None:
    response = member_client.get(PAGE)

    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()


def test_a_member_gives_and_withdraws_with_one_click_each(
    member_client: Client, member: Member
) -> None:
    # (The newsletter's yes is double opt-in, through a mailed link: kaft/outreach's tests.)
    given = member_client.post(CHANGE, {"purpose": "loan_history", "given": "1"})
    assert (given.status_code, given["Location"]) == (302, PAGE)
    assert consent_given(member=member, purpose=ConsentPurpose.LOAN_HISTORY) is True

    page = _english(member_client).get(PAGE).content.decode()
    assert "Withdraw consent" in page and "Given" in page

    withdrawn = member_client.post(CHANGE, {"purpose": "loan_history", "given": "0"}, follow=True)
    assert "You withdrew consent for: Keeping my loan history." in withdrawn.content.decode()
    assert consent_given(member=member, purpose=ConsentPurpose.LOAN_HISTORY) is False
    events = ConsentEvent.objects.filter(member=member).order_by("pk")
    assert list(events.values_list("given", "via")) == [(True, "portal"), (False, "portal")]
    assert "History" in withdrawn.content.decode()


def test_changing_is_post_only_and_needs_a_known_purpose(member_client: Client) -> None:
    assert member_client.get(CHANGE).status_code == 405
    response = _english(member_client).post(CHANGE, {"purpose": "spying", "given": "1"})
    assert response.status_code == 400
    assert "Choose a consent to give or withdraw." in response.content.decode()
    assert not Consent.objects.exists()


def test_a_child_sees_that_a_guardian_decides_and_cannot_give(client: Client) -> None:
    child, parent = make_child_with_guardian()
    assert child.user is not None
    client.force_login(child.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    _english(client)

    page = client.get(PAGE).content.decode()
    assert "A parent or guardian decides" in page
    assert parent.full_name in page
    assert "Give consent" not in page

    refused = client.post(CHANGE, {"purpose": "newsletter", "given": "1"})
    assert refused.status_code == 400
    assert "only a linked parent or guardian can give this consent" in refused.content.decode()
    assert not Consent.objects.exists()


def test_a_child_withdraws_what_a_guardian_gave(client: Client) -> None:
    child, parent = make_child_with_guardian()
    consent_set(
        member=child,
        purpose=ConsentPurpose.CONTESTS,
        given=True,
        via=ConsentVia.DESK,
        guardian=parent,
    )
    assert child.user is not None
    client.force_login(child.user, backend="kaft.members.auth.MemberCardOrEmailBackend")

    response = client.post(CHANGE, {"purpose": "contests", "given": "0"})

    assert response.status_code == 302
    assert consent_given(member=child, purpose=ConsentPurpose.CONTESTS) is False


def test_the_pages_need_a_login(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")


# --- the public statement ----------------------------------------------------------------------


def test_the_statement_is_public_in_dutch_and_english(client: Client) -> None:
    dutch = client.get("/privacy/").content.decode()
    assert "<h1>Privacyverklaring van Bibliotheek Kaft</h1>" in dutch
    assert "Wij verkopen uw gegevens nooit" in dutch

    english = _english(client).get("/privacy/").content.decode()
    assert "<h1>Privacy statement of Bibliotheek Kaft</h1>" in english
    assert "Version 1, published" in english


def test_the_archive_lists_published_versions_and_each_can_be_read(client: Client) -> None:
    make_version("2", published=timezone.now())
    make_version("3-concept")  # a draft: not public
    _english(client)

    archive = client.get("/privacy/archief/").content.decode()
    assert "Version 2" in archive and "Version 1" in archive
    assert "3-concept" not in archive
    assert "New retention period for messages." in archive

    old = client.get("/privacy/", {"versie": "1"}).content.decode()
    assert "This is an earlier version." in old and "Privacy statement of" in old
    assert client.get("/privacy/", {"versie": "3-concept"}).status_code == 404


def test_a_new_version_puts_a_notice_on_portal_pages_for_30_days(client: Client) -> None:
    _english(client)
    assert "statement-banner" not in client.get("/").content.decode()  # the first statement

    make_version("2", published=timezone.now() - dt.timedelta(days=29))
    assert "Our privacy statement changed on" in client.get("/").content.decode()


# --- shown at the next login, and the response --------------------------------------------------


def test_a_new_version_is_shown_once_after_login(client: Client, member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    make_version("2", published=timezone.now())

    first = client.post("/inloggen/", {"username": member.card_number, "password": PASSWORD})
    assert first.status_code == 302
    assert first["Location"] == "/mijn/privacyverklaring/?next=%2Fmijn%2F"

    page = _english(client).get(first["Location"]).content.decode()
    assert "Our privacy statement has changed" in page
    assert "New retention period for messages." in page
    assert '<a href="/mijn/">Continue</a>' in page
    assert StatementSeen.objects.filter(member=member).count() == 1

    client.post("/uitloggen/")
    again = client.post("/inloggen/", {"username": member.card_number, "password": PASSWORD})
    assert again["Location"] == "/mijn/"


def test_a_member_responds_and_an_empty_response_is_refused(
    member_client: Client, member: Member
) -> None:
    _english(member_client)
    empty = member_client.post("/mijn/privacyverklaring/reageren/", {"message": "   "})
    assert empty.status_code == 400
    assert not StatementResponse.objects.exists()

    sent = member_client.post(
        "/mijn/privacyverklaring/reageren/", {"message": "Hoe lang bewaart u mijn e-mail?"}
    )

    assert sent.status_code == 302
    response = StatementResponse.objects.get()
    assert (response.member_id, response.version.version, response.message) == (
        member.pk,
        "1",
        "Hoe lang bewaart u mijn e-mail?",
    )


def test_the_statistics_consent_is_not_asked_while_statistics_are_off(
    member_client: Client, settings: Any
) -> None:
    settings.KAFT_USAGE_STATISTICS = False

    html = _english(member_client).get(PAGE).content.decode()

    assert "Usage statistics on the website" not in html
    assert html.count('class="card consent"') == len(ConsentPurpose.values) - 1
    assert "Newsletter by e-mail" in html


def test_the_statistics_consent_is_asked_while_statistics_are_on(
    member_client: Client, settings: Any
) -> None:
    settings.KAFT_USAGE_STATISTICS = True

    html = _english(member_client).get(PAGE).content.decode()

    assert "Usage statistics on the website" in html


def test_a_posted_statistics_yes_is_refused_while_off_and_nothing_is_written(
    member_client: Client, member: Any, settings: Any
) -> None:
    settings.KAFT_USAGE_STATISTICS = False

    response = _english(member_client).post(CHANGE, {"purpose": "site_statistics", "given": "1"})

    assert "The library does not ask for this consent at the moment" in response.content.decode()
    assert consent_given(member=member, purpose=ConsentPurpose.SITE_STATISTICS) is False
    assert not Consent.objects.filter(member=member).exists()
