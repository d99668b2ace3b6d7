"""Signing up for the newsletter is double opt-in, everywhere: the public page (an address), a
member in MijnBibliotheek (also through the consent page), the desk. Nothing counts until the
link in the mail is followed and its button pressed; the consent is recorded then, with the
privacy statement's version."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.members.models import Member
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.newsletter_subscriptions import SubscriptionErrorCode
from kaft.outreach.models import Subscription, SubscriptionStatus, SubscriptionVia
from kaft.outreach.services.newsletter_subscriptions import (
    subscription_confirm,
    subscription_request_member,
    token_hash,
)
from kaft.outreach.tests.subscriptions_fixtures import (  # noqa: F401 - fixtures
    _fresh_limits,
    in_english,
    mailed_links,
    smtp_server,
)
from kaft.outreach.tests.subscriptions_support import (
    active_address,
    confirm_link_in,
    path_of,
    token_of,
)
from kaft.privacy.models import ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_given
from tests.factories import MemberFactory
from tests.factories_consent import make_member, make_version
from tests.smtp import SmtpSink

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_fresh_limits", "in_english")]

SIGNUP = "/nieuwsbrief/"
CONFIRM = "/nieuwsbrief/bevestigen/"


def _sign_up(client: Client, address: str, **extra: str) -> Any:
    return client.post(SIGNUP, {"email": address, **extra}, REMOTE_ADDR="192.0.2.10")


def test_public_sign_up_is_double_opt_in_over_real_smtp(
    client: Client,
    smtp_server: SmtpSink,  # noqa: F811
    django_capture_on_commit_callbacks: object,
) -> None:
    version = make_version("3", published=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = _sign_up(client, "Lezer@Example.net")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:newsletter_signup_done")
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.PENDING
    assert subscription.email == "lezer@example.net" and subscription.member is None
    assert subscription.via == SubscriptionVia.PUBLIC and subscription.confirmed_at is None

    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["lezer@example.net"]
    link = confirm_link_in(mail.body)
    token = token_of(link)
    # Only the hash of the token is kept.
    assert subscription.confirm_token_hash == token_hash(token)
    assert token not in subscription.confirm_token_hash

    # A mail scanner opens the link: the page shows a button and confirms nothing.
    scanner = Client()
    opened = scanner.get(path_of(link), follow=True)
    assert opened.status_code == 200
    assert b"Yes, send me the newsletter" in opened.content
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PENDING

    # The person presses the button: now it counts, with the statement version.
    client.get(path_of(link))
    confirmed = client.post(CONFIRM)
    assert confirmed.status_code == 200
    assert b"You are subscribed" in confirmed.content
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.confirmed_at is not None
    assert subscription.statement_version == version
    assert subscription.confirm_token_hash == ""

    # The link works once.
    again = Client()
    again.get(path_of(link))
    assert again.post(CONFIRM).status_code == 400


def test_a_link_past_its_days_confirms_nothing(client: Client, mailed_links: list[str]) -> None:  # noqa: F811
    _sign_up(client, "laat@example.net")
    subscription = Subscription.objects.get()
    Subscription.objects.filter(pk=subscription.pk).update(
        requested_at=timezone.now() - dt.timedelta(days=8)
    )
    with pytest.raises(OutreachError) as refused:
        subscription_confirm(token=token_of(mailed_links[-1]))
    assert refused.value.code == SubscriptionErrorCode.LINK_INVALID
    client.get(path_of(mailed_links[-1]))
    assert client.post(CONFIRM).status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PENDING


def test_the_public_page_answers_the_same_for_known_and_unknown_addresses(
    client: Client,
    smtp_server: SmtpSink,  # noqa: F811
    django_capture_on_commit_callbacks: object,
) -> None:
    # Signed up earlier in English: the mail about it speaks the subscriber's language.
    Subscription.objects.filter(pk=active_address("bekend@example.net").pk).update(language="en")
    MemberFactory.create(email="lid@example.net")
    answers = []
    for address in ("bekend@example.net", "onbekend@example.net", "lid@example.net"):
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            response = _sign_up(Client(), address)
        answers.append((response.status_code, response["Location"]))
        page = Client().get(response["Location"])
        # The same bytes, but for the CSRF token each new visitor gets.
        answers.append((page.status_code, re.sub(rb"[A-Za-z0-9]{64}", b"", page.content)))
    assert answers[0] == answers[2] == answers[4]
    assert answers[1] == answers[3] == answers[5]
    # The mail says what applies: the known address is told it is subscribed already.
    mails = {mail.rcpt_tos[0]: mail for mail in smtp_server.wait_for(3)}
    assert "already" in mails["bekend@example.net"].subject
    assert "/nieuwsbrief/afmelden/" in mails["bekend@example.net"].body
    assert "/nieuwsbrief/bevestigen/" in mails["onbekend@example.net"].body
    # The subscribed address stays as it was: one active subscription, nothing pending.
    assert Subscription.objects.filter(email="bekend@example.net").count() == 1


def test_the_public_page_is_rate_limited_per_client_and_per_address(
    mailed_links: list[str],  # noqa: F811
) -> None:
    client = Client()
    for n in range(5):
        assert _sign_up(client, f"iemand{n}@example.net").status_code == 302
    refused = _sign_up(client, "nog-een@example.net")
    assert refused.status_code == 400
    assert b"Too many sign-ups" in refused.content
    assert not Subscription.objects.filter(email="nog-een@example.net").exists()
    # Per address, from different clients.
    for n in range(3):
        assert (
            Client().post(SIGNUP, {"email": "zelfde@example.net"}, REMOTE_ADDR=f"198.51.100.{n}")
        ).status_code == 302
    assert (
        Client().post(SIGNUP, {"email": "zelfde@example.net"}, REMOTE_ADDR="198.51.100.99")
    ).status_code == 400
    assert len(mailed_links) == 5 + 3


def test_an_invalid_address_is_refused_on_the_form(client: Client) -> None:
    response = _sign_up(client, "geen-adres")
    assert response.status_code == 400
    assert not Subscription.objects.exists()


def test_member_in_mijnbibliotheek_is_subscribed_only_after_the_link(
    client: Client,
    smtp_server: SmtpSink,  # noqa: F811
    django_capture_on_commit_callbacks: object,
) -> None:
    version = make_version("4", published=timezone.now())
    member = make_member(age=30, email="sanne@example.org")
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    page = client.get("/mijn/nieuwsbrief/")
    assert page.status_code == 200 and b"Not subscribed" in page.content
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post("/mijn/nieuwsbrief/", {"action": "subscribe"})
    assert response.status_code == 302
    assert b"Waiting for confirmation" in client.get("/mijn/nieuwsbrief/").content
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)

    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["sanne@example.org"]
    link = confirm_link_in(mail.body)
    client.get(path_of(link))
    assert client.post(CONFIRM).status_code == 200
    assert consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    event = ConsentEvent.objects.get(member=member, purpose=ConsentPurpose.NEWSLETTER)
    assert event.given and event.via == ConsentVia.EMAIL_LINK
    assert event.statement_version == version
    subscription = Subscription.objects.get(member=member)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.statement_version is None  # the member's is in the consent history
    assert b"Subscribed" in client.get("/mijn/nieuwsbrief/").content


def test_the_consent_page_switches_the_newsletter_on_only_through_the_link(
    client: Client,
    mailed_links: list[str],  # noqa: F811
) -> None:
    member = make_member(age=30)
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    response = client.post("/mijn/toestemmingen/wijzigen/", {"purpose": "newsletter", "given": "1"})
    assert response.status_code == 302
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    assert not ConsentEvent.objects.filter(member=member).exists()
    assert Subscription.objects.get(member=member).status == SubscriptionStatus.PENDING
    assert len(mailed_links) == 1
    subscription_confirm(token=token_of(mailed_links[0]))
    assert consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)

    # Off: at once, and the subscription ends with it.
    client.post("/mijn/toestemmingen/wijzigen/", {"purpose": "newsletter", "given": "0"})
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    assert Subscription.objects.get(member=member).status == SubscriptionStatus.ENDED


def test_a_member_under_16_is_refused_with_a_clear_message(
    client: Client,
    mailed_links: list[str],  # noqa: F811
) -> None:
    child = make_member(age=12)
    with pytest.raises(OutreachError) as refused:
        subscription_request_member(member=child, via=SubscriptionVia.PORTAL)
    assert refused.value.code == SubscriptionErrorCode.CHILD_NEEDS_GUARDIAN
    assert child.user is not None
    client.force_login(child.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    response = client.post("/mijn/nieuwsbrief/", {"action": "subscribe"})
    assert response.status_code == 400
    assert b"younger than 16" in response.content
    assert not Subscription.objects.exists() and mailed_links == []


def test_asking_again_while_pending_replaces_the_link(mailed_links: list[str]) -> None:  # noqa: F811
    member: Member = make_member(age=40)
    subscription_request_member(member=member, via=SubscriptionVia.PORTAL)
    subscription_request_member(member=member, via=SubscriptionVia.DESK)
    assert Subscription.objects.filter(member=member).count() == 1
    first, second = mailed_links
    with pytest.raises(OutreachError):
        subscription_confirm(token=token_of(first))
    assert subscription_confirm(token=token_of(second)).status == SubscriptionStatus.ACTIVE
    with pytest.raises(OutreachError) as refused:
        subscription_request_member(member=member, via=SubscriptionVia.PORTAL)
    assert refused.value.code == SubscriptionErrorCode.ALREADY_SUBSCRIBED


def test_a_member_without_an_address_is_refused(mailed_links: list[str]) -> None:  # noqa: F811
    member = make_member(age=40, email="")
    with pytest.raises(OutreachError) as refused:
        subscription_request_member(member=member, via=SubscriptionVia.DESK)
    assert refused.value.code == SubscriptionErrorCode.MEMBER_NO_EMAIL
