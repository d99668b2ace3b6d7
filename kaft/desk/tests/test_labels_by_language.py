"""Data the library keeps in Dutch shows in English on English pages: the member categories
(``name_en``) and the usual reasons for a block (stored as a code, shown in words)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from kaft.desk.forms import IdentityForm
from kaft.members.models import Member, MemberCategory, MemberEvent, MemberStatus

pytestmark = pytest.mark.django_db


def _in(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_a_category_shows_its_english_name_in_english_and_the_dutch_one_in_dutch(
    adult: MemberCategory,
) -> None:
    adult.name, adult.name_en = "Volwassene", "Adult"
    adult.save()
    no_english = MemberCategory.objects.create(code="vip", name="Vriend", annual_fee=0)

    with translation.override("en"):
        english = adult.label, str(adult), no_english.label
        field: Any = IdentityForm().fields["category"]
        choices = [label for _value, label in field.choices]
    with translation.override("nl"):
        dutch = adult.label, str(adult)

    assert english == ("Adult", "Adult", "Vriend")
    assert "Adult" in choices
    assert dutch == ("Volwassene", "Volwassene")


def test_the_member_page_shows_the_category_in_the_pages_language(
    desk: Client, member: Member
) -> None:
    member.category.name_en = "Adult"
    member.category.save()
    url = f"/desk/members/{member.pk}/"

    english = _in(desk, "en").get(url).content.decode()
    dutch = _in(desk, "nl").get(url).content.decode()

    assert "<dt>Category</dt><dd>Adult</dd>" in english
    assert f"<dt>Categorie</dt><dd>{member.category.name}</dd>" in dutch


def test_a_usual_block_reason_is_stored_as_its_code_and_shown_in_either_language(
    desk: Client, member: Member
) -> None:
    desk.post(f"/desk/members/{member.pk}/block/", {"kind": "charges", "reason": ""})
    member.refresh_from_db()
    url = f"/desk/members/{member.pk}/"

    english = _in(desk, "en").get(url).content.decode()
    dutch = _in(desk, "nl").get(url).content.decode()

    assert (member.status, member.block_reason) == (MemberStatus.BLOCKED, "charges")
    assert '>Blocked</span> <span class="standing-detail">Unpaid charges</span>' in english
    assert '>Geblokkeerd</span> <span class="standing-detail">Openstaande kosten</span>' in dutch
    event = MemberEvent.objects.get(member=member)
    with translation.override("en"):
        assert event.note_label == "Unpaid charges"


def test_another_reason_needs_its_text_and_is_shown_as_typed(desk: Client, member: Member) -> None:
    refused = desk.post(
        f"/desk/members/{member.pk}/block/", {"kind": "other", "reason": ""}, follow=True
    )
    member.refresh_from_db()
    status_after_refusal = member.status
    desk.post(f"/desk/members/{member.pk}/block/", {"kind": "other", "reason": "Pas gestolen"})
    member.refresh_from_db()

    assert "Geef een reden voor de blokkade." in refused.content.decode()
    assert status_after_refusal == MemberStatus.ACTIVE
    assert member.block_reason == "Pas gestolen"
    with translation.override("en"):
        assert member.block_reason_label == "Pas gestolen"
