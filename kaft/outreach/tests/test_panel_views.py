"""The research panel through its doors: MijnBibliotheek's Biebpanel section (join, leave, the
surveys open to me, answering once on a form that says answers are anonymous; another member's
invitation is 404) and the desk's screens (create a survey and its questions, open it, invite,
results only once the survey is closed and per question from five answers on, the count in steps
of five while open, CSV; finance staff kept out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kaft.members.models import Member, StaffRole, User
from kaft.outreach.models import Invitation, Response, Survey, SurveyStatus
from kaft.outreach.services.panel_answers import panel_answer
from kaft.outreach.services.panel_invitations import panel_invite
from kaft.outreach.tests.panel_support import (
    answers_for,
    built_in_survey,
    external_survey,
    panel_member,
)
from kaft.privacy.models import ConsentEvent, ConsentPurpose
from kaft.privacy.services.consent import consent_given
from tests.factories import StaffFactory
from tests.factories_consent import make_member

pytestmark = pytest.mark.django_db


def _portal(member: Member) -> Client:
    client = Client()
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    return client


def _desk(role: str = StaffRole.DESK) -> tuple[Client, User]:
    staff = StaffFactory.create(profile__role=role)
    client = Client()
    client.force_login(staff)
    return client, staff


# --- MijnBibliotheek ---------------------------------------------------------------------------


def test_a_member_joins_and_leaves_the_panel_in_mijnbibliotheek() -> None:
    member = make_member()
    client = _portal(member)

    page = client.get("/mijn/biebpanel/")
    assert page.status_code == 200
    assert 'name="action" value="join"' in page.content.decode()

    assert client.post("/mijn/biebpanel/", {"action": "join"}).status_code == 302
    assert consent_given(member=member, purpose=ConsentPurpose.RESEARCH_PANEL) is True
    event = ConsentEvent.objects.filter(member=member).latest("at")
    assert (event.purpose, event.given, event.via) == ("research_panel", True, "portal")

    assert client.post("/mijn/biebpanel/", {"action": "leave"}).status_code == 302
    assert consent_given(member=member, purpose=ConsentPurpose.RESEARCH_PANEL) is False
    assert client.post("/mijn/biebpanel/", {"action": "x"}).status_code == 400


def test_a_child_cannot_join_themselves() -> None:
    child = make_member(age=12)
    response = _portal(child).post("/mijn/biebpanel/", {"action": "join"})
    assert response.status_code == 400
    assert consent_given(member=child, purpose=ConsentPurpose.RESEARCH_PANEL) is False


def test_the_member_sees_the_open_survey_answers_once_and_the_form_says_anonymous() -> None:
    member = panel_member()
    survey, questions = built_in_survey()
    [invitation] = panel_invite(survey=survey, staff=None)
    client = _portal(member)

    overview = client.get("/mijn/biebpanel/").content.decode()
    assert f"/mijn/biebpanel/{invitation.pk}/" in overview and survey.title in overview
    form = client.get(f"/mijn/biebpanel/{invitation.pk}/")
    assert form.status_code == 200
    assert 'id="panel-anonymous"' in form.content.decode()

    data = {f"q{pk}": value for pk, value in answers_for(questions, "Lenen", "4", "Prima").items()}
    assert client.post(f"/mijn/biebpanel/{invitation.pk}/", data).status_code == 302
    assert Response.objects.filter(survey=survey).count() == 1
    again = client.post(f"/mijn/biebpanel/{invitation.pk}/", data)
    assert again.status_code == 400
    assert Response.objects.filter(survey=survey).count() == 1
    assert (
        'id="panel-anonymous"'
        not in client.get(f"/mijn/biebpanel/{invitation.pk}/").content.decode()
    )


def test_a_wrong_answer_shows_the_form_again_with_what_was_given() -> None:
    member = panel_member()
    survey, questions = built_in_survey()
    [invitation] = panel_invite(survey=survey, staff=None)
    data = {f"q{questions[0].pk}": "Lenen", f"q{questions[2].pk}": "Mijn eigen tekst"}
    response = _portal(member).post(f"/mijn/biebpanel/{invitation.pk}/", data)
    assert response.status_code == 400
    assert "Mijn eigen tekst" in response.content.decode()
    assert Response.objects.count() == 0


def test_another_members_invitation_is_404() -> None:
    owner, other = panel_member(), panel_member()
    survey, questions = built_in_survey()
    invitation = Invitation.objects.get(
        pk=next(i.pk for i in panel_invite(survey=survey, staff=None) if i.member_id == owner.pk)
    )
    client = _portal(other)
    data = {f"q{pk}": v for pk, v in answers_for(questions, "Lenen", "4", "").items()}
    assert client.get(f"/mijn/biebpanel/{invitation.pk}/").status_code == 404
    assert client.post(f"/mijn/biebpanel/{invitation.pk}/", data).status_code == 404
    assert client.get("/mijn/biebpanel/999999/").status_code == 404
    assert Response.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_an_external_survey_links_to_the_partner_with_the_panel_id() -> None:
    member = panel_member()
    survey = external_survey()
    [invitation] = panel_invite(survey=survey, staff=None)
    page = _portal(member).get(f"/mijn/biebpanel/{invitation.pk}/").content.decode()
    assert "https://peil.example.org/s/2026?lang=nl&amp;panel_id=" in page
    assert "panel-form" not in page  # its questions are in the partner's tool
    # "Wie kreeg mijn gegevens": the partner received the panel id for this survey.
    shown = _portal(member).get("/mijn/verstrekkingen/").content.decode()
    assert survey.partner is not None and survey.partner.name in shown
    assert survey.title in shown


# --- the desk ----------------------------------------------------------------------------------


def test_staff_create_a_survey_add_questions_open_and_invite(
    django_capture_on_commit_callbacks: Any,
) -> None:
    joined = panel_member()
    make_member()
    client, _staff = _desk()
    today = timezone.localdate()
    created = client.post(
        "/desk/panel/new/",
        {
            "title": "Nieuwe openingstijden",
            "intro": "",
            "kind": "built_in",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=10)).isoformat(),
        },
    )
    assert created.status_code == 302
    survey = Survey.objects.get(title="Nieuwe openingstijden")
    base = f"/desk/panel/{survey.pk}/"
    assert client.post(f"{base}questions/", {"text": "Eens?", "kind": "choice",
                                             "choices": "Ja\nNee\n"}).status_code == 302  # fmt: skip
    assert client.post(f"{base}questions/", {"text": "Cijfer?", "kind": "scale"}).status_code == 302
    assert client.post(f"{base}questions/", {"text": "Keuze?", "kind": "choice",
                                             "choices": "Alleen"}).status_code == 400  # fmt: skip
    assert [q.text for q in survey.questions.order_by("order")] == ["Eens?", "Cijfer?"]
    assert client.get(base).status_code == 200
    assert client.post(f"{base}move/", {"action": "open"}).status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(f"{base}invite/").status_code == 302
    assert list(Invitation.objects.values_list("member_id", flat=True)) == [joined.pk]
    page = client.get(base).content.decode()
    assert joined.last_name not in page and joined.card_number not in page


def test_while_open_the_desk_sees_no_results_and_the_count_in_steps_of_five() -> None:
    members = [panel_member() for _ in range(6)]
    survey, questions = built_in_survey()
    invitations = {i.member_id: i for i in panel_invite(survey=survey, staff=None)}
    client, _staff = _desk()
    base = f"/desk/panel/{survey.pk}/"
    for index, member in enumerate(members):
        panel_answer(
            invitation=invitations[member.pk], member=member,
            answers=answers_for(questions, "Lenen", "4", f"Tekst{index}"),
        )  # fmt: skip
        page = client.get(f"{base}results/").content.decode()
        csv_text = client.get(f"{base}results.csv").content.decode()
        survey_page = client.get(base).content.decode()
        listed = client.get("/desk/panel/").content.decode()
        assert 'id="panel-not-closed"' in page and 'id="panel-open-note"' in page
        assert "Tekst" not in page and "Lenen</td>" not in page and "results.csv" not in page
        assert "Lenen" not in csv_text and "Tekst" not in csv_text and ",1," not in csv_text
        shown = f'data-number="{0 if index < 4 else 5}" data-exact="no"'
        assert shown in page and shown in survey_page and shown in listed, index


def test_once_closed_results_show_per_question_from_five_answers() -> None:
    members = [panel_member() for _ in range(5)]
    survey, questions = built_in_survey()
    invitations = {i.member_id: i for i in panel_invite(survey=survey, staff=None)}
    for index, member in enumerate(members):
        panel_answer(
            invitation=invitations[member.pk], member=member,
            answers=answers_for(questions, "Lenen", "4", "Tekst0" if index == 0 else ""),
        )  # fmt: skip
    client, _staff = _desk()
    base = f"/desk/panel/{survey.pk}/"
    assert client.post(f"{base}move/", {"action": "close"}).status_code == 302
    page = client.get(f"{base}results/").content.decode()
    csv_text = client.get(f"{base}results.csv").content.decode()
    survey_page = client.get(base).content.decode()
    assert 'id="panel-not-closed"' not in page and 'id="panel-too-few"' not in page
    assert 'data-number="5" data-exact="yes"' in survey_page
    # The one text among five responses stays hidden; the choice and scale show.
    assert "Tekst0" not in page and "Tekst0" not in csv_text
    assert page.count('class="muted panel-question-too-few"') == 1
    assert "<td>Lenen</td><td>5</td><td>100%</td>" in page
    assert "Lenen,5,100" in csv_text


def test_a_closed_survey_with_four_responses_shows_no_results() -> None:
    members = [panel_member() for _ in range(4)]
    survey, questions = built_in_survey()
    invitations = {i.member_id: i for i in panel_invite(survey=survey, staff=None)}
    for member in members:
        panel_answer(
            invitation=invitations[member.pk], member=member,
            answers=answers_for(questions, "Lenen", "4", "Tekst"),
        )  # fmt: skip
    client, _staff = _desk()
    base = f"/desk/panel/{survey.pk}/"
    assert client.post(f"{base}move/", {"action": "close"}).status_code == 302
    page = client.get(f"{base}results/").content.decode()
    csv_text = client.get(f"{base}results.csv").content.decode()
    assert 'id="panel-too-few"' in page and "Tekst" not in page and "Lenen" not in page
    assert "Lenen" not in csv_text and "Tekst" not in csv_text


def test_finance_staff_and_members_cannot_use_the_desk_panel() -> None:
    survey, _questions = built_in_survey()
    finance, _staff = _desk(StaffRole.FINANCE)
    assert finance.get("/desk/panel/").status_code == 403
    assert finance.get(f"/desk/panel/{survey.pk}/results/").status_code == 403
    member_client = _portal(make_member())
    assert member_client.get("/desk/panel/").status_code == 403
