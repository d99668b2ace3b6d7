"""The Biebpanel in a real browser: a member joins the panel in MijnBibliotheek, the desk makes a
survey in Kaft with three questions, opens it and invites the panel, the member follows the link
of the invitation mail (received on a real SMTP server) and answers. While the survey is open
the desk's results page shows no results and the number of responses only rounded down to a
multiple of five; once the desk closed the survey with five responses it shows the totals per
question (and no short text: only one of the five left one). Then the member leaves the panel again.

Buttons and links are found by their visible (Dutch) text, as a librarian or member sees them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from kaft.members.models import Member
from kaft.outreach.models import Invitation, QuestionKind, Response, Survey, SurveyStatus
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.services.consent import consent_given, members_with_consent
from tests.browser.conftest import desk_log_in
from tests.factories import PASSWORD, BranchFactory, MemberFactory, StaffFactory
from tests.smtp import smtp_server

__all__ = ["smtp_server"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Besides the member followed through the test, four others answer: five responses in all.
OTHERS = [("Bram", "Lenen", "3"), ("Cas", "Lenen", "5"), ("Dewi", "Studeren", "4"), ("Eva", "Lenen", "4")]  # fmt: skip


@pytest.fixture
def library() -> Any:
    cache.clear()
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    StaffFactory.create(username="balie1", profile__branch=centre)
    return centre


@pytest.fixture
def member_pages(browser: Any) -> Iterator[Any]:
    """Opens a fresh page (own context, own cookies) per member; checks the CSP like ``page``."""
    contexts: list[Any] = []
    violations: list[str] = []

    def open_page() -> Any:
        context = browser.new_context(locale="nl-NL")
        contexts.append(context)
        new = context.new_page()
        new.set_default_timeout(10_000)
        new.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return new

    yield open_page
    for context in contexts:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def _on(base: str, url: str) -> str:
    """``url`` (made with KAFT_SITE_URL) on the live server."""
    parts = urlsplit(url)
    return base + parts.path + (f"?{parts.query}" if parts.query else "")


def _log_in(page: Any, member: Member) -> None:
    """Fill the member login form the page shows (the login page or a redirect to it)."""
    page.get_by_label("Pasnummer of e-mailadres").fill(member.card_number)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _to_panel(page: Any, base: str) -> None:
    page.locator("nav.mijn-nav").get_by_role("link", name="Biebpanel").click()
    page.wait_for_url(f"{base}/mijn/biebpanel/")


def _join(page: Any, base: str, member: Member) -> None:
    page.goto(f"{base}/inloggen/")
    _log_in(page, member)
    page.wait_for_url(f"{base}/mijn/")
    _to_panel(page, base)
    status = page.locator("#panel-status")
    assert "U bent geen lid van het Biebpanel" in status.inner_text()
    page.get_by_role("button", name="Lid worden van het Biebpanel").click()
    # The same address again: wait for the new page's answer, not for the address
    expect(page.locator(".messages li.success")).to_have_text(
        "U bent lid van het Biebpanel. Dank u wel!"
    )
    expect(page.locator("#panel-status")).to_contain_text("U bent lid van het Biebpanel")


def _answer(page: Any, choice: str, point: str, text: str = "") -> None:
    """Answer the three questions of the survey form the page shows, and send."""
    page.get_by_role("group", name="1. Waarvoor komt u?").get_by_label(choice, exact=True).check()
    page.get_by_role("group", name="2. Hoe tevreden bent u over de openingstijden?").get_by_label(
        point, exact=True
    ).check()
    if text:
        page.get_by_role("group", name="3. Wat kan beter?").locator("textarea").fill(text)
    page.get_by_role("button", name="Mijn antwoorden versturen").click()


def test_a_survey_from_joining_the_panel_to_its_results(
    page: Any, live_server: Any, smtp_server: Any, library: Any, member_pages: Any
) -> None:
    base = live_server.url
    today = timezone.localdate()
    noor = MemberFactory.create(
        card_number="21000000000101", first_name="Noor", email="noor@example.org"
    )
    others = [
        MemberFactory.create(
            card_number=f"2100000000020{n}", first_name=name, email=f"{name.lower()}@example.org"
        )
        for n, (name, _choice, _point) in enumerate(OTHERS)
    ]

    # Noor and four others join the Biebpanel themselves, in MijnBibliotheek
    noor_page = member_pages()
    _join(noor_page, base, noor)
    assert noor_page.get_by_text("Er wachten geen vragenlijsten op u.").is_visible()
    assert consent_given(member=noor, purpose=ConsentPurpose.RESEARCH_PANEL) is True
    other_pages = []
    for member in others:
        other_pages.append(member_pages())
        _join(other_pages[-1], base, member)
    assert set(members_with_consent(ConsentPurpose.RESEARCH_PANEL)) == {noor, *others}

    # The desk makes a survey in Kaft with three questions
    desk_log_in(page, base)
    page.locator("nav").get_by_role("link", name="Biebpanel").click()
    page.wait_for_url(f"{base}/desk/panel/")
    page.get_by_role("link", name="Nieuwe vragenlijst").click()
    page.get_by_label("Titel").fill("Hoe bevalt de bibliotheek?")
    page.get_by_label("Inleiding").fill("Vijf minuten, anoniem.")
    page.get_by_label("Vragenlijst in Kaft").check()
    page.get_by_label("Eerste dag").fill(today.isoformat())
    page.get_by_label("Laatste dag").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/desk/panel/\d+/$"))
    survey = Survey.objects.get()
    assert page.url == f"{base}/desk/panel/{survey.pk}/"
    assert survey.status == SurveyStatus.DRAFT
    for text, kind, choices in [
        ("Waarvoor komt u?", "Eén keuze", "Lenen\nStuderen\nActiviteiten"),
        ("Hoe tevreden bent u over de openingstijden?", "Schaal van 1 tot 5", ""),
        ("Wat kan beter?", "Korte tekst", ""),
    ]:
        page.get_by_label(re.compile(r"^Vraag:?$")).fill(text)
        page.get_by_label("Soort").select_option(label=kind)
        page.get_by_label("Keuzes (één per regel)").fill(choices)
        page.get_by_role("button", name="Vraag toevoegen").click()
        page.wait_for_url(f"{base}/desk/panel/{survey.pk}/")
        page.locator(".panel-questions li", has_text=text).wait_for()
    assert list(survey.questions.order_by("order").values_list("kind", "choices")) == [
        (QuestionKind.CHOICE, ["Lenen", "Studeren", "Activiteiten"]),
        (QuestionKind.SCALE, []),
        (QuestionKind.TEXT, []),
    ]

    # It opens the survey and invites the panel: five invitations, five mails
    page.get_by_role("button", name="Vragenlijst openen").click()
    page.get_by_role("button", name="Panelleden uitnodigen per e-mail").click()
    expect(page.locator(".messages li.success")).to_have_text("Panelleden uitgenodigd: 5.")
    expect(page.get_by_role("button", name="Panelleden uitnodigen per e-mail")).to_be_disabled()
    mails = smtp_server.wait_for(5)
    assert sorted(rcpt for mail in mails for rcpt in mail.rcpt_tos) == sorted(
        m.email for m in [noor, *others]
    )
    [to_noor] = [mail for mail in mails if mail.rcpt_tos == ["noor@example.org"]]
    invitation = Invitation.objects.get(member=noor)
    link = f"/mijn/biebpanel/{invitation.pk}/"
    [followed] = [line for line in to_noor.body.splitlines() if line.endswith(link)]

    # Noor follows the link in the mail: logs in first, then the survey; she answers
    invited = member_pages()
    invited.goto(_on(base, followed))
    _log_in(invited, noor)
    invited.wait_for_url(f"{base}{link}")
    assert invited.get_by_role("heading", name="Hoe bevalt de bibliotheek?").is_visible()
    _answer(invited, "Studeren", "2", "Langer open op zondag")
    invited.wait_for_url(f"{base}/mijn/biebpanel/")
    expect(invited.locator(".messages li.success")).to_have_text("Dank u wel voor uw antwoorden!")
    assert invited.locator(".panel-answered").inner_text().startswith("Hoe bevalt de bibliotheek?")
    assert invited.locator("#panel-open").count() == 0
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert Response.objects.filter(survey=survey).count() == 1

    # One response, the survey open: the desk sees no results and the count only in steps of 5
    page.get_by_role("link", name="Resultaten").click()
    page.wait_for_url(f"{base}/desk/panel/{survey.pk}/results/")
    content = page.locator("main").inner_text()
    assert page.locator("#panel-not-closed").is_visible()
    assert page.locator("#panel-open-note").is_visible()
    count = page.locator("#panel-not-closed .panel-count")
    assert (count.get_attribute("data-number"), count.get_attribute("data-exact")) == ("0", "no")
    assert page.locator(".panel-result").count() == 0
    for hidden in ("Waarvoor komt u?", "Studeren", "Gemiddeld", "Langer open op zondag"):
        assert hidden not in content

    # The four others answer from MijnBibliotheek: five responses
    for other_page, (_name, choice, point) in zip(other_pages, OTHERS, strict=True):
        _to_panel(other_page, base)
        other_page.locator("#panel-open").get_by_role(
            "link", name="Hoe bevalt de bibliotheek?"
        ).click()
        _answer(other_page, choice, point)
        other_page.wait_for_url(f"{base}/mijn/biebpanel/")
    assert Response.objects.filter(survey=survey).count() == 5

    # Still open: still no results, the count rounded down to a multiple of 5
    page.reload()
    assert page.locator("#panel-not-closed").is_visible()
    assert page.locator("#panel-not-closed .panel-count").get_attribute("data-number") == "5"
    assert page.locator(".panel-result").count() == 0
    assert "Lenen" not in page.locator("main").inner_text()

    # The desk closes the survey with the screen's button; now the results show
    page.get_by_role("link", name="Terug naar de vragenlijst").click()
    page.wait_for_url(f"{base}/desk/panel/{survey.pk}/")
    page.get_by_role("button", name="Vragenlijst sluiten").click()
    expect(page.locator(".messages li.success")).to_have_text("De vragenlijst is nu: Afgesloten.")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    page.get_by_role("link", name="Resultaten").click()
    page.wait_for_url(f"{base}/desk/panel/{survey.pk}/results/")
    assert page.locator("#panel-not-closed").count() == 0
    assert page.locator("#panel-too-few").count() == 0
    assert "5 antwoorden." in page.locator("main").inner_text()
    choice, scale, text = page.locator(".panel-result").all()
    rows = [row.locator("td").all_inner_texts() for row in choice.locator("tbody tr").all()]
    assert rows == [["Lenen", "3", "60%"], ["Studeren", "2", "40%"], ["Activiteiten", "0", "0%"]]
    rows = [row.locator("td").all_inner_texts() for row in scale.locator("tbody tr").all()]
    assert rows == [
        ["1", "0", "0%"], ["2", "1", "20%"], ["3", "1", "20%"], ["4", "2", "40%"], ["5", "1", "20%"],
    ]  # fmt: skip
    assert "Gemiddeld: 3,6 (van 1 tot 5)" in scale.inner_text()
    # Noor's is the only text among five responses: it is not shown, nor how many texts there are
    assert text.locator(".panel-question-too-few").count() == 1
    assert text.locator(".panel-texts").count() == 0
    assert "Langer open op zondag" not in page.locator("main").inner_text()

    # Noor leaves the panel in MijnBibliotheek and is no panel member any more
    _to_panel(noor_page, base)
    noor_page.get_by_role("button", name="Uit het Biebpanel stappen").click()
    expect(noor_page.locator("#panel-status")).to_contain_text("U bent geen lid van het Biebpanel")
    expect(noor_page.locator(".messages li.success")).to_have_text(
        "U bent uit het Biebpanel gestapt. We nodigen u niet meer uit voor vragenlijsten."
    )
    expect(noor_page.get_by_role("button", name="Lid worden van het Biebpanel")).to_be_visible()
    assert consent_given(member=noor, purpose=ConsentPurpose.RESEARCH_PANEL) is False
    assert set(members_with_consent(ConsentPurpose.RESEARCH_PANEL)) == set(others)
