"""Contests, the services: what a campaign may ask, entering (only the asked fields, one entry per
person), withdrawing, the draw (random among the entries, recorded, once), telling the winners
by e-mail on a real SMTP server, the public winners list, and the entries gone after their
period while the anonymous counts remain."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.members.models import Member, User
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.contests import ContestErrorCode
from kaft.outreach.models import (
    Campaign,
    CampaignAction,
    CampaignStatus,
    ContestDailyCount,
    ContestField,
    Draw,
    Entry,
    EntryChannel,
    WinnersShown,
)
from kaft.outreach.selectors.contests import campaign_counts, winners_shown_publicly
from kaft.outreach.services.contests import campaign_move, campaign_save, keep_days_default
from kaft.outreach.services.contests_draw import campaign_draw, winner_address
from kaft.outreach.services.contests_entries import entry_create, entry_withdraw
from kaft.privacy.services.retention import retention_apply, retention_overdue
from tests.factories import MemberFactory, StaffFactory
from tests.factories_contests import a_campaign, an_entry, campaign_drawn
from tests.smtp import SmtpSink

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    return StaffFactory.create(username="balie-prijsvraag")


@pytest.fixture
def member() -> Member:
    return MemberFactory.create(
        first_name="Sanne", last_name="Vries", email="sanne@example.org", preferred_language="nl"
    )


def _public(campaign: Campaign, client: str = "192.0.2.1", **fields: Any) -> Entry:
    values: dict[str, Any] = {
        "first_name": "Noor",
        "last_name": "Jansen",
        "email": "noor@example.org",
        "card_number": "",
        "answer": "De Tweeling",
    }
    values.update(fields)
    return entry_create(
        campaign=campaign, channel=EntryChannel.PUBLIC, member=None, client=client, **values
    )


def _state() -> list[Any]:
    return [
        list(Campaign.objects.order_by("pk").values()),
        list(Entry.objects.order_by("pk").values()),
        list(Draw.objects.order_by("pk").values()),
        list(ContestDailyCount.objects.order_by("pk").values()),
    ]


# --- what a campaign may ask ---------------------------------------------------------------------


def _save(**changes: Any) -> Campaign:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "campaign": None,
        "title": "Quiz",
        "question": "Wie schreef Max Havelaar?",
        "description": "",
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=7),
        "fields": [ContestField.NAME, ContestField.EMAIL],
        "prize": "Boekenbon",
        "winners_count": 1,
        "winners_shown": WinnersShown.NOT_SHOWN,
        "keep_days": 30,
        "staff": None,
    }
    values.update(changes)
    return campaign_save(**values)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"fields": [ContestField.NAME, ContestField.ANSWER]}, ContestErrorCode.NO_WAY_TO_REACH),
        ({"fields": [ContestField.EMAIL, "date_of_birth"]}, ContestErrorCode.FIELD_UNKNOWN),
        (
            {"fields": [ContestField.EMAIL], "winners_shown": WinnersShown.FIRST_NAME_INITIAL},
            ContestErrorCode.SHOWN_NEEDS_NAME,
        ),
        ({"keep_days": 6}, ContestErrorCode.KEEP_DAYS_OUT_OF_BOUNDS),
        ({"keep_days": 91}, ContestErrorCode.KEEP_DAYS_OUT_OF_BOUNDS),
        ({"winners_count": 0}, ContestErrorCode.WINNERS_OUT_OF_BOUNDS),
        ({"ends_on": timezone.localdate() - dt.timedelta(days=1)}, ContestErrorCode.DATES_ORDER),
        ({"prize": " "}, ContestErrorCode.TEXT_MISSING),
    ],
)
def test_a_campaign_asks_a_way_to_reach_and_nothing_outside_the_list(
    changes: dict[str, Any], code: ContestErrorCode
) -> None:
    with pytest.raises(OutreachError) as refused:
        _save(**changes)

    assert refused.value.code == code
    assert Campaign.objects.count() == 0


def test_a_new_campaign_keeps_its_entries_the_rules_period_by_default(settings: Any) -> None:
    settings.KAFT_CONTEST_ENTRY_DAYS = 14

    campaign = _save(keep_days=keep_days_default())

    assert campaign.keep_days == 14
    assert campaign.entries_kept_until == campaign.ends_on + dt.timedelta(days=14)
    assert campaign.fields == ["name", "email"]
    assert campaign.status == CampaignStatus.DRAFT


def test_only_a_draft_can_be_changed() -> None:
    campaign = a_campaign()
    before = _state()

    with pytest.raises(OutreachError) as refused:
        _save(campaign=campaign, title="Anders")

    assert refused.value.code == ContestErrorCode.NOT_EDITABLE
    assert _state() == before


def test_the_life_of_a_campaign_is_its_table() -> None:
    campaign = a_campaign(opened=False)
    with pytest.raises(OutreachError) as refused:
        campaign_move(campaign=campaign, action=CampaignAction.CLOSE, staff=None)
    assert refused.value.code == ContestErrorCode.MOVE_NOT_ALLOWED

    opened = campaign_move(campaign=campaign, action=CampaignAction.OPEN, staff=None)
    closed = campaign_move(campaign=opened, action=CampaignAction.CLOSE, staff=None)

    assert (opened.status, closed.status) == (CampaignStatus.OPEN, CampaignStatus.CLOSED)
    assert closed.opened_at is not None and closed.closed_at is not None


# --- entering ------------------------------------------------------------------------------------


def test_only_the_asked_fields_are_stored() -> None:
    # given a campaign asking only the e-mail address and the answer
    campaign = a_campaign(fields=(ContestField.EMAIL, ContestField.ANSWER), shown="not_shown")

    # when someone sends a name and a card number too (a forged form), and yes to being shown
    entry = _public(
        campaign,
        first_name="Noor",
        last_name="Jansen",
        card_number="21000000000042",
        email=" Noor@Example.org ",
        name_shown=True,
    )

    # then only the address (normalised) and the answer are kept, and no yes to being shown
    stored = Entry.objects.filter(pk=entry.pk).values(
        "first_name", "last_name", "email", "card_number", "answer", "name_shown", "member"
    )[0]
    assert stored == {
        "first_name": "",
        "last_name": "",
        "email": "noor@example.org",
        "card_number": "",
        "answer": "De Tweeling",
        "name_shown": False,
        "member": None,
    }


def test_a_portal_entry_stores_the_member_and_only_the_asked_fields(member: Member) -> None:
    campaign = a_campaign(fields=(ContestField.CARD_NUMBER,), shown="not_shown")

    entry = an_entry(campaign, member)

    stored = Entry.objects.filter(pk=entry.pk).values(
        "member", "channel", "first_name", "email", "card_number", "answer"
    )[0]
    assert stored == {
        "member": member.pk,
        "channel": "portal",
        "first_name": "",
        "email": "",
        "card_number": member.card_number,
        "answer": "",
    }


def test_one_entry_per_address_per_campaign() -> None:
    campaign = a_campaign()
    _public(campaign)
    before = _state()

    with pytest.raises(OutreachError) as refused:
        _public(campaign, email="NOOR@example.org", first_name="Ander")

    assert refused.value.code == ContestErrorCode.ALREADY_ENTERED
    assert _state() == before
    # in another campaign the same person may enter
    _public(a_campaign(title="Andere quiz"))


def test_the_public_page_cannot_enter_a_campaign_that_asks_the_card_number(
    member: Member,
) -> None:
    # given a campaign asking the card number: anyone may know a member's card number
    campaign = a_campaign(fields=(ContestField.NAME, ContestField.EMAIL, ContestField.CARD_NUMBER))
    before = _state()

    # when someone on the public page enters with the member's card number
    with pytest.raises(OutreachError) as refused:
        _public(campaign, card_number=member.card_number)

    # then nothing is stored, and the member can still enter themselves
    assert refused.value.code == ContestErrorCode.CARD_NEEDS_LOGIN
    assert _state() == before
    entry = an_entry(campaign, member)
    assert (entry.member, entry.card_number) == (member, member.card_number)


def test_a_member_entry_stores_the_members_own_card_number(member: Member) -> None:
    other = MemberFactory.create()
    campaign = a_campaign(fields=(ContestField.NAME, ContestField.CARD_NUMBER))

    entry = an_entry(campaign, member, card_number=other.card_number)

    assert entry.card_number == member.card_number


def test_a_member_enters_once(member: Member) -> None:
    campaign = a_campaign()
    an_entry(campaign, member)

    with pytest.raises(OutreachError) as refused:
        an_entry(campaign, member, email="ander@example.org")

    assert refused.value.code == ContestErrorCode.ALREADY_ENTERED
    assert Entry.objects.filter(member=member).count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"email": "geen-adres"}, ContestErrorCode.EMAIL_INVALID),
        ({"answer": "  "}, ContestErrorCode.FIELD_MISSING),
        ({"first_name": ""}, ContestErrorCode.FIELD_MISSING),
        ({"answer": "x" * 1001}, ContestErrorCode.ANSWER_TOO_LONG),
    ],
)
def test_an_entry_with_an_asked_field_wrong_is_refused(
    fields: dict[str, str], code: ContestErrorCode
) -> None:
    campaign = a_campaign()
    before = _state()

    with pytest.raises(OutreachError) as refused:
        _public(campaign, **fields)

    assert refused.value.code == code
    assert _state() == before


def test_entering_a_campaign_not_running_is_refused() -> None:
    draft = a_campaign(opened=False)
    ended = a_campaign(title="Voorbij", today=timezone.localdate() - dt.timedelta(days=30))
    before = _state()

    for campaign in (draft, ended):
        with pytest.raises(OutreachError) as refused:
            _public(campaign)
        assert refused.value.code == ContestErrorCode.NOT_RUNNING
    assert _state() == before


def test_the_public_page_is_limited_per_client() -> None:
    campaign = a_campaign()
    for n in range(10):
        _public(campaign, email=f"p{n}@example.org")

    with pytest.raises(OutreachError) as refused:
        _public(campaign, email="elf@example.org")

    assert refused.value.code == ContestErrorCode.TOO_MANY_ENTRIES
    assert Entry.objects.count() == 10


def test_a_member_withdraws_while_open_not_after(member: Member) -> None:
    campaign = a_campaign()
    entry = an_entry(campaign, member)
    other = an_entry(a_campaign(title="Tweede"), member)
    campaign_move(campaign=other.campaign, action=CampaignAction.CLOSE, staff=None)

    entry_withdraw(entry=entry, member=member)
    with pytest.raises(OutreachError) as refused:
        entry_withdraw(entry=other, member=member)

    assert refused.value.code == ContestErrorCode.WITHDRAW_CLOSED
    assert list(Entry.objects.values_list("pk", flat=True)) == [other.pk]
    # the count of entries received stays
    assert [c.total for c in campaign_counts(campaign)] == [1]


def test_entries_are_counted_per_day_and_channel(member: Member) -> None:
    campaign = a_campaign()
    _public(campaign, email="a@example.org")
    _public(campaign, email="b@example.org")
    an_entry(campaign, member)

    counts = campaign_counts(campaign)

    assert [(c.day, c.public, c.portal, c.total) for c in counts] == [
        (timezone.localdate(), 2, 1, 3)
    ]


# --- the draw ------------------------------------------------------------------------------------


def test_the_draw_picks_winners_among_the_entries_and_is_recorded(staff: User) -> None:
    campaign = a_campaign(winners=2)
    entries = [_public(campaign, email=f"p{n}@example.org") for n in range(5)]
    campaign_move(campaign=campaign, action=CampaignAction.CLOSE, staff=staff)

    draw = campaign_draw(campaign=campaign, staff=staff)

    winners = set(Entry.objects.filter(winner=True).values_list("pk", flat=True))
    assert len(winners) == 2 and winners <= {e.pk for e in entries}
    draw.refresh_from_db()
    assert (draw.campaign_id, draw.staff, draw.entries_count, draw.winners_count) == (
        campaign.pk,
        staff,
        5,
        2,
    )
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAWN


def test_the_draw_uses_the_systems_random_source(monkeypatch: pytest.MonkeyPatch) -> None:
    # every entry can win: over many draws of one among three, each one wins at least once
    import secrets

    calls: list[int] = []
    real = secrets.SystemRandom.sample

    def counted(self: Any, population: Any, k: int) -> Any:
        calls.append(k)
        return real(self, population, k)

    monkeypatch.setattr(secrets.SystemRandom, "sample", counted)
    won: set[int] = set()
    for n in range(40):
        campaign = a_campaign(title=f"Quiz {n}")
        for m in range(3):
            _public(campaign, client=f"198.51.100.{n}", email=f"p{m}@example.org")
        campaign_drawn(campaign)
        winner = Entry.objects.get(campaign=campaign, winner=True)
        won.add(
            sorted(Entry.objects.filter(campaign=campaign).values_list("pk", flat=True)).index(
                winner.pk
            )
        )
        if won == {0, 1, 2}:
            break
    assert won == {0, 1, 2}
    assert calls and set(calls) == {1}


def test_drawing_twice_is_refused_and_writes_nothing(staff: User) -> None:
    campaign = campaign_drawn(_with_entries(a_campaign(), 3))
    before = _state()

    with pytest.raises(OutreachError) as refused:
        campaign_draw(campaign=campaign, staff=staff)

    assert refused.value.code == ContestErrorCode.ALREADY_DRAWN
    assert _state() == before


def test_an_open_campaign_or_one_without_entries_is_not_drawn(staff: User) -> None:
    running = _with_entries(a_campaign(), 2)
    empty = campaign_move(
        campaign=a_campaign(title="Leeg"), action=CampaignAction.CLOSE, staff=None
    )
    before = _state()

    with pytest.raises(OutreachError) as open_refused:
        campaign_draw(campaign=running, staff=staff)
    with pytest.raises(OutreachError) as empty_refused:
        campaign_draw(campaign=empty, staff=staff)

    assert open_refused.value.code == ContestErrorCode.MOVE_NOT_ALLOWED
    assert empty_refused.value.code == ContestErrorCode.NO_ENTRIES
    assert _state() == before


def _with_entries(campaign: Campaign, count: int) -> Campaign:
    for n in range(count):
        _public(campaign, email=f"deelnemer{n}@example.org", first_name=f"Naam{n}")
    return campaign


def test_the_winners_are_told_by_email_in_their_language(
    settings: Any, member: Member, staff: User
) -> None:
    from tests.smtp import use_smtp

    # given two entries, both winners: one from the public page in English, one of a member
    # from MijnBibliotheek in a contest that asks only the card number
    campaign = a_campaign(fields=(ContestField.NAME, ContestField.EMAIL), winners=2)
    entry_create(
        campaign=campaign,
        channel=EntryChannel.PUBLIC,
        member=None,
        first_name="Emma",
        last_name="Brown",
        email="emma@example.org",
        language="en",
    )
    card_only = a_campaign(
        title="Alleen pas", fields=(ContestField.CARD_NUMBER,), shown="not_shown"
    )
    an_entry(card_only, member, email="")
    an_entry(campaign, member)
    with SmtpSink() as sink:
        use_smtp(settings, sink)
        settings.KAFT_LIBRARY_NAME = "Bibliotheek Kaft"

        # when both campaigns are drawn
        campaign_move(campaign=campaign, action=CampaignAction.CLOSE, staff=staff)
        campaign_move(campaign=card_only, action=CampaignAction.CLOSE, staff=staff)
        with _commits():
            campaign_draw(campaign=campaign, staff=staff)
            campaign_draw(campaign=card_only, staff=staff)
        mails = sink.wait_for(3)

    # then each winner got one mail, in their language, at the right address: the member's
    # own for the entry with only a card number
    assert sorted((m.rcpt_tos[0], m.message["Content-Language"]) for m in mails) == [
        ("emma@example.org", "en"),
        ("sanne@example.org", "nl"),
        ("sanne@example.org", "nl"),
    ]
    english = next(m for m in mails if m.rcpt_tos == ["emma@example.org"])
    assert english.subject == "You have won: Boekenweekquiz"
    assert "Your prize: Een boekenbon." in english.body
    assert Entry.objects.filter(winner=True, told_at__isnull=True).count() == 0


class _commits:
    """Run the on-commit callbacks of what happens inside, as after a real commit."""

    def __enter__(self) -> None:
        from django.test import TestCase

        self._ctx = TestCase.captureOnCommitCallbacks(execute=True)
        self._ctx.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._ctx.__exit__(*exc)


# --- the winners list ----------------------------------------------------------------------------


def test_the_winners_list_shows_first_name_and_initial_of_winners_who_agreed() -> None:
    campaign = a_campaign(winners=3)
    _public(campaign, first_name="Noor", last_name="jansen", email="a@example.org", name_shown=True)
    _public(campaign, first_name="Daan", last_name="Smit", email="b@example.org", name_shown=False)
    _public(campaign, first_name="Lotte", last_name="Bos", email="c@example.org", name_shown=True)
    assert winners_shown_publicly(campaign) == []  # not drawn yet

    campaign = campaign_drawn(campaign)

    assert winners_shown_publicly(campaign) == ["Lotte B.", "Noor J."]


def test_a_campaign_that_shows_no_winners_lists_none() -> None:
    campaign = a_campaign(shown=WinnersShown.NOT_SHOWN)
    _public(campaign, name_shown=True)

    campaign = campaign_drawn(campaign)

    assert winners_shown_publicly(campaign) == []
    assert Entry.objects.get().name_shown is False


# --- retention -----------------------------------------------------------------------------------


def test_entries_are_gone_after_their_period_and_the_counts_remain(member: Member) -> None:
    # given a drawn campaign whose last day was today, keeping its entries 10 days
    campaign = a_campaign(keep_days=10, today=timezone.localdate() - dt.timedelta(days=7))
    _public(campaign)
    an_entry(campaign, member)
    campaign = campaign_drawn(campaign)
    kept_until = campaign.entries_kept_until
    assert kept_until == timezone.localdate() + dt.timedelta(days=10)

    # when the retention job runs on the last day of keeping, the entries stay
    on_last_day = timezone.make_aware(dt.datetime.combine(kept_until, dt.time(23, 0)))
    retention_apply(now=on_last_day)
    assert Entry.objects.count() == 2

    # and the day after they are gone, with nothing overdue; the counts and the draw stay
    day_after = on_last_day + dt.timedelta(hours=2)
    assert len(list(retention_overdue(now=day_after))) == 2
    run = retention_apply(now=day_after)
    assert Entry.objects.count() == 0
    assert run.counts["contest_entries"] == {"outreach.Entry": 2}
    assert list(retention_overdue(now=day_after)) == []
    assert [(c.public, c.portal) for c in campaign_counts(campaign)] == [(1, 1)]
    assert Draw.objects.get(campaign=campaign).entries_count == 2
    assert winners_shown_publicly(campaign) == []


def test_withdrawing_takes_a_few_queries(member: Member) -> None:
    entry = an_entry(a_campaign(), member)

    with CaptureQueriesContext(connection) as queries:
        entry_withdraw(entry=entry, member=member)

    assert len(queries) <= 8


# --- the member's rights -------------------------------------------------------------------------


def test_erasing_a_member_deletes_their_entries_and_keeps_the_counts(member: Member) -> None:
    from kaft.privacy.services.erasure import member_erase

    campaign = a_campaign()
    an_entry(campaign, member)
    other = _public(campaign)

    member_erase(member=member, staff=None)

    assert list(Entry.objects.values_list("pk", flat=True)) == [other.pk]
    assert [(c.public, c.portal) for c in campaign_counts(campaign)] == [(1, 1)]


def test_the_export_holds_the_members_entries(member: Member) -> None:
    from kaft.privacy.services.export import member_export_data

    an_entry(a_campaign(), member, answer="Mijn eigen antwoord")
    _public(a_campaign(title="Andere quiz"), answer="Antwoord van een ander")

    text = str(member_export_data(member))

    assert "Mijn eigen antwoord" in text
    assert "Antwoord van een ander" not in text


def test_a_card_number_in_an_entry_is_never_looked_up_to_tell_a_winner(member: Member) -> None:
    # an entry with a member's card number but no member (as the public page once took them)
    campaign = a_campaign(fields=(ContestField.NAME, ContestField.CARD_NUMBER))
    entry = Entry.objects.create(
        campaign=campaign,
        member=None,
        channel=EntryChannel.PUBLIC,
        first_name="Iemand",
        last_name="Anders",
        card_number=member.card_number,
        name_shown=False,
        created_at=timezone.now(),
    )

    assert winner_address(entry) == ""
