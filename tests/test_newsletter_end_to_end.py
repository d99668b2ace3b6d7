"""The newsletter from sign-up to unsubscribe, over a real SMTP server, as issue 13's "done
means" puts it: a member subscribes in MijnBibliotheek (double opt-in), receives an issue whose
RFC 8058 headers work, unsubscribes with the one POST a mail program makes, and gets nothing
more: the next issue reaches the other subscriber only.

Everything the member and the mail program do goes through HTTP; the links come out of the mails
the SMTP server received, not from the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kaft.outreach.models import Subscription, SubscriptionStatus
from kaft.outreach.services.newsletter_issues import issue_send_now
from kaft.outreach.tests.newsletter_issue_factories import address_subscriber, ready_issue
from kaft.outreach.tests.subscriptions_support import confirm_link_in, path_of
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.services.consent import consent_given
from tests.factories_consent import make_member, make_version
from tests.smtp import SmtpSink, smtp_server

__all__ = ["smtp_server"]

pytestmark = pytest.mark.django_db


def _send(issue_subject: str, capture: Any) -> None:
    with capture(execute=True):
        issue_send_now(issue=ready_issue(subject=issue_subject))


def test_subscribe_receive_unsubscribe_with_one_post_and_nothing_more(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.KAFT_SITE_URL = "https://bieb.example"
    make_version("7", published=timezone.now())
    member = make_member(age=34, email="sanne@example.org")
    assert member.user is not None
    address_subscriber("piet@example.org")  # someone else, who stays subscribed

    # 1. Subscribe in MijnBibliotheek: a confirmation mail, nothing counts yet.
    browser = Client()
    browser.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post("/mijn/nieuwsbrief/", {"action": "subscribe"}).status_code == 302
    [confirmation] = smtp_server.wait_for(1)
    assert confirmation.rcpt_tos == ["sanne@example.org"]
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)

    # 2. The link from the mail, then its button: subscribed, the consent recorded.
    link = confirm_link_in(confirmation.body)
    assert browser.get(path_of(link)).status_code in (200, 302)
    assert browser.post("/nieuwsbrief/bevestigen/").status_code == 200
    assert consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)
    assert Subscription.objects.get(member=member).status == SubscriptionStatus.ACTIVE

    # 3. An issue reaches both subscribers, with the RFC 8058 headers.
    _send("Nieuws in december", django_capture_on_commit_callbacks)
    mails = smtp_server.wait_for(3)[1:]
    assert sorted(m.rcpt_tos[0] for m in mails) == ["piet@example.org", "sanne@example.org"]
    mail = next(m for m in mails if m.rcpt_tos == ["sanne@example.org"])
    assert mail.subject == "Nieuws in december"
    assert str(mail.message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    header = str(mail.message["List-Unsubscribe"]).strip()
    assert header.startswith("<https://bieb.example/") and header.endswith(">")
    unsubscribe_url = header[1:-1]
    assert unsubscribe_url in mail.body  # the visible link is the same one

    # 4. The mail program's one click: a POST without cookies or CSRF token, as RFC 8058 says.
    mail_program = Client(enforce_csrf_checks=True)
    answer = mail_program.post(
        path_of(unsubscribe_url),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    assert Subscription.objects.get(member=member).status == SubscriptionStatus.ENDED
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)

    # 5. The next issue goes to the other subscriber only.
    _send("Nieuws in januari", django_capture_on_commit_callbacks)
    later = smtp_server.wait_for(4)[3:]
    assert [m.rcpt_tos for m in later] == [["piet@example.org"]]
    assert later[0].subject == "Nieuws in januari"
