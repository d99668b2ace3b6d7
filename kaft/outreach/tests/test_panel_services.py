"""The research panel, the services: a survey's life, inviting only the members in the panel at
that moment, the invitation mail on a real SMTP server in the member's language, answering once,
results only once the survey is closed and per question from five answers on, the pseudonymous panel id of an external survey and its
disclosure, leaving the panel, retention, erasure and export."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from kaft.members.models import Member, User
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.panel import PanelErrorCode
from kaft.outreach.models import (
    Answer,
    Invitation,
    QuestionKind,
    Response,
    SurveyAction,
    SurveyKind,
    SurveyStatus,
)
from kaft.outreach.selectors.panel import survey_results, survey_results_csv
from kaft.outreach.services.panel import question_add, survey_move, survey_save
from kaft.outreach.services.panel_answers import panel_answer, week_of
from kaft.outreach.services.panel_demo import panel_demo_create
from kaft.outreach.services.panel_invitations import (
    external_survey_url,
    invitation_mail_send,
    panel_id,
    panel_invite,
)
from kaft.outreach.tests.panel_support import (
    answers_for,
    built_in_survey,
    external_survey,
    panel_member,
    research_partner,
)
from kaft.privacy.models import ConsentPurpose, ConsentVia, Disclosure
from kaft.privacy.services.consent import consent_set
from kaft.privacy.services.erasure import member_erase
from kaft.privacy.services.export import member_export_data
from kaft.privacy.services.retention import retention_apply
from tests.factories import StaffFactory
from tests.factories_consent import make_member
from tests.smtp import SmtpSink, use_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    return StaffFactory.create(username="balie-panel")


# --- a survey's life ---------------------------------------------------------------------------


def test_a_survey_opens_only_with_questions_and_is_frozen_once_open(staff: User) -> None:
    survey, _questions = built_in_survey(staff, open_it=False)
    empty = survey_save(
        survey=None, title="Leeg", intro="", kind=SurveyKind.BUILT_IN,
        opens_on=timezone.localdate(), closes_on=timezone.localdate(), staff=staff,
    )  # fmt: skip
    with pytest.raises(OutreachError) as refused:
        survey_move(survey=empty, action=SurveyAction.OPEN, staff=staff)
    assert refused.value.code == PanelErrorCode.NO_QUESTIONS

    opened = survey_move(survey=survey, action=SurveyAction.OPEN, staff=staff)
    assert opened.status == SurveyStatus.OPEN and opened.opened_at is not None
    with pytest.raises(OutreachError) as frozen:
        question_add(survey=opened, text="Nog een?", kind=QuestionKind.SCALE)
    assert frozen.value.code == PanelErrorCode.NOT_EDITABLE
    assert opened.questions.count() == 3
    with pytest.raises(OutreachError) as again:
        survey_move(survey=opened, action=SurveyAction.OPEN, staff=staff)
    assert again.value.code == PanelErrorCode.MOVE_NOT_ALLOWED


def test_an_external_survey_needs_a_partner_that_may_receive_membership_data(staff: User) -> None:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "survey": None, "title": "Extern", "intro": "", "kind": SurveyKind.EXTERNAL,
        "opens_on": today, "closes_on": today, "staff": staff,
        "external_url": "https://peil.example.org/s",
    }  # fmt: skip
    with pytest.raises(OutreachError) as no_partner:
        survey_save(**values)
    assert no_partner.value.code == PanelErrorCode.EXTERNAL_NEEDS_PARTNER
    partner = research_partner()
    partner.categories = ["contact"]
    partner.save()
    with pytest.raises(OutreachError) as not_agreed:
        survey_save(**values, partner=partner)
    assert not_agreed.value.code == PanelErrorCode.PARTNER_NOT_AGREED
    partner.categories = ["membership"]
    partner.save()
    with pytest.raises(OutreachError) as plain_http:
        survey_save(**{**values, "external_url": "http://peil.example.org/s"}, partner=partner)
    assert plain_http.value.code == PanelErrorCode.EXTERNAL_URL_INVALID
    assert survey_save(**values, partner=partner).partner == partner


# --- inviting ----------------------------------------------------------------------------------


def test_only_members_in_the_panel_at_that_moment_are_invited_each_once(staff: User) -> None:
    joined = panel_member(first_name="Anna")
    make_member(first_name="Bram")  # never joined
    left = panel_member(first_name="Cas")
    consent_set(
        member=left, purpose=ConsentPurpose.RESEARCH_PANEL, given=False, via=ConsentVia.PORTAL
    )
    survey, _questions = built_in_survey(staff)

    invited = panel_invite(survey=survey, staff=staff)

    assert [i.member_id for i in invited] == [joined.pk]
    later = panel_member(first_name="Dirk")
    assert [i.member_id for i in panel_invite(survey=survey, staff=staff)] == [later.pk]
    assert panel_invite(survey=survey, staff=staff) == []
    assert Invitation.objects.filter(survey=survey).count() == 2


def test_a_draft_or_closed_survey_invites_nobody(staff: User) -> None:
    panel_member()
    draft, _questions = built_in_survey(staff, open_it=False)
    with pytest.raises(OutreachError) as refused:
        panel_invite(survey=draft, staff=staff)
    assert refused.value.code == PanelErrorCode.NOT_OPEN
    assert Invitation.objects.count() == 0


def test_the_invitation_mail_goes_through_smtp_in_the_members_language(
    settings: Any, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    dutch = panel_member(first_name="Anna", email="anna@example.org", preferred_language="nl")
    english = panel_member(first_name="Ben", email="ben@example.org", preferred_language="en")
    survey, _questions = built_in_survey(staff)
    with SmtpSink() as sink:
        use_smtp(settings, sink)
        with django_capture_on_commit_callbacks(execute=True):
            invitations = panel_invite(survey=survey, staff=staff)
        mails = sink.wait_for(2)

    by_address = {mail.rcpt_tos[0]: mail for mail in mails}
    assert set(by_address) == {"anna@example.org", "ben@example.org"}
    nl, en = by_address["anna@example.org"], by_address["ben@example.org"]
    own = {i.member_id: i for i in invitations}
    assert nl.message["Content-Language"] == "nl" and en.message["Content-Language"] == "en"
    assert f"/mijn/biebpanel/{own[dutch.pk].pk}/" in nl.body
    assert f"/mijn/biebpanel/{own[english.pk].pk}/" in en.body
    assert "Hello Ben" in en.body and "anonymous" in en.body
    assert survey.title in nl.subject
    assert Invitation.objects.filter(mailed_at__isnull=False).count() == 2
    # Sent once: a second run of the task sends nothing.
    assert invitation_mail_send(invitation_id=own[dutch.pk].pk) is False


# --- answering ---------------------------------------------------------------------------------


def test_a_member_answers_once_and_the_response_holds_no_member(staff: User) -> None:
    member = panel_member()
    survey, questions = built_in_survey(staff)
    [invitation] = panel_invite(survey=survey, staff=staff)

    response = panel_answer(
        invitation=invitation, member=member,
        answers=answers_for(questions, "Lenen", "4", "Langer open"),
    )  # fmt: skip

    assert response.submitted_on == week_of(timezone.localdate())
    assert response.submitted_on.weekday() == 0
    assert sorted(Answer.objects.filter(response=response).values_list("value", flat=True)) == [
        "4", "Langer open", "Lenen",
    ]  # fmt: skip
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    with pytest.raises(OutreachError) as twice:
        panel_answer(
            invitation=invitation, member=member,
            answers=answers_for(questions, "Studeren", "1", ""),
        )  # fmt: skip
    assert twice.value.code == PanelErrorCode.ALREADY_ANSWERED
    assert Response.objects.count() == 1 and Answer.objects.count() == 3


@pytest.mark.parametrize(
    ("choice", "scale", "code"),
    [
        ("", "3", PanelErrorCode.ANSWER_MISSING),
        ("Zwemmen", "3", PanelErrorCode.ANSWER_INVALID),
        ("Lenen", "6", PanelErrorCode.ANSWER_INVALID),
        ("Lenen", "", PanelErrorCode.ANSWER_MISSING),
    ],
)
def test_a_wrong_answer_writes_nothing(staff: User, choice: str, scale: str, code: Any) -> None:
    member = panel_member()
    survey, questions = built_in_survey(staff)
    [invitation] = panel_invite(survey=survey, staff=staff)
    with pytest.raises(OutreachError) as refused:
        panel_answer(
            invitation=invitation, member=member, answers=answers_for(questions, choice, scale, "")
        )
    assert refused.value.code == code
    assert Response.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_another_members_invitation_cannot_be_answered(staff: User) -> None:
    owner, other = panel_member(), panel_member()
    survey, questions = built_in_survey(staff)
    invitation = next(i for i in panel_invite(survey=survey, staff=staff) if i.member == owner)
    with pytest.raises(Invitation.DoesNotExist):
        panel_answer(
            invitation=invitation, member=other, answers=answers_for(questions, "Lenen", "3", "")
        )
    assert Response.objects.count() == 0


def test_a_closed_survey_takes_no_answers(staff: User) -> None:
    member = panel_member()
    survey, questions = built_in_survey(staff)
    [invitation] = panel_invite(survey=survey, staff=staff)
    survey_move(survey=survey, action=SurveyAction.CLOSE, staff=staff)
    with pytest.raises(OutreachError) as refused:
        panel_answer(
            invitation=invitation, member=member, answers=answers_for(questions, "Lenen", "3", "")
        )
    assert refused.value.code == PanelErrorCode.NOT_OPEN


# --- results -----------------------------------------------------------------------------------


GIVEN = [("Lenen", "4", "Meer strips"), ("Lenen", "5", ""), ("Studeren", "2", "Stiltecoupe"),
         ("Activiteiten", "3", ""), ("Lenen", "4", "Aardig personeel"), ("Studeren", "5", "")]  # fmt: skip


def _answered_by(
    count: int, staff: User, given: list[tuple[str, str, str]] = GIVEN, *, close: bool = True
) -> tuple[Any, list[Any]]:
    """A survey answered by ``count`` panel members in turn from ``given``; closed after."""
    members = [panel_member() for _ in range(count)]
    survey, questions = built_in_survey(staff)
    invitations = {i.member_id: i for i in panel_invite(survey=survey, staff=staff)}
    for index, member in enumerate(members):
        choice, scale, text = given[index % len(given)]
        panel_answer(
            invitation=invitations[member.pk], member=member,
            answers=answers_for(questions, choice, scale, text),
        )  # fmt: skip
    if close:
        survey = survey_move(survey=survey, action=SurveyAction.CLOSE, staff=staff)
    return survey, questions


def test_fewer_than_five_responses_show_no_results_at_all(staff: User) -> None:
    survey, _questions = _answered_by(4, staff)
    results = survey_results(survey)
    assert (results.responses.number, results.responses.exact) == (4, True)
    assert results.closed is True and results.shown is False and results.questions == []
    csv_text = survey_results_csv(results)
    assert "Lenen" not in csv_text and "Meer strips" not in csv_text


def test_five_responses_show_the_aggregates_of_the_questions_with_five_answers(
    staff: User,
) -> None:
    survey, questions = _answered_by(5, staff)
    results = survey_results(survey)
    assert results.shown is True and results.responses.number == 5
    choice, scale, text = results.questions
    assert [(c.label, c.count, c.percent) for c in choice.counts] == [
        ("Lenen", 3, 60), ("Studeren", 1, 20), ("Activiteiten", 1, 20),
    ]  # fmt: skip
    assert [c.count for c in scale.counts] == [0, 1, 1, 2, 1]
    assert str(scale.average) == "3.6"
    # Three of the five left a text: too few texts, so none is shown, nor how many there are.
    assert (text.shown, text.answered, text.texts) == (False, 0, [])
    with translation.override("en"):
        csv_text = survey_results_csv(results)
    assert "Lenen,3,60" in csv_text and "3.6" in csv_text
    assert "Wat kan beter?,Fewer than 5 answers: not shown,," in csv_text
    assert "Meer strips" not in csv_text and "Wat kan beter?,(answered)" not in csv_text


def test_one_text_among_five_responses_is_not_shown(staff: User) -> None:
    given = [("Lenen", "4", "Ik ben de enige met een tekst")] + [("Lenen", "4", "")] * 4
    survey, _questions = _answered_by(5, staff, given)
    results = survey_results(survey)
    assert results.shown is True
    assert results.questions[2].shown is False and results.questions[2].texts == []
    assert results.questions[0].shown is True


def test_five_texts_are_shown_alphabetically(staff: User) -> None:
    given = [("Lenen", "4", text) for text in ("Zon", "Appel", "Meer strips", "Boek", "Koffie")]
    survey, _questions = _answered_by(5, staff, given)
    text = survey_results(survey).questions[2]
    # Alphabetical, not in the order they came in, and no dates.
    assert text.shown is True and text.answered == 5
    assert text.texts == ["Appel", "Boek", "Koffie", "Meer strips", "Zon"]


def test_an_open_survey_shows_no_results_and_its_count_in_steps_of_five(staff: User) -> None:
    # Looking before and after each response must not tell what the newest respondent answered:
    # while the survey is open nothing of the answers changes on the page, and the count only
    # in steps of five.
    members = [panel_member() for _ in range(7)]
    survey, questions = built_in_survey(staff)
    invitations = {i.member_id: i for i in panel_invite(survey=survey, staff=staff)}
    seen = []
    for index, member in enumerate(members):
        panel_answer(
            invitation=invitations[member.pk], member=member,
            answers=answers_for(questions, "Studeren" if index == 6 else "Lenen", "4", "Tekst"),
        )  # fmt: skip
        results = survey_results(survey)
        with translation.override("en"):
            csv_text = survey_results_csv(results)
        assert results.closed is False and results.shown is False and results.questions == []
        assert "Lenen" not in csv_text and "Tekst" not in csv_text and "Responses" not in csv_text
        assert results.responses.exact is False
        seen.append(results.responses.number)
    assert seen == [0, 0, 0, 0, 5, 5, 5]

    closed = survey_move(survey=survey, action=SurveyAction.CLOSE, staff=staff)
    results = survey_results(closed)
    assert (results.responses.number, results.responses.exact) == (7, True)
    assert [(c.label, c.count) for c in results.questions[0].counts][:2] == [
        ("Lenen", 6), ("Studeren", 1),
    ]  # fmt: skip


# --- the external survey: pseudonymous panel id and disclosure -------------------------------


def test_the_panel_id_is_stable_per_survey_and_differs_between_surveys() -> None:
    first = panel_id(survey_id=1, member_id=42)
    assert first == panel_id(survey_id=1, member_id=42)
    assert first != panel_id(survey_id=2, member_id=42)
    assert first != panel_id(survey_id=1, member_id=43)
    assert "42" not in first and len(first) == 52
    with override_settings(KAFT_PANEL_SECRET="een ander geheim"):
        assert panel_id(survey_id=1, member_id=42) != first


def test_inviting_to_an_external_survey_records_a_disclosure_per_member(staff: User) -> None:
    anna, ben = panel_member(first_name="Anna"), panel_member(first_name="Ben")
    make_member(first_name="Niet")
    survey = external_survey(staff)
    second = external_survey(staff, partner=survey.partner)

    invitations = {i.member_id: i for i in panel_invite(survey=survey, staff=staff)}
    panel_invite(survey=second, staff=staff)

    disclosures = Disclosure.objects.filter(partner=survey.partner).order_by("member_id", "pk")
    assert [(d.member_id, d.categories) for d in disclosures] == [
        (anna.pk, ["membership"]), (anna.pk, ["membership"]),
        (ben.pk, ["membership"]), (ben.pk, ["membership"]),
    ]  # fmt: skip
    assert survey.title in disclosures[0].purpose
    url = external_survey_url(invitations[anna.pk])
    parts = urlsplit(url)
    assert parts.netloc == "peil.example.org" and parts.path == "/s/2026"
    query = parse_qs(parts.query)
    assert query["lang"] == ["nl"]
    assert query["panel_id"] == [panel_id(survey_id=survey.pk, member_id=anna.pk)]
    other = Invitation.objects.get(survey=second, member=anna)
    assert parse_qs(urlsplit(external_survey_url(other)).query)["panel_id"] != query["panel_id"]
    assert anna.card_number not in url and str(anna.email) not in url


# --- leaving, retention, erasure, export -------------------------------------------------------


def test_leaving_the_panel_anywhere_removes_the_pending_invitations(staff: User) -> None:
    member = panel_member()
    survey, questions = built_in_survey(staff)
    other, other_questions = built_in_survey(staff, title="Tweede")
    [answered] = panel_invite(survey=survey, staff=staff)
    panel_invite(survey=other, staff=staff)
    panel_answer(
        invitation=answered, member=member, answers=answers_for(questions, "Lenen", "3", "")
    )

    consent_set(
        member=member, purpose=ConsentPurpose.RESEARCH_PANEL, given=False, via=ConsentVia.DESK,
        staff=staff,
    )  # fmt: skip

    assert list(Invitation.objects.filter(member=member).values_list("survey_id", flat=True)) == [
        survey.pk
    ]
    assert Response.objects.count() == 1  # anonymous answers stay


def test_invitations_go_the_rules_days_after_the_survey_closed(staff: User) -> None:
    member = panel_member()
    survey, _questions = built_in_survey(staff)
    panel_invite(survey=survey, staff=staff)
    closed = survey_move(survey=survey, action=SurveyAction.CLOSE, staff=staff)
    assert closed.closed_at is not None

    retention_apply(now=closed.closed_at + dt.timedelta(days=29))
    assert Invitation.objects.filter(member=member).count() == 1
    retention_apply(now=closed.closed_at + dt.timedelta(days=31))
    assert Invitation.objects.filter(member=member).count() == 0


def test_erasure_deletes_the_invitations_and_the_export_shows_them(staff: User) -> None:
    member = panel_member()
    survey, questions = built_in_survey(staff)
    [invitation] = panel_invite(survey=survey, staff=staff)
    panel_answer(
        invitation=invitation, member=member, answers=answers_for(questions, "Lenen", "3", "")
    )

    data = member_export_data(member)
    rows = data["categories"]["requests"]["tables"]["outreach.Invitation"]
    assert len(rows) == 1

    member_erase(member=Member.objects.get(pk=member.pk))
    assert Invitation.objects.filter(member=member).count() == 0
    assert Response.objects.filter(survey=survey).count() == 1


def test_the_demo_survey_has_answers_with_results_shown(staff: User) -> None:
    members = [make_member() for _ in range(6)]
    survey = panel_demo_create(members=members, staff=staff)
    assert survey_results(survey).shown is False  # open: results once it is closed
    survey = survey_move(survey=survey, action=SurveyAction.CLOSE, staff=staff)
    results = survey_results(survey)
    assert results.responses.number == 6 and results.shown is True
    assert Invitation.objects.filter(survey=survey, answered_at__isnull=False).count() == 6
