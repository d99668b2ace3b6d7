"""Unsubscribing is as easy as subscribing and takes effect at once: the link in every message
(RFC 8058 one-click POST, no login, no CSRF token; a GET only shows a button), MijnBibliotheek,
the desk; and a withdrawn newsletter consent ends the subscription wherever it is withdrawn."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaft.members.models import StaffRole
from kaft.outreach.models import NewsletterIssue, Subscription, SubscriptionStatus
from kaft.outreach.services.newsletter_links import unsubscribe_code
from kaft.outreach.services.newsletter_subscriptions import (
    newsletter_list_headers,
    newsletter_unsubscribe_url,
)
from kaft.outreach.tests.subscriptions_fixtures import (  # noqa: F401 - fixtures
    in_english,
    mailed_links,
)
from kaft.outreach.tests.subscriptions_support import (
    active_address,
    active_member,
    path_of,
    sent_issue_with_delivery,
)
from kaft.privacy.models import AccessLogEntry, ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_given, consent_set
from tests.factories import StaffFactory
from tests.factories_consent import make_member
from tests.factories_desk import staff_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

ONE_CLICK = "List-Unsubscribe=One-Click"


def test_the_headers_name_the_link_and_one_click() -> None:
    subscription = active_address()
    headers = newsletter_list_headers(subscription, issue_id=7)
    url = newsletter_unsubscribe_url(subscription, issue_id=7)
    assert headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert url.startswith("http") and "/nieuwsbrief/afmelden/" in url
    # One link per subscription, and not one that follows from another's.
    other = active_address("ander@example.net")
    assert newsletter_unsubscribe_url(other) != newsletter_unsubscribe_url(subscription)
    assert str(subscription.pk) in url


def test_one_click_post_unsubscribes_at_once_without_login_or_csrf_token() -> None:
    subscription = active_address()
    delivery = sent_issue_with_delivery(subscription)
    url = newsletter_unsubscribe_url(subscription, issue_id=delivery.issue_id)
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        path_of(url), ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED
    assert subscription.ended_at is not None
    assert NewsletterIssue.objects.get(pk=delivery.issue_id).unsubscribed_count == 1
    # A second click changes nothing and still answers 200.
    assert (
        mail_program.post(
            path_of(url), ONE_CLICK, content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )
    assert NewsletterIssue.objects.get(pk=delivery.issue_id).unsubscribed_count == 1


def test_a_get_shows_a_button_and_unsubscribes_nothing() -> None:
    subscription = active_address()
    url = newsletter_unsubscribe_url(subscription)
    scanner = Client()
    page = scanner.get(path_of(url))
    assert page.status_code == 200
    assert b'method="post"' in page.content and b"Unsubscribe" in page.content
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    # The page's button (a plain form, no CSRF token needed) does it.
    pressed = Client(enforce_csrf_checks=True).post(path_of(url), {"List-Unsubscribe": "One-Click"})
    assert pressed.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED


@pytest.mark.parametrize(
    "code",
    [
        "wrong",
        "{pk}.0.0123456789abcdef0123456789abcdef",  # a made-up MAC
        "{other}.0.{mac_of_pk}",  # another subscription's number with this one's MAC
        "{pk}.5.{mac_of_pk}",  # an issue number added to a genuine code
    ],
)
def test_a_wrong_or_forged_key_is_404_and_changes_nothing(code: str) -> None:
    subscription = active_address()
    other = active_address("ander@example.net")
    genuine = unsubscribe_code(subscription.pk)
    code = code.format(pk=subscription.pk, other=other.pk, mac_of_pk=genuine.rsplit(".", 1)[1])
    path = reverse("portal:newsletter_unsubscribe", kwargs={"code": code})
    client = Client()
    assert (
        client.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded").status_code
        == 404
    )
    assert client.get(path).status_code == 404
    assert set(Subscription.objects.values_list("status", flat=True)) == {SubscriptionStatus.ACTIVE}


def test_a_secret_changed_since_makes_old_links_stop(settings: object) -> None:
    subscription = active_address()
    url = newsletter_unsubscribe_url(subscription)
    settings.KAFT_NEWSLETTER_SECRET = "een-ander-geheim"  # type: ignore[attr-defined]
    assert Client().post(path_of(url)).status_code == 404


def test_a_members_unsubscribe_link_withdraws_the_newsletter_consent(
    mailed_links: list[str],  # noqa: F811
) -> None:
    member = make_member(age=35)
    subscription = active_member(member, mailed_links)
    assert consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    response = Client().post(
        path_of(newsletter_unsubscribe_url(subscription)),
        ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    last = ConsentEvent.objects.filter(member=member).order_by("-pk").first()
    assert last is not None and not last.given and last.via == ConsentVia.EMAIL_LINK


@pytest.mark.parametrize("where", [ConsentVia.DESK, ConsentVia.PORTAL])
def test_withdrawing_the_consent_anywhere_ends_the_subscription(
    mailed_links: list[str],  # noqa: F811
    where: ConsentVia,
) -> None:
    member = make_member(age=35)
    subscription = active_member(member, mailed_links)
    consent_set(member=member, purpose=ConsentPurpose.NEWSLETTER, given=False, via=where)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED and subscription.ended_at is not None


def test_unsubscribe_in_mijnbibliotheek(client: Client, mailed_links: list[str]) -> None:  # noqa: F811
    member = make_member(age=35)
    subscription = active_member(member, mailed_links)
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    assert client.post("/mijn/nieuwsbrief/", {"action": "unsubscribe"}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    assert b"Not subscribed" in client.get("/mijn/nieuwsbrief/").content


def test_the_desk_signs_up_with_double_opt_in_and_unsubscribes_on_request(
    client: Client,
    mailed_links: list[str],  # noqa: F811
) -> None:
    member = make_member(age=50)
    staff = StaffFactory.create(profile__role=StaffRole.DESK)
    staff_login(client, staff)
    page = client.get(f"/desk/members/{member.pk}/newsletter/")
    assert page.status_code == 200
    assert AccessLogEntry.objects.filter(member=member, staff=staff, part="status").count() == 1

    client.post(f"/desk/members/{member.pk}/newsletter/subscribe/")
    subscription = Subscription.objects.get(member=member)
    assert subscription.status == SubscriptionStatus.PENDING and subscription.via == "desk"
    assert len(mailed_links) == 1  # the mail goes out; the member confirms
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)

    from kaft.outreach.services.newsletter_subscriptions import subscription_confirm
    from kaft.outreach.tests.subscriptions_support import token_of

    subscription_confirm(token=token_of(mailed_links[0]))
    assert b"Subscribed" in client.get(f"/desk/members/{member.pk}/newsletter/").content
    client.post(f"/desk/members/{member.pk}/newsletter/unsubscribe/")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED
    last = ConsentEvent.objects.filter(member=member).order_by("-pk").first()
    assert last is not None and not last.given and last.via == ConsentVia.DESK
    assert last.staff == staff


def _one_click(url: str) -> int:
    response = Client(enforce_csrf_checks=True).post(
        path_of(url), ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )
    return response.status_code


def test_an_old_link_of_an_address_ends_its_new_subscription() -> None:
    old = active_address("Lezer@Example.net")
    old_url = newsletter_unsubscribe_url(old)
    assert _one_click(old_url) == 200
    new = active_address("lezer@example.NET")  # signed up again, written otherwise
    stranger = active_address("ander@example.net")
    # The page of the old link offers the button again.
    page = Client().get(path_of(old_url)).content.decode()
    assert 'method="post"' in page
    assert _one_click(old_url) == 200
    new.refresh_from_db()
    stranger.refresh_from_db()
    assert new.status == SubscriptionStatus.ENDED and new.ended_at is not None
    assert stranger.status == SubscriptionStatus.ACTIVE
    page = Client().get(path_of(old_url)).content.decode()
    assert "You are unsubscribed: this address no longer receives the newsletter." in page


def test_an_old_link_of_a_member_ends_the_members_new_subscription(
    mailed_links: list[str],  # noqa: F811
) -> None:
    member = make_member(age=35)
    old = active_member(member, mailed_links)
    old_url = newsletter_unsubscribe_url(old)
    assert _one_click(old_url) == 200
    new = active_member(member, mailed_links)
    assert new.pk != old.pk
    assert consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    assert _one_click(old_url) == 200
    new.refresh_from_db()
    assert new.status == SubscriptionStatus.ENDED
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    last = ConsentEvent.objects.filter(member=member).order_by("-pk").first()
    assert last is not None and not last.given and last.via == ConsentVia.EMAIL_LINK


def test_an_old_link_of_an_address_that_is_now_a_members_ends_the_members_subscription(
    mailed_links: list[str],  # noqa: F811
) -> None:
    member = make_member(age=35)
    assert member.email
    old = active_address(member.email.upper())
    old_url = newsletter_unsubscribe_url(old)
    assert _one_click(old_url) == 200
    new = active_member(member, mailed_links)
    assert _one_click(old_url) == 200
    new.refresh_from_db()
    assert new.status == SubscriptionStatus.ENDED
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
