"""Outreach in the demo: newsletter subscribers, a sent and a scheduled issue, a running contest
and a drawn one, a Biebpanel survey with answers, and members' interests, so every outreach
screen at the desk and in MijnBibliotheek has something to show.

Everything goes through the outreach services, the way people would do it:

- Subscribers sign up (a member in MijnBibliotheek, an address on the public page) and confirm
  with the link's token. The service keeps only the token's hash and hands the link to the
  confirmation mail; the demo takes the link at that hand-over (:func:`_links_caught`), so no
  confirmation mail is sent or queued, and confirms it as the link's button would.
- The sent issue is sent with "Send now", queued and sent by the sending service right away. The
  mail goes to Django's configured backend only when that stays on this machine (`make run`
  writes to ``var/mail``; tests keep it in memory); any other backend (an SMTP server) is
  replaced by Django's dummy backend while the demo sends: the demo never reaches the network
  and never waits for a mail server. The addresses are invented (``example.org``) anyway.
- Contests and the panel come from their parts' own demo functions
  (:mod:`kaft.outreach.services.contests_demo`, :mod:`kaft.outreach.services.panel_demo`), the
  interests from :mod:`kaft.outreach.services.interests_demo`.

Running it again adds nothing: each piece is looked for first (the issues by subject, the survey
by title, a subscriber by a subscription of any status, so one ended in the running demo stays
ended).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from kaft.core.limits import NEWSLETTER_EMAIL, NEWSLETTER_SIGNUP, limit_clear
from kaft.demo.people import DEMO_CARD, MEMBER_COUNT, card
from kaft.members.models import Member, MemberStatus, User
from kaft.outreach.models import (
    NewsletterIssue,
    Subscription,
    SubscriptionVia,
    Survey,
    SurveyAction,
)
from kaft.outreach.services import newsletter_subscriptions
from kaft.outreach.services.contests_demo import (
    DRAWN_TITLE,
    RUNNING_TITLE,
    contests_demo_create,
)
from kaft.outreach.services.interests_demo import interests_demo_ensure
from kaft.outreach.services.newsletter_issues import (
    issue_create,
    issue_schedule,
    issue_send_now,
    issue_update,
)
from kaft.outreach.services.newsletter_sending import deliveries_send_batch, issue_queue
from kaft.outreach.services.panel import survey_move
from kaft.outreach.services.panel_demo import panel_demo_create
from kaft.privacy.services.consent import member_is_child

# How many adult members subscribe (the demo member first), and who else does.
MEMBER_SUBSCRIBERS = 8
PUBLIC_SUBSCRIBERS = ("lezer.jansen@example.net", "boekenliefhebber@example.net")
# The client the demo's public sign-ups are counted for (no address of a real visitor).
DEMO_CLIENT = "kaft-demo"
# How many adults join the panel (five or more answers: its results show once it is closed).
PANEL_MEMBERS = 8
# panel_demo_create's survey title: looked for, so a second run makes no second survey.
PANEL_TITLE = "Hoe bevalt de bibliotheek?"

SENT_SUBJECT = "Nieuws van de bibliotheek: de Boekenweek komt eraan"
SENT_BODY = """\
Beste lezer,

Van zaterdag tot en met zondag een week later is het **Boekenweek**. In alle vestigingen vindt u
een tafel met de boeken van dit jaar, en in de Centrale Bibliotheek is er een schrijversavond.

- Doe mee met de *Boekenweek-prijsvraag* in MijnBibliotheek en win twee kaartjes.
- Nieuw: ook op zondagmiddag open in de Centrale Bibliotheek.

Tot ziens in de bibliotheek!
"""
SCHEDULED_SUBJECT = "Nieuws van de bibliotheek: voorlezen in de winter"
SCHEDULED_BODY = """\
Beste lezer,

Deze winter lezen we elke woensdagmiddag voor in vestiging Noord, voor kinderen van 4 tot 8 jaar.
Aanmelden hoeft niet; kom gerust even binnen.

En vergeet niet: de resultaten van ons Biebpanel staan binnenkort op de website.
"""
SCHEDULED_IN = dt.timedelta(days=7)

# Backends that keep the mail on this machine; any other is swapped for the dummy while sending.
OFFLINE_MAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)
DUMMY_MAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def demo_members() -> list[Member]:
    """The demo's members in card order (those still there)."""
    cards = [card(n) for n in range(1, MEMBER_COUNT + 1)]
    found = {m.card_number: m for m in Member.objects.filter(card_number__in=cards)}
    return [found[number] for number in cards if number in found]


def _adults(members: Sequence[Member]) -> list[Member]:
    """Members who may give their own consent and be written to: active, 16 or older, with an
    e-mail address, not erased."""
    return [
        member
        for member in members
        if member.status == MemberStatus.ACTIVE
        and member.erased_at is None
        and member.email
        and not member_is_child(member)
    ]


# --- Newsletter ---------------------------------------------------------------------------------


@contextmanager
def _links_caught() -> Iterator[list[str]]:
    """Take the confirmation links the sign-up services hand to their mail (instead of mailing
    them after the commit): the token is in the link only, the database keeps its hash."""
    links: list[str] = []
    original = newsletter_subscriptions._mail_after_commit

    def catch(subscription_id: int, link: str) -> None:
        links.append(link)

    newsletter_subscriptions._mail_after_commit = catch
    try:
        yield links
    finally:
        newsletter_subscriptions._mail_after_commit = original


def _token(links: list[str]) -> str:
    return parse_qs(urlsplit(links[-1]).query)["t"][0]


def subscribers_ensure(*, members: Sequence[Member], now: dt.datetime) -> int:
    """The demo member and the next adults up to :data:`MEMBER_SUBSCRIBERS`, and the
    :data:`PUBLIC_SUBSCRIBERS`, signed up and confirmed; how many were added now."""
    added = 0
    with _links_caught() as links:
        for member in _adults(members)[:MEMBER_SUBSCRIBERS]:
            if Subscription.objects.filter(member=member).exists():
                continue
            links.clear()
            newsletter_subscriptions.subscription_request_member(
                member=member, via=SubscriptionVia.PORTAL, now=now
            )
            newsletter_subscriptions.subscription_confirm(token=_token(links), now=now)
            added += 1
        for address in PUBLIC_SUBSCRIBERS:
            if Subscription.objects.filter(member__isnull=True, email=address).exists():
                continue
            links.clear()
            newsletter_subscriptions.subscription_request_address(
                email=address, client=DEMO_CLIENT, now=now
            )
            newsletter_subscriptions.subscription_confirm(token=_token(links), now=now)
            limit_clear(NEWSLETTER_EMAIL, address)  # the demo's sign-up counts against no one
            added += 1
    limit_clear(NEWSLETTER_SIGNUP, DEMO_CLIENT)
    return added


def _mail_offline() -> AbstractContextManager[object]:
    """Send with the configured mail backend when it stays on this machine, else with the
    dummy one (see the module's docstring)."""
    if settings.EMAIL_BACKEND in OFFLINE_MAIL_BACKENDS:
        return nullcontext()
    return override_settings(EMAIL_BACKEND=DUMMY_MAIL_BACKEND)


def issues_ensure(*, staff: User, now: dt.datetime) -> tuple[NewsletterIssue, NewsletterIssue]:
    """One issue sent to the subscribers now ("Send now", queued and sent at once) and one
    scheduled for next week; each made once (by subject)."""
    sent = NewsletterIssue.objects.filter(subject=SENT_SUBJECT).first()
    if sent is None:
        sent = issue_create(staff=staff, subject=SENT_SUBJECT, now=now)
        sent = issue_update(issue=sent, subject=SENT_SUBJECT, body=SENT_BODY)
        sent = issue_send_now(issue=sent, now=now)
        issue_queue(issue_id=sent.pk, now=now)
        with _mail_offline():
            for _batch in range(1000):  # a bound, never reached: the demo has a few subscribers
                result = deliveries_send_batch(issue_id=sent.pk, now=now)
                if not result.remaining or result.wait:
                    break
        sent.refresh_from_db()
    scheduled = NewsletterIssue.objects.filter(subject=SCHEDULED_SUBJECT).first()
    if scheduled is None:
        scheduled = issue_create(staff=staff, subject=SCHEDULED_SUBJECT, now=now)
        scheduled = issue_update(issue=scheduled, subject=SCHEDULED_SUBJECT, body=SCHEDULED_BODY)
        scheduled = issue_schedule(issue=scheduled, send_at=now + SCHEDULED_IN, now=now)
    return sent, scheduled


# --- Everything ---------------------------------------------------------------------------------


@transaction.atomic
def outreach_ensure(*, members: Sequence[Member], staff: User, now: dt.datetime) -> None:
    """Newsletter subscribers and issues, the contests, the panel survey and interests for the
    demo's ``members`` (in card order, the demo member first). Needs the demo's members and
    staff; a savepoint, so a caller may carry on without it. Idempotent."""
    adults = _adults(members)
    subscribers_ensure(members=members, now=now)
    issues_ensure(staff=staff, now=now)
    # Four adults enter the contests from MijnBibliotheek: the demo member one of them.
    contests_demo_create(staff=staff, members=adults[:4], today=timezone.localdate(now))
    if not Survey.objects.filter(title=PANEL_TITLE).exists():
        survey = panel_demo_create(members=adults[2 : 2 + PANEL_MEMBERS], staff=staff)
        # Closed, as staff would after the answers came in: results show only for a closed
        # survey (no refresh between two answers can tell what the last one said).
        survey_move(survey=survey, action=SurveyAction.CLOSE, staff=staff)
    interests_demo_ensure(members=members, seed=13, share=0.4, most=3)


def outreach_is_in_demo() -> bool:
    """Whether the demo has all of its outreach: both issues, the panel survey, the contests."""
    from kaft.outreach.models import Campaign

    subjects = set(
        NewsletterIssue.objects.filter(subject__in=[SENT_SUBJECT, SCHEDULED_SUBJECT]).values_list(
            "subject", flat=True
        )
    )
    return (
        subjects == {SENT_SUBJECT, SCHEDULED_SUBJECT}
        and Survey.objects.filter(title=PANEL_TITLE).exists()
        and Campaign.objects.filter(title__in=[RUNNING_TITLE, DRAWN_TITLE]).count() == 2
    )


def outreach_add_to_older_demo() -> bool:
    """A demo loaded before outreach came gets it once; whether anything was added. What was
    changed in that demo since (a member erased, a consent withdrawn) may make a service refuse:
    then nothing of it is written and the demo runs without."""
    from kaft.core.errors import DomainError
    from kaft.demo.library import DESK_STAFF

    if outreach_is_in_demo():
        return False
    staff = User.objects.filter(username=DESK_STAFF.username).first()
    members = demo_members()
    if staff is None or not members or members[0].card_number != DEMO_CARD:
        return False
    if len(_adults(members)) < 2 + PANEL_MEMBERS:
        return False
    try:
        outreach_ensure(members=members, staff=staff, now=timezone.now())
    except DomainError:
        return False
    return True
