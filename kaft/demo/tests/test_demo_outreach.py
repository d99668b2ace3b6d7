"""Outreach in the demo: confirmed subscribers, a sent and a scheduled newsletter issue, a running
and a drawn contest, a panel survey with answers and members' interests, all made through the
services, once, and without reaching a mail server."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kaft.demo import outreach as demo_outreach
from kaft.demo.load import DEMO_CARD, DESK_STAFF, demo_load
from kaft.members.models import Member, User
from kaft.outreach.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    Draw,
    Entry,
    IssueStatus,
    MemberInterest,
    NewsletterIssue,
    Subscription,
    SubscriptionStatus,
    Survey,
    SurveyStatus,
)
from kaft.outreach.selectors.panel import survey_results
from kaft.outreach.services.contests_entries import campaign_is_running
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.services.consent import consent_given, member_is_child

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Subscription.objects.count(),
        NewsletterIssue.objects.count(),
        Delivery.objects.count(),
        Campaign.objects.count(),
        Entry.objects.count(),
        Draw.objects.count(),
        Survey.objects.count(),
        MemberInterest.objects.count(),
    )


def test_the_demo_has_subscribers_issues_contests_a_panel_survey_and_interests() -> None:
    # when the demo is loaded (the test settings' mail backend keeps mail in memory)
    demo_load()

    # then members and two other addresses are confirmed subscribers, each member with the
    # newsletter consent recorded by the confirmation, and no confirmation mail was sent
    active = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE)
    members = [s.member for s in active.filter(member__isnull=False).select_related("member")]
    assert len(members) == demo_outreach.MEMBER_SUBSCRIBERS
    assert all(
        m is not None and consent_given(member=m, purpose=ConsentPurpose.NEWSLETTER)
        for m in members
    )
    assert DEMO_CARD in {m.card_number for m in members if m is not None}
    assert sorted(active.filter(member__isnull=True).values_list("email", flat=True)) == sorted(
        demo_outreach.PUBLIC_SUBSCRIBERS
    )
    assert all(s.confirmed_at is not None and not s.confirm_token_hash for s in active)
    assert not Subscription.objects.exclude(status=SubscriptionStatus.ACTIVE).exists()
    # one issue was sent to every subscriber, through the mail backend
    sent = NewsletterIssue.objects.get(subject=demo_outreach.SENT_SUBJECT)
    assert sent.status == IssueStatus.SENT and sent.sent_at is not None
    assert sent.sent_count == active.count() == demo_outreach.MEMBER_SUBSCRIBERS + 2
    assert set(sent.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    newsletters = [m for m in mail.outbox if m.subject == demo_outreach.SENT_SUBJECT]
    assert len(newsletters) == sent.sent_count
    assert len(mail.outbox) == len(newsletters)  # no confirmation mails
    # and one is scheduled for next week
    scheduled = NewsletterIssue.objects.get(subject=demo_outreach.SCHEDULED_SUBJECT)
    assert scheduled.status == IssueStatus.SCHEDULED and scheduled.scheduled_for is not None
    assert dt.timedelta(days=6) < scheduled.scheduled_for - timezone.now() <= dt.timedelta(days=7)
    assert not scheduled.deliveries.exists()
    # a running contest and a closed one with its draw, members among the entrants
    running = Campaign.objects.get(title="Boekenweek-prijsvraag")
    drawn = Campaign.objects.get(title="Zomerleesquiz")
    assert campaign_is_running(running)
    assert drawn.status == CampaignStatus.DRAWN and Draw.objects.filter(campaign=drawn).exists()
    assert Entry.objects.filter(campaign=drawn, winner=True).count() == 1
    assert Entry.objects.filter(member__card_number=DEMO_CARD).exists()
    # a panel survey with enough answers for its results to show
    survey = Survey.objects.get(title=demo_outreach.PANEL_TITLE)
    assert survey.invitations.filter(answered_at__isnull=False).count() >= 5
    assert survey.status == SurveyStatus.CLOSED and survey_results(survey).shown
    # and interests for about 40 % of the adult members, none for a child
    adults = [m for m in Member.objects.all() if not member_is_child(m)]
    with_interests = set(MemberInterest.objects.values_list("member_id", flat=True))
    assert 0.25 * len(adults) <= len(with_interests) <= 0.55 * len(adults)
    assert not any(m.pk in with_interests for m in Member.objects.all() if member_is_child(m))


def test_the_demo_reaches_no_mail_server_when_one_is_configured(
    monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    opened: list[str] = []

    def no_smtp(self: smtplib.SMTP, *args: object, **kwargs: object) -> None:
        opened.append(str(args))
        raise AssertionError("the demo tried to reach a mail server")

    monkeypatch.setattr(smtplib.SMTP, "__init__", no_smtp)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]

    demo_load()

    sent = NewsletterIssue.objects.get(subject=demo_outreach.SENT_SUBJECT)
    assert sent.status == IssueStatus.SENT and sent.sent_count > 0
    assert opened == []


def test_outreach_is_made_once_and_an_older_demo_gets_it_once() -> None:
    demo_load()
    made = _counts()

    demo_load()  # the demo is there: nothing is added
    staff = User.objects.get(username=DESK_STAFF.username)
    demo_outreach.outreach_ensure(
        members=demo_outreach.demo_members(), staff=staff, now=timezone.now()
    )
    assert _counts() == made

    # a demo from before outreach: everything of it gone
    for model in (Entry, Draw, Campaign, Survey, MemberInterest, Delivery, NewsletterIssue):
        model.objects.all().delete()
    Subscription.objects.all().delete()
    assert demo_outreach.outreach_add_to_older_demo() is True
    assert demo_outreach.outreach_add_to_older_demo() is False
    demo_load()
    after = _counts()
    assert after[1:7] == made[1:7]  # the same issues, deliveries, contests, entries, survey
    assert after[0] == made[0]


def test_the_desk_sees_the_demo_contests() -> None:
    demo_load()
    desk = Client()
    desk.force_login(User.objects.get(username=DESK_STAFF.username))

    page = desk.get("/desk/contests/")

    assert page.status_code == 200
    assert "Boekenweek-prijsvraag" in page.content.decode()
    assert "Zomerleesquiz" in page.content.decode()
