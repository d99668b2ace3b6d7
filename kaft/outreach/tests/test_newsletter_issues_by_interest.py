"""Issues "by interest" and the interest's life: an interest a waiting issue needs cannot be
switched off; a due issue whose audience is refused becomes a visible draft without stopping the
beat job; a refused new issue leaves no draft; the interests consent is asked again at sending."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.members.models import Member
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.interests import InterestErrorCode
from kaft.outreach.models import (
    Delivery,
    DeliveryStatus,
    Interest,
    InterestKind,
    IssueAudience,
    IssueStatus,
    MemberInterest,
    NewsletterIssue,
    Subscription,
)
from kaft.outreach.services.interests import interest_choose, interest_set_active
from kaft.outreach.services.newsletter_sending import deliveries_send_batch, issue_queue
from kaft.outreach.tests.newsletter_issue_factories import (
    address_subscriber,
    marketing_staff,
    member_subscriber,
    ready_issue,
)
from kaft.privacy.models import Consent, ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_set
from tests.factories_desk import staff_login
from tests.smtp import SmtpSink, smtp_server

__all__ = ["smtp_server"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor() -> Client:
    client = staff_login(Client(), marketing_staff(username="redactie-interesse"))
    client.cookies["django_language"] = "en"
    return client


def _thrillers() -> Interest:
    return Interest.objects.create(
        code="thrillers", name_nl="Thrillers", name_en="Thrillers", kind=InterestKind.GENRE
    )


def _interested(interest: Interest, email: str, **kwargs: Any) -> Subscription:
    """A subscribed member with the interests consent who chose ``interest``."""
    subscription = member_subscriber(email=email, **kwargs)
    member = subscription.member
    assert member is not None
    consent_set(member=member, purpose=ConsentPurpose.INTERESTS, given=True, via=ConsentVia.PORTAL)
    interest_choose(member=member, interest=interest)
    return subscription


def _by_interest(interest: Interest, *, status: str = IssueStatus.SCHEDULED) -> NewsletterIssue:
    """An issue for the members of ``interest``, due a minute ago (or in ``status``)."""
    issue = ready_issue(subject=f"Tips: {interest.code}")
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        audience=IssueAudience.INTEREST,
        audience_interest=interest.code,
        status=status,
        scheduled_for=timezone.now() - dt.timedelta(minutes=1),
    )
    issue.refresh_from_db()
    return issue


def _due(issue: NewsletterIssue) -> NewsletterIssue:
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        status=IssueStatus.SCHEDULED, scheduled_for=timezone.now() - dt.timedelta(minutes=1)
    )
    issue.refresh_from_db()
    return issue


# --- 1a: an interest a scheduled or sending issue needs stays offered ---------------------------


@pytest.mark.parametrize("status", [IssueStatus.SCHEDULED, IssueStatus.SENDING])
def test_stopping_an_interest_a_waiting_issue_goes_to_is_refused(status: str) -> None:
    thrillers = _thrillers()
    issue = _by_interest(thrillers, status=status)

    with pytest.raises(OutreachError) as refused:
        interest_set_active(interest=thrillers, active=False)

    assert refused.value.code == InterestErrorCode.NEWSLETTER_WAITING
    assert issue.subject in refused.value.message
    thrillers.refresh_from_db()
    assert thrillers.active is True


@pytest.mark.parametrize("status", [IssueStatus.DRAFT, IssueStatus.SENT, IssueStatus.CANCELLED])
def test_an_issue_that_is_not_waiting_does_not_hold_the_interest(status: str) -> None:
    thrillers = _thrillers()
    _by_interest(thrillers, status=status)
    # Another interest's scheduled issue is no reason either.
    other = Interest.objects.create(
        code="romans", name_nl="Romans", name_en="Novels", kind=InterestKind.GENRE
    )
    _by_interest(other)

    interest_set_active(interest=thrillers, active=False)

    thrillers.refresh_from_db()
    assert thrillers.active is False
    interest_set_active(interest=thrillers, active=True)
    thrillers.refresh_from_db()
    assert thrillers.active is True


def test_the_desk_shows_why_the_interest_stays_offered() -> None:
    from tests.factories_security import staff_with_role

    admin = staff_login(Client(), staff_with_role("administrator"))
    admin.cookies["django_language"] = "en"
    thrillers = _thrillers()
    _by_interest(thrillers)

    response = admin.post(
        reverse("desk:interest_active"), {"interest": thrillers.pk, "active": "0"}, follow=True
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "is still offered: the newsletter “Tips: thrillers” is scheduled" in page
    thrillers.refresh_from_db()
    assert thrillers.active is True


# --- 1b: the beat job goes on when one due issue cannot be queued -------------------------------


def test_a_due_issue_whose_interest_is_gone_becomes_a_draft_and_the_rest_goes_on(
    smtp_server: SmtpSink, editor: Client, caplog: pytest.LogCaptureFixture
) -> None:
    from kaft.outreach.tasks_newsletter_issues import newsletter_run

    thrillers = _thrillers()
    _interested(thrillers, "lezer@example.org")
    address_subscriber("iedereen@example.org")
    halted = _by_interest(thrillers)
    # Switched off behind the service's back (the admin's list, an older version).
    Interest.objects.filter(pk=thrillers.pk).update(active=False)
    # Another due issue after it, and one whose sending chain was lost.
    fine = _due(ready_issue(subject="Voor iedereen"))
    stalled = ready_issue(subject="Vastgelopen")
    address_subscriber("vast@example.org")
    _due(stalled)
    issue_queue(issue_id=stalled.pk)
    stalled_queued = Delivery.objects.filter(issue=stalled).count()
    assert stalled_queued == 3
    NewsletterIssue.objects.filter(pk=fine.pk).update(
        scheduled_for=timezone.now() - dt.timedelta(seconds=30)
    )
    NewsletterIssue.objects.filter(pk=halted.pk).update(
        scheduled_for=timezone.now() - dt.timedelta(minutes=5)
    )

    assert newsletter_run() == 1

    halted.refresh_from_db()
    fine.refresh_from_db()
    stalled.refresh_from_db()
    assert halted.status == IssueStatus.DRAFT
    assert halted.scheduled_for is not None
    assert Delivery.objects.filter(issue=halted).count() == 0
    assert (fine.status, fine.sent_count) == (IssueStatus.SENT, 3)
    assert (stalled.status, stalled.sent_count) == (IssueStatus.SENT, 3)
    assert f"newsletter issue {halted.pk} not sent" in caplog.text
    # Nothing to retry a minute later: it no longer breaks the job.
    assert newsletter_run() == 0

    # The desk shows it as not sent, and why.
    page = editor.get(reverse("desk:newsletter_issue", args=[halted.pk])).content.decode()
    assert 'id="newsletter-issue-not-sent"' in page
    assert "There is no interest “thrillers”." in page
    listing = editor.get(reverse("desk:newsletter_issues")).content.decode()
    row = listing.split(f'id="newsletter-issue-{halted.pk}"')[1].split("</tr>")[0]
    assert "not sent" in row
    # An issue that went out is not marked.
    fine_page = editor.get(reverse("desk:newsletter_issue", args=[fine.pk])).content.decode()
    assert 'id="newsletter-issue-not-sent"' not in fine_page


def test_an_unexpected_failure_of_one_issue_still_runs_the_others(
    smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaft.outreach import tasks_newsletter_issues
    from kaft.outreach.services import newsletter_sending

    address_subscriber("iedereen@example.org")
    broken = _due(ready_issue(subject="Kapot"))
    fine = _due(ready_issue(subject="Heel"))
    real_queue = newsletter_sending.issue_queue

    def queue(*, issue_id: int, **kwargs: Any) -> int:
        if issue_id == broken.pk:
            raise RuntimeError("database went away")
        return real_queue(issue_id=issue_id, **kwargs)

    monkeypatch.setattr(newsletter_sending, "issue_queue", queue)

    with pytest.raises(RuntimeError):
        tasks_newsletter_issues.newsletter_run()

    fine.refresh_from_db()
    assert (fine.status, fine.sent_count) == (IssueStatus.SENT, 1)


# --- 2: a refused new issue leaves no draft ------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"audience": "branch"}, "Choose the branch whose subscribers get this issue."),
        ({"audience": "interest"}, "There is no interest “”."),
    ],
)
def test_a_new_issue_with_a_refused_audience_saves_nothing(
    editor: Client, data: dict[str, str], message: str
) -> None:
    for _attempt in range(2):
        response = editor.post(
            reverse("desk:newsletter_issue_new"),
            {"subject": "Zomerlezen", "body": "Lees mee", **data},
        )

        assert response.status_code == 400
        assert message in response.content.decode()
    assert NewsletterIssue.objects.count() == 0


def test_a_new_issue_with_its_audience_is_saved_once(editor: Client) -> None:
    thrillers = _thrillers()
    response = editor.post(
        reverse("desk:newsletter_issue_new"),
        {
            "subject": "Spanning",
            "body": "Lees mee",
            "audience": "interest",
            "audience_interest": thrillers.code,
        },
    )

    issue = NewsletterIssue.objects.get()
    assert response["Location"] == reverse("desk:newsletter_issue", args=[issue.pk])
    assert (issue.audience, issue.audience_interest) == (IssueAudience.INTEREST, "thrillers")


# --- 3: the interests consent asked again right before sending -----------------------------------


def test_interests_consent_withdrawn_after_queueing_is_skipped_at_send(
    smtp_server: SmtpSink,
) -> None:
    thrillers = _thrillers()
    stays = _interested(thrillers, "blijft@example.org")
    leaves = _interested(thrillers, "stopt@example.org")
    issue = _by_interest(thrillers)
    assert issue_queue(issue_id=issue.pk) == 2
    leaver = leaves.member
    assert leaver is not None
    # After queueing the member withdraws the interests consent (their interests are deleted);
    # the newsletter consent stays.
    consent_set(member=leaver, purpose=ConsentPurpose.INTERESTS, given=False, via=ConsentVia.PORTAL)
    assert not MemberInterest.objects.filter(member=leaver).exists()
    assert Consent.objects.get(member=leaver, purpose=ConsentPurpose.NEWSLETTER).given

    result = deliveries_send_batch(issue_id=issue.pk)

    assert (result.sent, result.skipped, result.remaining) == (1, 1, 0)
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["blijft@example.org"]
    assert smtp_server.wait_for(2, timeout=0.5) == [mail]
    statuses = dict(Delivery.objects.values_list("subscription_id", "status"))
    assert statuses == {stays.pk: DeliveryStatus.SENT, leaves.pk: DeliveryStatus.SKIPPED}


def test_a_parents_interests_consent_lapses_at_16_at_send(smtp_server: SmtpSink) -> None:
    thrillers = _thrillers()
    stays = _interested(thrillers, "blijft@example.org")
    today = timezone.localdate()
    grown = _interested(
        thrillers,
        "zestien@example.org",
        date_of_birth=today.replace(year=today.year - 16) - dt.timedelta(days=1),
    )
    member: Member | None = grown.member
    assert member is not None
    # The parent's yes for interests no longer counts; the newsletter yes is the member's own.
    Consent.objects.filter(member=member, purpose=ConsentPurpose.INTERESTS).update(by_guardian=True)
    issue = _by_interest(thrillers)
    assert issue_queue(issue_id=issue.pk) == 2

    result = deliveries_send_batch(issue_id=issue.pk)

    assert (result.sent, result.skipped) == (1, 1)
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["blijft@example.org"]
    statuses = dict(Delivery.objects.values_list("subscription_id", "status"))
    assert statuses == {stays.pk: DeliveryStatus.SENT, grown.pk: DeliveryStatus.SKIPPED}


def test_an_interest_removed_after_queueing_is_skipped_at_send(smtp_server: SmtpSink) -> None:
    thrillers = _thrillers()
    _interested(thrillers, "blijft@example.org")
    leaves = _interested(thrillers, "stopt@example.org")
    issue = _by_interest(thrillers)
    assert issue_queue(issue_id=issue.pk) == 2
    MemberInterest.objects.filter(member=leaves.member).delete()

    result = deliveries_send_batch(issue_id=issue.pk)

    assert (result.sent, result.skipped) == (1, 1)
    assert [mail.rcpt_tos for mail in smtp_server.wait_for(1)] == [["blijft@example.org"]]


def test_a_batch_by_interest_is_a_fixed_number_of_statements(smtp_server: SmtpSink) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    thrillers = _thrillers()

    def statements(members: int) -> int:
        Delivery.objects.all().delete()
        NewsletterIssue.objects.all().delete()
        start = Subscription.objects.count()
        for n in range(members - start):
            _interested(thrillers, f"lid{start + n}@example.org")
        issue = _by_interest(thrillers)
        assert issue_queue(issue_id=issue.pk) == members
        with CaptureQueriesContext(connection) as queries:
            result = deliveries_send_batch(issue_id=issue.pk, batch=50)
        assert result.sent == members
        return len(queries.captured_queries)

    assert statements(2) == statements(6)


def test_the_admin_refuses_the_same_in_its_form_and_its_list() -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    thrillers = _thrillers()
    _by_interest(thrillers)
    model_admin = admin.site._registry[Interest]
    request = RequestFactory().post("/")
    request.user = marketing_staff(username="beheerder", is_superuser=True)
    form_class = model_admin.get_form(request, thrillers)
    data = {
        "code": "thrillers",
        "name_nl": "Thrillers",
        "name_en": "Thrillers",
        "kind": InterestKind.GENRE,
        "order": "0",
    }  # "active" unchecked
    assert not form_class(data=data, instance=thrillers).is_valid()
    thrillers.refresh_from_db()  # the form wrote its data onto the instance
    renamed = form_class(data={**data, "code": "spanning", "active": "on"}, instance=thrillers)
    assert not renamed.is_valid()
    changelist_form = model_admin.get_changelist_formset(request)
    formset = changelist_form(
        data={
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(thrillers.pk),
            "form-0-order": "0",
        },
        queryset=Interest.objects.all(),
    )
    assert not formset.is_valid()
    assert "is still offered" in str(formset.errors)
    thrillers.refresh_from_db()
    assert (thrillers.code, thrillers.active) == ("thrillers", True)
    # With no issue waiting it changes as before.
    NewsletterIssue.objects.update(status=IssueStatus.DRAFT)
    thrillers.refresh_from_db()
    assert form_class(data=data, instance=thrillers).is_valid()
