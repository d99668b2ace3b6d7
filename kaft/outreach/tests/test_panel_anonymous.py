"""A panel response and its answers are anonymous: no path of foreign keys leads from them to a
member or an invitation, they keep no time (only the Monday of the week), and their ids are
random, so their order says nothing about the order in which members answered."""

from __future__ import annotations

import uuid

import pytest
from django.db import models

from kaft.members.models import Member
from kaft.outreach.models import Answer, Invitation, Response, Survey
from kaft.outreach.services.panel_answers import panel_answer
from kaft.outreach.services.panel_invitations import panel_invite
from kaft.outreach.tests.panel_support import answers_for, built_in_survey, panel_member
from kaft.privacy.registry import NOT_PERSONAL, REGISTRY

Model = type[models.Model]


def forward_models(start: Model, depth: int = 4) -> set[Model]:
    """Every model reachable from ``start`` by following foreign keys and one-to-ones forward
    (what a row points at), up to ``depth`` links."""
    found: set[Model] = set()
    frontier = [start]
    for _hop in range(depth):
        following = []
        for model in frontier:
            for field in model._meta.concrete_fields:
                related = field.related_model
                forward = field.many_to_one or field.one_to_one
                if forward and isinstance(related, type) and related not in found:
                    found.add(related)
                    following.append(related)
        frontier = following
    return found


@pytest.mark.parametrize("model", [Response, Answer])
def test_no_foreign_key_path_leads_from_a_response_to_a_member(model: Model) -> None:
    reached = forward_models(model)
    assert Member not in reached
    assert Invitation not in reached
    # It does reach the survey (and through it only the staff login that made it).
    assert Survey in reached


def test_response_and_answer_keep_no_time_and_have_random_ids() -> None:
    for model in (Response, Answer):
        kinds = {type(field) for field in model._meta.concrete_fields}
        assert models.DateTimeField not in kinds, model
        assert isinstance(model._meta.pk, models.UUIDField), model
    assert [f.name for f in Response._meta.concrete_fields] == ["id", "survey", "submitted_on"]
    assert [f.name for f in Answer._meta.concrete_fields] == ["id", "response", "question", "value"]


def test_the_register_calls_them_not_personal_and_registers_the_invitation() -> None:
    assert {"outreach.Response", "outreach.Answer", "outreach.Survey", "outreach.Question"} <= set(
        NOT_PERSONAL
    )
    [invitation] = [entry for entry in REGISTRY if entry.model == "outreach.Invitation"]
    assert invitation.member_paths == ("member",)
    assert invitation.rule == "panel_invitations"


@pytest.mark.django_db
def test_the_order_of_the_stored_rows_does_not_follow_the_order_of_answering() -> None:
    members = [panel_member() for _ in range(8)]
    survey, questions = built_in_survey()
    invitations = {i.member_id: i for i in panel_invite(survey=survey, staff=None)}
    for member in members:
        panel_answer(
            invitation=invitations[member.pk], member=member,
            answers=answers_for(questions, "Lenen", "3", f"tekst {member.pk}"),
        )  # fmt: skip
    ids = list(Response.objects.values_list("id", flat=True))
    assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk in ids)
    # One day for all: nothing finer to match against the invitations' answered_at.
    assert Response.objects.values("submitted_on").distinct().count() == 1
    # The stored answers name the question and the response, never a member's id or card.
    for answer in Answer.objects.all():
        assert set(vars(answer)) - {"_state"} == {"id", "response_id", "question_id", "value"}
