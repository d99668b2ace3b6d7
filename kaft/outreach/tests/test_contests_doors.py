"""Contests through the doors: the public page and MijnBibliotheek (entering, one entry per
person, the member's own entries, withdrawing, another member's entry not found) and the desk
(making and opening a contest, the counts per day and channel, the draw once, the winners, the
access log for a member's entry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.members.models import Member, User
from kaft.outreach.models import (
    Campaign,
    CampaignStatus,
    ContestDailyCount,
    ContestField,
    Draw,
    Entry,
    WinnersShown,
)
from kaft.privacy.models import AccessLogEntry, DataPart
from tests.factories import BranchFactory, MemberFactory, StaffFactory
from tests.factories_contests import a_campaign, an_entry, campaign_drawn

pytestmark = pytest.mark.django_db


@pytest.fixture
def member() -> Member:
    return MemberFactory.create(
        first_name="Sanne",
        last_name="Vries",
        email="sanne@example.org",
        card_number="21000000000042",
    )


@pytest.fixture
def portal(member: Member) -> Client:
    client = Client()
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    return client


@pytest.fixture
def staff() -> User:
    return StaffFactory.create(username="balie-quiz", profile__branch=BranchFactory.create())


@pytest.fixture
def desk(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def _state() -> list[Any]:
    return [
        list(Campaign.objects.order_by("pk").values()),
        list(Entry.objects.order_by("pk").values()),
        list(Draw.objects.order_by("pk").values()),
        list(ContestDailyCount.objects.order_by("pk").values()),
    ]


# --- the public page -----------------------------------------------------------------------------


def test_the_public_page_asks_only_the_fields_of_the_contest(client: Client) -> None:
    campaign = a_campaign(fields=(ContestField.EMAIL, ContestField.ANSWER), shown="not_shown")

    page = client.get(reverse("portal:contest", args=[campaign.pk])).content.decode()

    assert 'name="email"' in page and 'name="answer"' in page
    for absent in (
        'name="first_name"',
        'name="last_name"',
        'name="card_number"',
        'name="name_shown"',
    ):
        assert absent not in page


def test_entering_on_the_public_page_stores_only_the_asked_fields(client: Client) -> None:
    campaign = a_campaign(fields=(ContestField.EMAIL, ContestField.ANSWER), shown="not_shown")
    url = reverse("portal:contest", args=[campaign.pk])
    data = {
        "email": "noor@example.org",
        "answer": "De Tweeling",
        "first_name": "Noor",
        "card_number": "21000000000042",
        "name_shown": "on",
    }

    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    assert list(
        Entry.objects.values_list(
            "channel", "email", "first_name", "card_number", "answer", "name_shown"
        )
    ) == [("public", "noor@example.org", "", "", "De Tweeling", False)]
    # a second entry with the same address is refused, nothing written
    before = _state()
    again = client.post(url, {**data, "answer": "Anders"})
    assert again.status_code == 400
    assert _state() == before


def test_a_draft_is_not_public(client: Client) -> None:
    campaign = a_campaign(opened=False)

    assert client.get(reverse("portal:contest", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("portal:contest", args=[campaign.pk]), {}).status_code == 404


def test_the_public_winners_list_shows_only_first_name_and_initial_with_consent(
    client: Client,
) -> None:
    campaign = a_campaign(winners=2)
    url = reverse("portal:contest", args=[campaign.pk])
    for first, last, email, show in (
        ("Noor", "Jansen", "noor@example.org", "on"),
        ("Daan", "Smit", "daan@example.org", ""),
    ):
        data = {"first_name": first, "last_name": last, "email": email, "answer": "x"}
        if show:
            data["name_shown"] = show
        assert client.post(url, data).status_code == 302
    campaign_drawn(campaign)

    page = client.get(url).content.decode()

    assert "Noor J." in page
    for hidden in ("Jansen", "noor@example.org", "Daan", "Smit", "daan@example.org"):
        assert hidden not in page


# --- MijnBibliotheek -----------------------------------------------------------------------------


def test_a_member_enters_with_the_data_of_their_account(portal: Client, member: Member) -> None:
    campaign = a_campaign(fields=(ContestField.NAME, ContestField.CARD_NUMBER), shown="not_shown")
    url = reverse("portal:contest_enter", args=[campaign.pk])

    page = portal.get(url).content.decode()
    assert "21000000000042" in page and 'name="card_number"' not in page
    response = portal.post(url, {"email": "typed@example.org"})

    assert response.status_code == 302
    assert list(
        Entry.objects.values_list(
            "member", "channel", "first_name", "last_name", "email", "card_number"
        )
    ) == [(member.pk, "portal", "Sanne", "Vries", "", "21000000000042")]
    mine = portal.get(reverse("portal:contests_mine")).content.decode()
    assert campaign.title in mine
    # entering twice is refused
    before = _state()
    assert portal.post(url, {}).status_code == 400
    assert _state() == before


def test_a_member_withdraws_their_entry_after_a_question(portal: Client, member: Member) -> None:
    entry = an_entry(a_campaign(), member)
    url = reverse("portal:contest_withdraw", args=[entry.pk])

    asked = portal.post(url, {})
    assert asked.status_code == 200 and Entry.objects.filter(pk=entry.pk).exists()
    done = portal.post(url, {"bevestig": "ja"})

    assert done.status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_another_members_entry_is_not_found(portal: Client) -> None:
    other = MemberFactory.create(email="ander@example.org")
    entry = an_entry(a_campaign(), other)

    for method in (portal.get, portal.post):
        assert method(reverse("portal:contest_withdraw", args=[entry.pk])).status_code == 404
    assert (
        portal.post(
            reverse("portal:contest_withdraw", args=[entry.pk]), {"bevestig": "ja"}
        ).status_code
        == 404
    )
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert "ander@example.org" not in portal.get(reverse("portal:contests_mine")).content.decode()


# --- the desk ------------------------------------------------------------------------------------


def test_the_desk_makes_opens_closes_and_draws_a_contest(
    desk: Client, staff: User, client: Client, member: Member
) -> None:
    today = timezone.localdate()
    response = desk.post(
        reverse("desk:contest_new"),
        {
            "title": "Zomerquiz",
            "question": "Wat las u deze zomer?",
            "description": "",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=7)).isoformat(),
            "asked": ["name", "email"],
            "prize": "Boekenbon",
            "winners_count": "1",
            "winners_shown": WinnersShown.FIRST_NAME_INITIAL,
            "keep_days": "14",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (campaign.status, campaign.created_by, campaign.fields) == (
        CampaignStatus.DRAFT,
        staff,
        ["name", "email"],
    )
    detail = reverse("desk:contest", args=[campaign.pk])
    desk.post(reverse("desk:contest_move", args=[campaign.pk]), {"action": "open"})
    an_entry(Campaign.objects.get(), member)
    client.post(
        reverse("portal:contest", args=[campaign.pk]),
        {"first_name": "Noor", "last_name": "Jansen", "email": "noor@example.org"},
    )

    page = desk.get(detail).content.decode()
    assert 'id="contest-counts"' in page
    assert f'<th scope="row">{today:%d-%m-%Y}</th><td>1</td><td>1</td><td>2</td>' in page
    assert "Noor" not in page and "Sanne" not in page

    desk.post(reverse("desk:contest_move", args=[campaign.pk]), {"action": "close"})
    drawn = desk.post(reverse("desk:contest_draw", args=[campaign.pk]))
    assert drawn.status_code == 302
    draw = Draw.objects.get()
    assert (draw.staff, draw.entries_count, draw.winners_count) == (staff, 2, 1)

    before = _state()
    again = desk.post(reverse("desk:contest_draw", args=[campaign.pk]), follow=True)
    assert again.status_code == 200
    assert _state() == before


def test_a_refused_contest_form_writes_nothing(desk: Client) -> None:
    today = timezone.localdate()
    response = desk.post(
        reverse("desk:contest_new"),
        {
            "title": "Zonder contact",
            "question": "?",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "asked": ["name", "answer"],
            "prize": "Boekenbon",
            "winners_count": "1",
            "winners_shown": "not_shown",
            "keep_days": "14",
        },
    )

    assert response.status_code == 400
    assert Campaign.objects.count() == 0


def test_looking_at_entries_and_winners_logs_the_members_among_them(
    desk: Client, staff: User, member: Member
) -> None:
    campaign = a_campaign()
    an_entry(campaign, member)
    AccessLogEntry.objects.all().delete()

    page = desk.get(reverse("desk:contest_entries", args=[campaign.pk])).content.decode()

    assert "sanne@example.org" in page
    assert list(AccessLogEntry.objects.values_list("member", "staff", "part")) == [
        (member.pk, staff.pk, DataPart.CONTACT)
    ]
    campaign_drawn(campaign)
    AccessLogEntry.objects.all().delete()
    winners = desk.get(reverse("desk:contest_winners", args=[campaign.pk])).content.decode()
    assert "sanne@example.org" in winners
    assert AccessLogEntry.objects.filter(member=member, part=DataPart.CONTACT).count() == 1


def test_a_contest_asking_the_card_number_is_entered_only_after_logging_in(
    client: Client, member: Member
) -> None:
    campaign = a_campaign(fields=(ContestField.NAME, ContestField.CARD_NUMBER))
    url = reverse("portal:contest", args=[campaign.pk])

    page = client.get(url).content.decode()

    # no form to type a card number: a link to enter in MijnBibliotheek
    assert 'id="contest-members-only"' in page and 'id="contest-entry"' not in page
    assert 'name="card_number"' not in page
    assert reverse("portal:contest_enter", args=[campaign.pk]) in page
    # a forged form with the member's card number stores nothing
    before = _state()
    forged = {"first_name": "Noor", "last_name": "Jansen", "card_number": member.card_number}
    assert client.post(url, forged).status_code == 400
    assert _state() == before
    assert Entry.objects.count() == 0


def test_an_entry_showing_a_members_card_number_without_the_member_is_logged(
    desk: Client, staff: User, member: Member
) -> None:
    # given an entry that holds a member's card number but no member (as the public page once
    # took them)
    campaign = a_campaign(fields=(ContestField.NAME, ContestField.CARD_NUMBER))
    Entry.objects.create(
        campaign=campaign,
        member=None,
        channel="public",
        first_name="Iemand",
        last_name="Anders",
        card_number=member.card_number,
        name_shown=False,
        created_at=timezone.now(),
    )
    AccessLogEntry.objects.all().delete()

    page = desk.get(reverse("desk:contest_entries", args=[campaign.pk])).content.decode()

    assert member.card_number in page
    assert list(AccessLogEntry.objects.values_list("member", "staff", "part")) == [
        (member.pk, staff.pk, DataPart.CONTACT)
    ]
    campaign_drawn(campaign)
    AccessLogEntry.objects.all().delete()
    winners = desk.get(reverse("desk:contest_winners", args=[campaign.pk])).content.decode()
    assert member.card_number in winners
    assert AccessLogEntry.objects.filter(member=member, part=DataPart.CONTACT).count() == 1
