"""The desk: recording consents (at the desk, on paper, by a guardian), the privacy statement
versions of the privacy officer, and the inbox of responses."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client

from kaft.catalog.models import Branch
from kaft.members.models import Member, StaffRole, User
from kaft.privacy.models import (
    AccessLogEntry,
    Consent,
    ConsentEvent,
    ConsentPurpose,
    StatementResponse,
    StatementVersion,
)
from kaft.privacy.services.consent import consent_given
from kaft.privacy.services.statement import statement_current, statement_respond
from tests.factories import StaffFactory
from tests.factories_consent import make_child_with_guardian
from tests.factories_desk import staff_login

pytestmark = pytest.mark.django_db


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def officer(central: Branch) -> User:
    return cast(
        User,
        StaffFactory(
            username="privacy1", profile__branch=central, profile__role=StaffRole.PRIVACY_OFFICER
        ),
    )


@pytest.fixture
def officer_desk(officer: User) -> Client:
    return cast(Client, staff_login(Client(), officer))


def _logged(member: Member) -> list[tuple[str, str]]:
    return list(AccessLogEntry.objects.filter(member=member).values_list("part", "purpose"))


def test_the_consent_page_shows_the_member_and_is_logged(
    desk: Client, member: Member, settings: Any
) -> None:
    settings.KAFT_USAGE_STATISTICS = True  # with statistics on, every purpose is asked
    response = _english(desk).get(f"/desk/members/{member.pk}/consents/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Consents of Sanne de Vries" in html
    assert html.count('class="consent-record"') == len(ConsentPurpose.values)
    assert _logged(member) == [("status", "desk")]


def test_the_desk_does_not_offer_the_statistics_consent_while_statistics_are_off(
    desk: Client, member: Member, settings: Any
) -> None:
    settings.KAFT_USAGE_STATISTICS = False

    html = _english(desk).get(f"/desk/members/{member.pk}/consents/").content.decode()

    assert html.count('class="consent-record"') == len(ConsentPurpose.values) - 1
    assert "Usage statistics on the website" not in html


def test_the_member_page_links_to_the_consents(desk: Client, member: Member) -> None:
    html = desk.get(f"/desk/members/{member.pk}/").content.decode()
    assert f'href="/desk/members/{member.pk}/consents/"' in html


def test_staff_record_a_consent_given_on_paper(desk: Client, member: Member, staff: User) -> None:
    response = desk.post(
        f"/desk/members/{member.pk}/consents/set/",
        {"purpose": "research_panel", "given": "1", "via": "paper"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/desk/members/{member.pk}/consents/"
    event = ConsentEvent.objects.get()
    assert (event.purpose, event.given, event.via, event.staff_id, event.guardian_id) == (
        "research_panel",
        True,
        "paper",
        staff.pk,
        None,
    )
    assert consent_given(member=member, purpose=ConsentPurpose.RESEARCH_PANEL) is True


def test_a_guardian_answers_for_a_child_at_the_desk(desk: Client) -> None:
    child, parent = make_child_with_guardian()
    page = _english(desk).get(f"/desk/members/{child.pk}/consents/").content.decode()
    assert "This member is younger than 16" in page
    assert f'<option value="{parent.pk}">{parent.full_name} (parent or guardian)</option>' in page

    refused = desk.post(
        f"/desk/members/{child.pk}/consents/set/",
        {"purpose": "newsletter", "given": "1", "via": "desk"},
        follow=True,
    )
    assert "only a linked parent or guardian can give this consent" in refused.content.decode()
    assert not Consent.objects.exists()

    desk.post(
        f"/desk/members/{child.pk}/consents/set/",
        {"purpose": "newsletter", "given": "1", "via": "desk", "guardian": str(parent.pk)},
    )
    event = ConsentEvent.objects.get()
    assert (event.via, event.guardian_id) == ("guardian", parent.pk)


def test_a_bad_form_changes_nothing(desk: Client, member: Member) -> None:
    response = _english(desk).post(
        f"/desk/members/{member.pk}/consents/set/",
        {"purpose": "newsletter", "given": "1", "via": "portal"},
        follow=True,
    )
    assert "Choose a consent, an answer and how it was given." in response.content.decode()
    assert not Consent.objects.exists()


# --- statement versions and the inbox (privacy officer) ----------------------------------------


def test_desk_staff_cannot_reach_the_privacy_officer_pages(desk: Client) -> None:
    for url in (
        "/desk/privacy/statements/",
        "/desk/privacy/statements/draft/",
        "/desk/privacy/inbox/",
    ):
        assert desk.get(url).status_code == 403
    assert desk.post("/desk/privacy/statements/publish/", {"version": "1"}).status_code == 403


def test_the_officer_writes_a_draft_and_publishes_it(
    officer_desk: Client, officer: User, django_capture_on_commit_callbacks: object
) -> None:
    _english(officer_desk)
    saved = officer_desk.post(
        "/desk/privacy/statements/draft/",
        {
            "version": "2",
            "text_nl": "## Nieuw\n\nTekst.",
            "text_en": "## New\n\nText.",
            "summary_nl": "Korter bewaren.",
            "summary_en": "Keeping less long.",
        },
    )
    draft = StatementVersion.objects.get(version="2")
    assert saved["Location"] == f"/desk/privacy/statements/draft/?id={draft.pk}"
    listing = officer_desk.get("/desk/privacy/statements/").content.decode()
    assert "Publish version 2" in listing and "Draft" in listing

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        published = officer_desk.post("/desk/privacy/statements/publish/", {"version": draft.pk})

    assert published.status_code == 302
    current = statement_current()
    assert current is not None and (current.pk, current.published_by_id) == (draft.pk, officer.pk)
    again = officer_desk.post(
        "/desk/privacy/statements/publish/", {"version": draft.pk}, follow=True
    )
    assert "can no longer be changed" in again.content.decode()


def test_a_taken_label_is_refused_and_nothing_saved(officer_desk: Client) -> None:
    response = _english(officer_desk).post(
        "/desk/privacy/statements/draft/",
        {"version": "1", "text_nl": "x", "text_en": "y"},
    )
    assert response.status_code == 400
    assert "There is already a version of the privacy statement with this name." in (
        response.content.decode()
    )
    assert StatementVersion.objects.count() == 1


def test_the_inbox_lists_responses_logs_the_look_and_marks_handled(
    officer_desk: Client, officer: User, member: Member
) -> None:
    current = statement_current()
    assert current is not None
    statement_respond(member=member, version=current, message="Waarom zo lang?")
    response = StatementResponse.objects.get()

    page = _english(officer_desk).get("/desk/privacy/inbox/").content.decode()
    assert "Waarom zo lang?" in page and "Sanne de Vries" in page
    assert _logged(member) == [("identity", "privacy_request")]

    officer_desk.post("/desk/privacy/inbox/handle/", {"response": response.pk})
    response.refresh_from_db()
    assert response.handled_by_id == officer.pk and response.handled_at is not None
    assert "No open responses." in officer_desk.get("/desk/privacy/inbox/").content.decode()
    handled = officer_desk.get("/desk/privacy/inbox/", {"handled": "1"}).content.decode()
    assert "Waarom zo lang?" in handled


def test_an_empty_inbox_logs_nothing(officer_desk: Client, member: Member) -> None:
    response = officer_desk.get("/desk/privacy/inbox/")
    assert response.status_code == 200
    assert AccessLogEntry.objects.count() == 0


def test_a_newsletter_yes_at_the_desk_is_double_opt_in(desk: Client, member: Member) -> None:
    """Staff record the member's yes: nothing counts until the member follows the mailed link."""
    from kaft.outreach.models import Subscription, SubscriptionStatus

    response = desk.post(
        f"/desk/members/{member.pk}/consents/set/",
        {"purpose": "newsletter", "given": "1", "via": "desk"},
    )

    assert response.status_code == 302
    assert consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER) is False
    assert not ConsentEvent.objects.exists()
    subscription = Subscription.objects.get(member=member)
    assert (subscription.status, subscription.via) == (SubscriptionStatus.PENDING, "desk")
